"""The pure ranking and assignment rules: aggregation, caps, ties, hashes, balance.

No database: these are the functions a frozen snapshot is recomputed with,
checked on hand-computed examples and, for the assignment, on every n ≥ 3
and k < n (hypothesis).
"""

import copy
import json
import random
from collections import Counter
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusters.services.assignment import (
    cyclic_assignments,
    leadership_assignments,
    replacement_scorer,
)
from clusters.services.ranking import (
    MEAN,
    MEDIAN,
    METHODS,
    RANKING_VERSION,
    TRIMMED_MEAN,
    aggregate,
    canonical_json,
    check_tie_rules,
    compute_ranking,
    decimal_text,
    ranking_hash,
)


def D(*values):
    return [Decimal(v) for v in values]


# Aggregation, on hand-computed examples ------------------------------------


@pytest.mark.parametrize(
    ("method", "scores", "expected"),
    [
        # Mean: 24.5 / 3 = 8.1666… → 8.17.
        (MEAN, ("7", "8", "9.5"), "8.17"),
        (MEAN, ("1", "2"), "1.50"),
        # Half up at the end, not banker's rounding: 1.005 → 1.01.
        (MEAN, ("1.00", "1.01"), "1.01"),
        (MEAN, ("6",), "6.00"),
        (MEAN, ("-8", "-4", "0"), "-4.00"),
        # Trimmed mean: three scores are not trimmed.
        (TRIMMED_MEAN, ("5", "6", "10"), "7.00"),
        # Four scores: drop one highest (10) and one lowest (2) → (8 + 9) / 2.
        (TRIMMED_MEAN, ("10", "2", "9", "8"), "8.50"),
        # Five: drop 1 and 10 → (5 + 5 + 6) / 3 = 5.333…
        (TRIMMED_MEAN, ("1", "5", "5", "6", "10"), "5.33"),
        # Only one of two equal highest scores is dropped.
        (TRIMMED_MEAN, ("9", "9", "9", "1"), "9.00"),
        # Median of an odd count: the middle one.
        (MEDIAN, ("3", "9", "4"), "4.00"),
        # Of an even count: the mean of the middle two.
        (MEDIAN, ("2", "8", "9", "10"), "8.50"),
        (MEDIAN, ("7", "8"), "7.50"),
        (MEDIAN, ("1.01", "1.02"), "1.02"),
        (MEDIAN, ("-8", "0", "-2"), "-2.00"),
    ],
)
def test_aggregation_on_hand_computed_examples(method, scores, expected):
    assert aggregate(D(*scores), method) == Decimal(expected)
    assert str(aggregate(D(*scores), method)) == expected


def test_aggregation_ignores_the_callers_decimal_context():
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_DOWN
        assert aggregate(D("7", "8", "9.5"), MEAN) == Decimal("8.17")
        assert aggregate(D("100.01", "200.02", "300.04"), MEAN) == Decimal("200.02")


def test_aggregation_refuses_nothing_and_unknown_methods():
    with pytest.raises(ValueError, match="no scores"):
        aggregate([], MEAN)
    with pytest.raises(ValueError, match="unknown aggregation"):
        aggregate(D("1"), "mode")


@pytest.mark.parametrize(
    ("value", "text"),
    [("8.5", "8.50"), (Decimal("-0.00"), "0.00"), ("1.005", "1.01"), (7, "7.00")],
)
def test_decimal_text_is_canonical(value, text):
    assert decimal_text(value) == text


def test_the_pure_constants_agree_with_the_models():
    from clusters.models import Aggregation, CriterionKind, TieRule
    from clusters.services import ranking

    assert set(METHODS) == set(Aggregation.values)
    assert set(ranking.TIE_RULES) == set(TieRule.values)
    assert {*ranking.CONTENT_KINDS, ranking.BONUS, ranking.PENALTY} == set(CriterionKind.values)


# The whole ranking, on a hand-computed example ------------------------------

# Caps: bonus 20, penalty 10. An Giang's bonus (25) and penalty (−12) are capped.
INPUTS = {
    "cluster_year": 1,
    "year": 2023,
    "caps": {"bonus": "20.00", "penalty": "10.00"},
    "criteria": [
        {"id": 1, "code": "1.1", "group": "I", "kind": "quantitative", "max_points": "10.00"},
        {"id": 2, "code": "2.1", "group": "II", "kind": "qualitative", "max_points": "20.00"},
        {"id": 3, "code": "3.1", "group": "III", "kind": "bonus", "max_points": "30.00"},
        {"id": 4, "code": "4.1", "group": "IV", "kind": "penalty", "max_points": "-30.00"},
    ],
    "members": [
        {
            "province_id": 10,
            "province": "An Giang",
            "self": {"1": "9.00", "2": "18.00", "3": "25.00", "4": "-12.00"},
            "peer": {"1": ["7.00", "8.00", "9.50"], "2": ["10.00", "15.00", "16.00", "20.00"]},
        },
        {
            "province_id": 20,
            "province": "Bạc Liêu",
            "self": {"1": "10.00", "2": "20.00"},
            "peer": {"1": ["10.00", "10.00"], "2": ["12.00", "14.00"]},
        },
        # Nobody verified Cà Mau: every criterion keeps its self-score.
        {"province_id": 30, "province": "Cà Mau", "self": {"1": "5.00", "2": "18.00"}, "peer": {}},
        # Đồng Tháp did not self-score (0), and one peer scored criterion 2.
        {"province_id": 40, "province": "Đồng Tháp", "self": {}, "peer": {"2": ["13.00"]}},
    ],
    "tie_rules": [],
}


