"""A YAML syntax error in words of the file: its line, what is wrong, the fix.

The parser's own text names the input "<unicode string>", because it reads
the text rather than the file; the caller names the file instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

__all__ = ["YamlProblem", "yaml_problem"]

SYNTAX_FIX = "check the indentation and quoting around this line"


@dataclass(frozen=True)
class YamlProblem:
    """Where the YAML stops being valid, what it found there, and the fix."""

    line: int | None
    message: str
    fix: str


def yaml_problem(error: yaml.YAMLError, text: str) -> YamlProblem:
    """The ``error`` the parser raised on ``text``, told without its input name.

    >>> text = "a: [1\\nb: 2\\n"
    >>> try:
    ...     yaml.compose(text, Loader=yaml.SafeLoader)
    ... except yaml.YAMLError as error:
    ...     found = yaml_problem(error, text)
    >>> found.line
    2
    >>> found.message.endswith("(while parsing a flow sequence that starts on line 1)")
    True
    """
    if isinstance(error, yaml.reader.ReaderError):
        code = error.character
        shown = f"U+{code:04X}" if isinstance(code, int) else f"U+{ord(code):04X}"
        return YamlProblem(
            text.count("\n", 0, error.position) + 1,
            f"the character {shown} is not allowed in YAML",
            "delete it",
        )

    if not isinstance(error, yaml.MarkedYAMLError):
        return YamlProblem(None, str(error), SYNTAX_FIX)
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = error.problem or ""
    context = error.context or ""
    if not context:
        message = problem
    elif context.startswith("while ") and error.context_mark is not None:
        start = error.context_mark.line + 1
        message = f"{problem} ({context} that starts on line {start})"
    else:
        message = f"{context}, {problem}"
    return YamlProblem(line, message, SYNTAX_FIX)
