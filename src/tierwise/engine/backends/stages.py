"""The compiled query cut into stages, for engines that inline every step.

Spark expands a common table expression everywhere it is read. The placing
steps read ``eligible`` many times over, and each ``fill_N`` is read by every
tier below it, so inlined the plan grows with every capped tier; a 1,000-row
portfolio then ran for minutes and ran out of memory. Run as stages instead
(each kept step computed once and stored, later stages reading it by name),
the engine does the work DuckDB does with ``AS MATERIALIZED``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from sqlglot import exp

from tierwise.engine.compile import CompiledModel
from tierwise.engine.sql import ident

__all__ = ["Stage", "kept_steps", "read_tables", "renamed", "stages"]


@dataclass(frozen=True)
class Stage:
    """One query to run: a kept step (``name``) or the result (``None``)."""

    name: str | None
    query: exp.Query


def kept_steps(compiled: CompiledModel) -> list[str]:
    """Steps read more than once downstream: stored once, read by name.

    ``eligible`` feeds every later step, each ``fill_N`` the tiers below it,
    and ``placed`` both halves of the result.
    """
    return [
        name
        for name in compiled.steps
        if name in {"eligible", "placed"}
        or name.startswith(("fill_", "unpinned_fill_"))
    ]


def stages(
    compiled: CompiledModel,
    kept: Collection[str],
    view_name: Callable[[str], str] = str,
) -> list[Stage]:
    """The query as a list of stages, in order; the last gives the result.

    Each stage carries, as common table expressions, only the earlier steps
    it reads that are not kept; a kept step is read from the view
    ``view_name(step)``, which the caller creates from its stage.
    """
    pending: dict[str, exp.Query] = {}
    result: list[Stage] = []
    for name, body in compiled.steps.items():
        if name in kept:
            result.append(Stage(name, _staged(body, pending, kept, view_name)))
        else:
            pending[name] = body

    final = compiled.query.copy()
    final.set("with_", None)
    result.append(Stage(None, _staged(final, pending, kept, view_name)))
    return result


def _staged(
    body: exp.Query,
    pending: dict[str, exp.Query],
    kept: Collection[str],
    view_name: Callable[[str], str],
) -> exp.Query:
    """``body`` with the pending steps it reads prepended, kept ones renamed."""
    query = body.copy()
    needed = _reads(query, pending)
    for name in [step for step in pending if step in needed]:
        query = query.with_(ident(name), as_=pending[name].copy())
    return renamed(query, {name: view_name(name) for name in kept})


def read_tables(query: exp.Expr) -> list[exp.Expr]:
    """The nodes that name a table ``query`` reads (steps included).

    The compiler names a step in ``FROM`` and ``JOIN`` by a bare quoted
    identifier; a parsed query names it by a table node. Both are found.
    """
    return [
        node
        for node in query.find_all(exp.Table, exp.Identifier)
        if isinstance(node, exp.Table)
        or (node.arg_key == "this" and isinstance(node.parent, exp.From | exp.Join))
    ]


def renamed(query: exp.Query, names: Mapping[str, str]) -> exp.Query:
    """``query`` reading table ``names[old]`` wherever it read ``old``.

    The new table keeps the old name as its alias, so columns qualified by
    the old name (``eligible.account_id``) still resolve.
    """
    for node in read_tables(query):
        new = names.get(node.name)
        if new is None:
            continue
        alias = node.alias if isinstance(node, exp.Table) and node.alias else node.name
        node.replace(
            exp.Table(this=ident(new), alias=exp.TableAlias(this=ident(alias)))
        )
    return query


def _reads(query: exp.Query, pending: dict[str, exp.Query]) -> set[str]:
    """The pending steps ``query`` reads, directly or through one another."""
    needed: set[str] = set()
    queue: list[exp.Expr] = [query]
    while queue:
        for node in read_tables(queue.pop()):
            if node.name in pending and node.name not in needed:
                needed.add(node.name)
                queue.append(pending[node.name])
    return needed