def _rows(output) -> dict:
    return {row["province"]: row for row in output["rows"]}


def test_mean_ranking_by_hand():
    output = compute_ranking(INPUTS, MEAN)
    assert output["method"] == MEAN and output["method_version"] == RANKING_VERSION == "1"
    rows = _rows(output)
    an_giang = rows["An Giang"]
    # 1.1: (7 + 8 + 9.5) / 3 = 8.17; 2.1: 61 / 4 = 15.25; bonus 25 → 20; penalty −12 → −10.
    assert an_giang["content"] == "23.42"
    assert an_giang["bonus"] == "20.00" and an_giang["penalty"] == "-10.00"
    assert an_giang["verified_total"] == "33.42"
    # Self total: 9 + 18 + 20 − 10, the same caps.
    assert an_giang["self_total"] == "37.00"
    # Groups carry the points before the caps (they are what tie rules compare).
    assert an_giang["groups"] == {"I": "8.17", "II": "15.25", "III": "25.00", "IV": "-12.00"}
    assert rows["Bạc Liêu"]["verified_total"] == "23.00"
    assert rows["Cà Mau"]["verified_total"] == rows["Cà Mau"]["self_total"] == "23.00"
    assert rows["Đồng Tháp"]["verified_total"] == "13.00"
    assert rows["Đồng Tháp"]["self_total"] == "0.00"


def test_shared_ranks_and_rank_change():
    output = compute_ranking(INPUTS, MEAN)
    assert [(r["province"], r["rank"]) for r in output["rows"]] == [
        ("An Giang", 1),
        ("Bạc Liêu", 2),
        ("Cà Mau", 2),
        ("Đồng Tháp", 4),
    ]
    rows = _rows(output)
    # Self ranks 1, 2, 3, 4: Cà Mau moves up one place after verification.
    assert rows["Cà Mau"]["self_rank"] == 3
    assert rows["Cà Mau"]["rank_change"] == 1
    assert rows["An Giang"]["rank_change"] == rows["Đồng Tháp"]["rank_change"] == 0


def test_each_method_by_hand():
    totals = {
        method: _rows(compute_ranking(INPUTS, method))["An Giang"]["verified_total"]
        for method in METHODS
    }
    # 2.1 has four scores: trimmed drops 10 and 20 → 15.50; the median is 15.50 too.
    # 1.1 has three: trimmed keeps all (8.17); the median is 8.00.
    assert totals == {MEAN: "33.42", TRIMMED_MEAN: "33.67", MEDIAN: "33.50"}


@pytest.mark.parametrize(
    ("rules", "second", "third"),
    [
        # Bạc Liêu has more group I points (10 against 5).
        ([["group_points", "I"]], "Bạc Liêu", "Cà Mau"),
        # Cà Mau has more group II points (18 against 13).
        ([["group_points", "II"]], "Cà Mau", "Bạc Liêu"),
        # Bạc Liêu's self total is higher (30 against 23).
        ([["self_total"]], "Bạc Liêu", "Cà Mau"),
        # No penalties for either: the next rule decides.
        ([["fewer_penalties"], ["group_points", "II"]], "Cà Mau", "Bạc Liêu"),
    ],
)
def test_tie_rules_in_the_years_order(rules, second, third):
    output = compute_ranking({**INPUTS, "tie_rules": rules}, MEAN)
    assert [(r["province"], r["rank"]) for r in output["rows"][1:3]] == [(second, 2), (third, 3)]


def test_fewer_penalties_breaks_a_tie():
    inputs = copy.deepcopy(INPUTS)
    # Bạc Liêu gains 2 bonus points and loses 2 for a penalty: same total, more penalties.
    inputs["members"][1]["self"].update({"3": "2.00", "4": "-2.00"})
    output = compute_ranking({**inputs, "tie_rules": [["fewer_penalties"]]}, MEAN)
    assert [(r["province"], r["rank"]) for r in output["rows"][1:3]] == [
        ("Cà Mau", 2),
        ("Bạc Liêu", 3),
    ]


def test_ties_left_after_every_rule_are_shared():
    output = compute_ranking({**INPUTS, "tie_rules": [["fewer_penalties"]]}, MEAN)
    assert [r["rank"] for r in output["rows"]] == [1, 2, 2, 4]


