"""Largest remainder: never more than N, exactly N when anyone has a weight, fair to a kit."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from parts.apportion import apportion

weights = st.dictionaries(
    st.integers(min_value=1, max_value=2000),
    st.one_of(
        st.integers(min_value=-5, max_value=10_000),
        st.fractions(min_value=0, max_value=1000, max_denominator=97),
    ),
    max_size=60,
)


@given(total=st.integers(min_value=0, max_value=100_000), weights=weights)
def test_never_more_than_n_and_within_one_kit_of_the_exact_share(total, weights):
    shares = apportion(total, weights)
    assert set(shares) == set(weights)
    assert all(s >= 0 for s in shares.values())
    assert sum(shares.values()) <= total
    positive = {k: Fraction(w) for k, w in weights.items() if w > 0}
    whole = sum(positive.values(), Fraction(0))
    if whole:
        assert sum(shares.values()) == total
        for key, share in shares.items():
            exact = total * positive.get(key, Fraction(0)) / whole
            assert exact - 1 < share < exact + 1
    else:
        assert sum(shares.values()) == 0


@given(total=st.integers(min_value=0, max_value=1000), weights=weights)
def test_the_same_figures_give_the_same_answer(total, weights):
    assert apportion(total, weights) == apportion(total, dict(reversed(list(weights.items()))))


def test_the_left_over_kit_goes_to_the_largest_remainder():
    # 10 kits for 1:1:1 → 3.33 each: one dealer gets the tenth (the lowest id on a tie).
    assert apportion(10, {7: 1, 3: 1, 5: 1}) == {3: 4, 5: 3, 7: 3}
    # 5 kits for 6:3:1 → 3, 1.5, 0.5: the remainders tie at .5, the larger weight wins.
    assert apportion(5, {1: 6, 2: 3, 3: 1}) == {1: 3, 2: 2, 3: 0}
    assert apportion(0, {1: 5}) == {1: 0}
    assert apportion(4, {}) == {}
