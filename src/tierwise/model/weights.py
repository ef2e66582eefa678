"""Whole-number effective weights: how much one point of a criterion counts.

Criterion weights are relative within their dimension and dimension weights
are relative within the model. Multiplying by the least common multiple of
the dimensions' criterion-weight sums makes every criterion's share of the
total a whole number, so a score is an integer sum compared on integers.
"""

from __future__ import annotations

from functools import reduce
from math import gcd, lcm

from tierwise.model.schema import TieringModel

__all__ = ["dimension_weights", "effective_weights"]


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

    A criterion's effective weight is its dimension's weight here times its
    own weight, divided by one number shared by every criterion. So the
    total is the sum over dimensions of these weights times the dimension's
    weighed points, over the same sum of its weighed possible points: a
    quotient equal to the one over effective weights (both sides carry the
    shared number), reached with one term per dimension.

    >>> from tierwise.model.loader import load_model
    >>> model = load_model()
    >>> by_dimension, effective = dimension_weights(model), effective_weights(model)
    >>> ratios = {
    ...     by_dimension[dim.key] * crit.weight / effective[crit.key]
    ...     for dim in model.dimensions
    ...     for crit in dim.criteria
    ... }
    >>> len(ratios)
    1
    """
    sums = [sum(crit.weight for crit in dim.criteria) for dim in model.dimensions]
    common = reduce(lcm, sums, 1)
    weights = {
        dim.key: dim.weight * (common // total)
        for dim, total in zip(model.dimensions, sums, strict=True)
    }
    divisor = reduce(gcd, weights.values())
    return {key: weight // divisor for key, weight in weights.items()}
