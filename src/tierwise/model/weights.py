"""Whole-number effective weights: how much one point of a criterion counts.

Criterion weights are relative within their dimension and dimension weights
are relative within the model. Multiplying by the least common multiple of
the dimensions' criterion-weight sums makes every criterion's share of the
total a whole number, so a score is an integer sum compared on integers.
"""

from __future__ import annotations

from functools import reduce
from math import gcd, lcm

from tierwise.model.schema import Dimension, TieringModel

__all__ = ["dimension_weights", "effective_weights", "within_weights"]


def effective_weights(model: TieringModel) -> dict[str, int]:
    """Each criterion's whole-number weight in the total, by criterion key.

    A criterion's share of the total is its dimension's weight times its own
    share of the dimension, exactly; the weights are reduced to lowest terms.

    >>> from tierwise.model.loader import load_model
    >>> weights = effective_weights(load_model())
    >>> all(isinstance(weight, int) and weight > 0 for weight in weights.values())
    True
    """
    sums = [sum(crit.weight for crit in dim.criteria) for dim in model.dimensions]
    common = reduce(lcm, sums, 1)

    weights = {
        crit.key: dim.weight * crit.weight * (common // total)
        for dim, total in zip(model.dimensions, sums, strict=True)
        for crit in dim.criteria
    }
    divisor = reduce(gcd, weights.values())
    return {key: weight // divisor for key, weight in weights.items()}


def dimension_weights(model: TieringModel) -> dict[str, int]:
    """Each dimension's whole-number weight for its within-dimension sums.

    Within a dimension the engine weighs each criterion by
    :func:`within_weights` (its weight over the dimension's common factor).
    A criterion's effective weight is exactly its dimension's weight here
    times that within weight, so the total summed dimension by dimension is
    the same whole number as summed criterion by criterion, with one term
    per dimension.

    >>> from tierwise.model.loader import load_model
    >>> model = load_model()
    >>> by_dimension, within = dimension_weights(model), within_weights(model)
    >>> effective = effective_weights(model)
    >>> all(
    ...     by_dimension[dim.key] * within[crit.key] == effective[crit.key]
    ...     for dim in model.dimensions
    ...     for crit in dim.criteria
    ... )
    True
    """
    sums = [sum(crit.weight for crit in dim.criteria) for dim in model.dimensions]
    common = reduce(lcm, sums, 1)
    weights = {
        dim.key: dim.weight * (common // total) * _shared(dim)
        for dim, total in zip(model.dimensions, sums, strict=True)
    }
    divisor = reduce(gcd, weights.values())
    return {key: weight // divisor for key, weight in weights.items()}


def within_weights(model: TieringModel) -> dict[str, int]:
    """Each criterion's weight within its dimension, in lowest terms.

    The weights of a dimension's criteria divided by their greatest common
    divisor: the same shares of the dimension, in the smallest whole numbers.
    """
    return {
        crit.key: crit.weight // _shared(dim)
        for dim in model.dimensions
        for crit in dim.criteria
    }


def _shared(dim: Dimension) -> int:
    return reduce(gcd, (crit.weight for crit in dim.criteria))
