"""Share N whole kits in proportion to weights, by largest remainder (Hamilton's method).

Each dealer first gets the whole part of its exact share N·w/W; the kits left over (fewer
than the number of dealers) go one each to the largest fractional parts, ties to the larger
weight and then the lower dealer id, so the same figures always give the same answer. The
total is exactly N when any weight is positive, else nothing is given: never more than N
(``tests/parts/test_allocation_apportion.py`` holds this with hypothesis).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction


def apportion(total: int, weights: Mapping[int, Fraction | int]) -> dict[int, int]:
    """``{key: share}`` of ``total`` for every key of ``weights`` (negative weights count as 0)."""
    if total < 0:
        raise ValueError("total must not be negative")
    clean = {key: max(Fraction(w), Fraction(0)) for key, w in weights.items()}
    whole = sum(clean.values(), Fraction(0))
    if whole == 0 or total == 0:
        return dict.fromkeys(clean, 0)
    exact = {key: total * w / whole for key, w in clean.items()}
    shares = {key: int(q) for key, q in exact.items()}  # floor: the quotas are non-negative
    left = total - sum(shares.values())
    by_remainder = sorted(clean, key=lambda key: (-(exact[key] - shares[key]), -clean[key], key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares
