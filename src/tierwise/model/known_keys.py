"""The keys a model file may use at a given place, for "did you mean" hints.

A key the model does not know is mostly a near miss: ``max_acounts``, or
``min_completeness_pct`` (the model's own key) written in a tier, whose key
is ``min_coverage_pct``. The place is pydantic's location of the error,
which names fields, list positions and, for criteria, the tag of their kind.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["unknown_key_message"]

# How close a key must be to one the place knows to be offered instead.
CLOSE_ENOUGH = 0.6


def unknown_key_message(root: type[BaseModel], location: tuple[Any, ...]) -> str:
    """What to say of the unknown key at ``location`` under ``root``.

    >>> from tierwise.model.schema import TieringModel
    >>> unknown_key_message(TieringModel, ("tiers", 0, "min_completeness_pct"))
    'is not a key a tier knows; did you mean min_coverage_pct?'
    """
    given = str(location[-1])
    place = _model_at(root, location[:-1])
    if place is None:
        return "is not a key the model knows; check its spelling and indentation"
    keys = [field.alias or name for name, field in place.model_fields.items()]
    what = _described(place)
    close = difflib.get_close_matches(given, keys, n=1, cutoff=CLOSE_ENOUGH)
    if close:
        return f"is not a key {what} knows; did you mean {close[0]}?"
    return (
        f"is not a key {what} knows (check its spelling and indentation); "
        f"the keys here are {', '.join(keys)}"
    )


def _model_at(root: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    node: Any = root
    for part in path:
        node = _step(_bare(node), part)
        if node is None:
            return None
    node = _bare(node)
    return node if _is_model(node) else None


def _step(node: Any, part: Any) -> Any:
    origin = get_origin(node)
    if isinstance(part, int):
        return get_args(node)[0] if origin in (list, tuple, set) else None
    if origin is dict:
        return get_args(node)[1]
    if origin in (Union, types.UnionType):
        # A tagged union's location names the member's kind.
        for member in get_args(node):
            if _is_model(member) and part in _kinds(member):
                return member
        return None
    if _is_model(node):
        for name, field in node.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
    return None


def _bare(node: Any) -> Any:
    """``node`` without ``Annotated`` and without an ``| None``."""
    while True:
        origin = get_origin(node)
        if origin is Annotated:
            node = get_args(node)[0]
            continue
        if origin in (Union, types.UnionType):
            members = [arg for arg in get_args(node) if arg is not type(None)]
            if len(members) == 1:
                node = members[0]
                continue
        return node


def _kinds(model: type[BaseModel]) -> tuple[Any, ...]:
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return ()
    return get_args(field.annotation)


def _is_model(node: Any) -> bool:
    return isinstance(node, type) and issubclass(node, BaseModel)


def _described(model: type[BaseModel]) -> str:
    """A model class as the file's reader knows it: "a tier", "the model"."""
    kinds = _kinds(model)
    if kinds:
        return f"a {kinds[0]} criterion"
    words = _WORDS.get(model.__name__)
    if words is not None:
        return words
    name = model.__name__.lstrip("_")
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return f"{'an' if spaced[:1] in 'aeiou' else 'a'} {spaced}"


_WORDS = {
    "TieringModel": "the model",
    "ExchangeRates": "exchange_rates",
    "MembershipPoints": "a membership criterion's entry",
    "ConditionPoints": "a conditions criterion's rule",
}