@pytest.mark.parametrize(
    "rules",
    [[["coin_toss"]], [["group_points"]], [["fewer_penalties", "x"]], ["self_total"]],
)
def test_unknown_tie_rules_are_refused(rules):
    with pytest.raises(ValueError):
        check_tie_rules(rules)
    with pytest.raises(ValueError):
        compute_ranking({**INPUTS, "tie_rules": rules}, MEAN)


def test_members_order_in_the_inputs_does_not_matter():
    shuffled = copy.deepcopy(INPUTS)
    random.Random(3).shuffle(shuffled["members"])
    random.Random(4).shuffle(shuffled["criteria"])
    assert compute_ranking(shuffled, MEAN) == compute_ranking(INPUTS, MEAN)


# Canonical JSON and the hash ------------------------------------------------


def test_canonical_json_bytes():
    assert canonical_json({"b": [1, "Đắk Lắk"], "a": {"y": "1.00", "x": None}}) == (
        '{"a":{"x":null,"y":"1.00"},"b":[1,"Đắk Lắk"]}'.encode()
    )


# Computed once and written down: it must never change, whatever the run, the
# machine or the database. A change means a frozen ranking no longer verifies.
EXPECTED_SHA256 = "30e326bd982072cfe505e7e6d36f47e9aabf56717abecae9554a013f07081b4e"


def test_hash_of_fixed_inputs_is_stable():
    output = compute_ranking(INPUTS, MEAN)
    assert ranking_hash(INPUTS, output) == EXPECTED_SHA256


def test_hash_survives_a_json_round_trip_and_key_order():
    output = compute_ranking(INPUTS, MEAN)
    # What a JSON column gives back (PostgreSQL's jsonb reorders keys, for one).
    stored_inputs = json.loads(json.dumps(INPUTS, sort_keys=False))
    stored_output = json.loads(json.dumps(output))
    reordered = {key: stored_inputs[key] for key in reversed(list(stored_inputs))}
    assert ranking_hash(reordered, stored_output) == EXPECTED_SHA256
    assert compute_ranking(reordered, MEAN) == stored_output


def test_any_change_to_inputs_or_output_changes_the_hash():
    output = compute_ranking(INPUTS, MEAN)
    tampered = copy.deepcopy(INPUTS)
    tampered["members"][0]["peer"]["1"][0] = "7.01"
    assert ranking_hash(tampered, output) != EXPECTED_SHA256
    other = copy.deepcopy(output)
    other["rows"][0]["rank"] = 2
    assert ranking_hash(INPUTS, other) != EXPECTED_SHA256


# Assignment: balance, no self, no duplicates, reproducibility ---------------


@st.composite
def ring(draw):
    n = draw(st.integers(3, 14))
    k = draw(st.integers(1, n - 1))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    seed = draw(st.integers(0, 2**31 - 1))
    return ids, k, seed


@settings(max_examples=150, deadline=None)
@given(ring())
def test_cyclic_assignment_is_balanced_and_reproducible(case):
    ids, k, seed = case
    pairs = cyclic_assignments(ids, k, seed)
    assert len(pairs) == len(ids) * k
    assert len(set(pairs)) == len(pairs), "a pair repeats"
    assert all(scorer != scored for scorer, scored in pairs), "a member scores itself"
    assert set(Counter(s for s, _ in pairs).values()) == {k}, "each member scores k"
    assert set(Counter(d for _, d in pairs).values()) == {k}, "each member is scored by k"
    assert {p for pair in pairs for p in pair} <= set(ids)
    # Same seed, same assignment, whatever order the members came in.
    assert cyclic_assignments(list(reversed(ids)), k, seed) == pairs


def test_cyclic_assignment_depends_on_the_seed_and_refuses_bad_k():
    ids = list(range(1, 11))
    assert cyclic_assignments(ids, 3, 1) != cyclic_assignments(ids, 3, 2)
    # A fixed seed gives a fixed assignment, today and on any other machine.
    assert cyclic_assignments([1, 2, 3, 4], 1, 42) == [(1, 3), (2, 4), (3, 2), (4, 1)]
    for k in (0, 10, 11):
        with pytest.raises(ValueError):
            cyclic_assignments(ids, k, 1)
    with pytest.raises(ValueError):
        cyclic_assignments([1], 1, 1)


def test_leadership_assignment():
    assert leadership_assignments([1, 2, 3, 4], [2, 9]) == [(2, 1), (2, 3), (2, 4)]
    assert leadership_assignments([1, 2, 3], [1, 3]) == [(1, 2), (1, 3), (3, 1), (3, 2)]


def test_replacement_is_least_loaded_then_lowest_id():
    load = {1: 3, 2: 2, 3: 2, 4: 1, 5: 0}
    # 5 is the scored one, 4 already scores it: 2 and 3 tie on load → 2.
    assert replacement_scorer(scored=5, candidates=[1, 2, 3, 4, 5], load=load, excluded=[4]) == 2
    assert replacement_scorer(scored=5, candidates=[1, 2, 3, 4, 5], load=load, excluded=[]) == 4
    assert replacement_scorer(scored=1, candidates=[1, 2], load=load, excluded=[2]) is None
