"""YAML text into nodes, quickly when the file is valid, in clear words when not.

Model and mapping files are read as nodes, not values, so every key keeps its
line. PyYAML's parser written in Python takes about 50 ms for the bundled
model, a tenth of a small run's start; the C parser it can wrap (libyaml)
takes a seventh of that. The C parser's errors are terser ("did not find
expected key", no caret under the column), so a file it refuses is parsed
again by the Python one, whose error is the one shown.
"""

from __future__ import annotations

import yaml

__all__ = ["compose_nodes"]

# Each loader's twin over the C parser, made once.
_TWINS: dict[type[yaml.SafeLoader], type[yaml.CSafeLoader]] = {}


def compose_nodes(text: str, loader: type[yaml.SafeLoader]) -> yaml.Node | None:
    """The root node of ``text``, its scalars resolved as ``loader`` resolves them.

    Raises:
        yaml.YAMLError: as ``loader`` raises it, when the text is not YAML.

    >>> compose_nodes("employees: 250\\n", yaml.SafeLoader).value[0][1].tag
    'tag:yaml.org,2002:int'
    >>> compose_nodes("a: [1\\nb: 2\\n", yaml.SafeLoader)
    Traceback (most recent call last):
    ...
    yaml.parser.ParserError: while parsing a flow sequence
      in "<unicode string>", line 1, column 4:
        a: [1
           ^
    expected ',' or ']', but got ':'
      in "<unicode string>", line 2, column 2:
        b: 2
         ^
    """
    fast = _with_c_parser(loader)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass  # said again below, in the Python parser's words
    return yaml.compose(text, Loader=loader)


def _with_c_parser(loader: type[yaml.SafeLoader]) -> type[yaml.CSafeLoader] | None:
    """``loader``'s resolvers over libyaml's parser; None without libyaml."""
    if not yaml.__with_libyaml__:
        return None
    if loader not in _TWINS:
        # The implicit resolvers (which plain words are booleans, numbers,
        # dates) are class data: the twin shares the loader's own.
        _TWINS[loader] = type(
            f"C{loader.__name__}",
            (yaml.CSafeLoader,),
            {"yaml_implicit_resolvers": loader.yaml_implicit_resolvers},
        )
    return _TWINS[loader]
