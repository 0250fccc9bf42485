"""The ranking (xếp hạng) computed from self and peer scores: pure functions, no database.

Everything here works on the *canonical inputs*, a JSON-ready dict in which
every number is a string with two decimals and every list is sorted, so that
the same data always gives the same bytes, hence the same SHA-256, whatever
the database or the run (the issue: "recomputing from the stored inputs gives
the identical result, and a 'verify' action proves it")::

    {
      "cluster_year": 7, "year": 2023,
      "caps": {"bonus": "50.00", "penalty": "50.00"},
      "criteria": [{"id": 12, "code": "1.1", "group": "I", "kind": "quantitative",
                    "max_points": "10.00"}, …],                    # sorted by id
      "members": [{"province_id": 3, "province": "Đắk Lắk",
                   "self": {"12": "8.50", …},                     # criterion id (as text) → score
                   "peer": {"12": ["7.00", "8.00", "9.50"], …}},   # sorted ascending
                  …],                                              # sorted by province_id
      "tie_rules": [["group_points", "I"], ["fewer_penalties"]]     # in the year's order
    }

Rules (from the issue "Chấm chéo, xếp hạng"):

- **Aggregation**, chosen per year: mean of the peer scores; trimmed mean
  (drop one highest and one lowest score, only when there are four or more);
  median (of an even count: the mean of the middle two). Each criterion's
  verified score is rounded to 0.01, half up, once, at the end.
- **Fallback**: a criterion nobody has verified yet (no peer score) keeps the
  member's self-score; a missing self-score counts as 0.
- **Bonus and penalty** items are added after aggregation: the sum of bonus
  items is capped at ``caps.bonus``, the sum of penalty items (negative) is
  floored at −``caps.penalty``. Total = content + bonus + penalty; the self
  total is computed the same way from the self-scores.
- **Ties**: members are ordered by verified total, then by the year's tie
  rules in order (``group_points`` code: more points in that criteria group;
  ``fewer_penalties``: penalty points closer to zero, after the cap;
  ``self_total``: higher self total). Members still equal share a rank
  (1, 2, 2, 4) and are listed by province id.
- **Change**: ``rank_change`` = rank by self total − rank by verified total
  (positive: the member moved up after verification). The self rank orders by
  self total only, with shared ranks.

``RANKING_VERSION`` names these rules. A snapshot records the version it was
computed with; change the version whenever any rule above changes.
"""

import hashlib
import json
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

RANKING_VERSION = "1"

# The values of ``clusters.models.Aggregation`` and ``CriterionKind``, repeated
# here so that this module needs no Django (a test checks they agree).
MEAN, TRIMMED_MEAN, MEDIAN = "mean", "trimmed_mean", "median"
METHODS = (MEAN, TRIMMED_MEAN, MEDIAN)
CONTENT_KINDS = ("quantitative", "qualitative")
BONUS, PENALTY = "bonus", "penalty"
TIE_RULES = ("group_points", "fewer_penalties", "self_total")

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0.00")


def decimal_text(value) -> str:
    """A number as canonical text: two decimals, half up, never "-0.00"."""
    number = Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if number == 0:
        number = ZERO
    return str(number)


def aggregate(scores: Sequence[Decimal], method: str) -> Decimal:
    """One criterion's verified score from its peer scores, rounded to 0.01 half up."""
    if not scores:
        raise ValueError("no scores to aggregate")
    values = sorted(Decimal(str(s)) for s in scores)
    # A fixed context: the caller's precision or rounding must not change a result.
    with localcontext() as ctx:
        ctx.prec = 28
        ctx.rounding = ROUND_HALF_EVEN
        if method == MEAN:
            result = sum(values, Decimal(0)) / len(values)
        elif method == TRIMMED_MEAN:
            if len(values) >= 4:
                values = values[1:-1]
            result = sum(values, Decimal(0)) / len(values)
        elif method == MEDIAN:
            middle = len(values) // 2
            if len(values) % 2:
                result = values[middle]
            else:
                result = (values[middle - 1] + values[middle]) / 2
        else:
            raise ValueError(f"unknown aggregation method: {method!r}")
        return result.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


class _Sheet:
    """Scores of one member summed by kind and by group, caps applied on read."""

    def __init__(self, bonus_cap: Decimal, penalty_cap: Decimal, groups: list[str]):
        self.content = Decimal(0)
        self.bonus_raw = Decimal(0)
        self.penalty_raw = Decimal(0)
        self.bonus_cap, self.penalty_cap = bonus_cap, penalty_cap
        self.groups = dict.fromkeys(groups, Decimal(0))

    def add(self, criterion: dict, score: Decimal | None) -> None:
        if score is None:
            return
        kind = criterion["kind"]
        if kind in CONTENT_KINDS:
            self.content += score
        elif kind == BONUS:
            self.bonus_raw += score
        elif kind == PENALTY:
            self.penalty_raw += score
        else:
            raise ValueError(f"unknown criterion kind: {kind!r}")
        self.groups[criterion["group"]] += score

    @property
    def bonus(self) -> Decimal:
        return min(self.bonus_raw, self.bonus_cap)

    @property
    def penalty(self) -> Decimal:
        return max(self.penalty_raw, -self.penalty_cap)

    @property
    def total(self) -> Decimal:
        return self.content + self.bonus + self.penalty


def _tie_key(rules: list, row: dict) -> tuple:
    """The sort key of a member: verified total, then each tie rule (smaller sorts first)."""
    key = [-row["_total"]]
    for rule in rules:
        name = rule[0]
        if name == "group_points":
            key.append(-row["_groups"].get(rule[1], Decimal(0)))
        elif name == "fewer_penalties":
            key.append(-row["_penalty"])
        elif name == "self_total":
            key.append(-row["_self_total"])
    return tuple(key)


def check_tie_rules(rules) -> list[list[str]]:
    """The tie rules as lists of text, or ValueError when one is not understood."""
    checked = []
    for rule in rules or []:
        if not isinstance(rule, (list, tuple)) or not rule or rule[0] not in TIE_RULES:
            raise ValueError(f"unknown tie rule: {rule!r}")
        if rule[0] == "group_points":
            if len(rule) != 2 or not str(rule[1]):
                raise ValueError("group_points needs a group code")
            checked.append(["group_points", str(rule[1])])
        else:
            if len(rule) != 1:
                raise ValueError(f"{rule[0]} takes no argument")
            checked.append([rule[0]])
    return checked


def _shared_ranks(ordered: list[dict], key) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of rows already sorted by ``key``."""
    ranks: list[int] = []
    for index, row in enumerate(ordered):
        if index and key(row) == key(ordered[index - 1]):
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def compute_ranking(inputs: dict, method: str) -> dict:
    """The ranking of the canonical ``inputs`` under ``method`` (see the module's rules)."""
    if method not in METHODS:
        raise ValueError(f"unknown aggregation method: {method!r}")
    rules = check_tie_rules(inputs.get("tie_rules"))
    bonus_cap = Decimal(inputs["caps"]["bonus"])
    penalty_cap = Decimal(inputs["caps"]["penalty"])
    criteria = sorted(inputs["criteria"], key=lambda c: c["id"])
    group_codes = sorted({c["group"] for c in criteria})
    rows = []
    for member in sorted(inputs["members"], key=lambda m: m["province_id"]):
        own = member.get("self", {})
        peer = member.get("peer", {})
        self_sheet = _Sheet(bonus_cap, penalty_cap, group_codes)
        verified = _Sheet(bonus_cap, penalty_cap, group_codes)
        for criterion in criteria:
            key = str(criterion["id"])
            self_score = Decimal(own[key]) if key in own else None
            scores = peer.get(key) or []
            self_sheet.add(criterion, self_score)
            verified.add(criterion, aggregate(scores, method) if scores else self_score)
        rows.append(
            {
                "province_id": member["province_id"],
                "province": member["province"],
                "_total": verified.total,
                "_self_total": self_sheet.total,
                "_penalty": verified.penalty,
                "_groups": verified.groups,
                "self_total": decimal_text(self_sheet.total),
                "verified_total": decimal_text(verified.total),
                "content": decimal_text(verified.content),
                "bonus": decimal_text(verified.bonus),
                "penalty": decimal_text(verified.penalty),
                "groups": {code: decimal_text(v) for code, v in verified.groups.items()},
            }
        )
    # Self ranks: by self total only.
    by_self = sorted(rows, key=lambda r: (-r["_self_total"], r["province_id"]))
    for row, rank in zip(by_self, _shared_ranks(by_self, lambda r: r["_self_total"]), strict=True):
        row["self_rank"] = rank
    # Verified ranks: total, then the tie rules; still equal → shared rank.
    by_verified = sorted(rows, key=lambda r: (_tie_key(rules, r), r["province_id"]))
    ranks = _shared_ranks(by_verified, lambda r: _tie_key(rules, r))
    output_rows = []
    for row, rank in zip(by_verified, ranks, strict=True):
        row["rank"] = rank
        row["rank_change"] = row["self_rank"] - rank
        output_rows.append({k: v for k, v in row.items() if not k.startswith("_")})
    return {"method": method, "method_version": RANKING_VERSION, "rows": output_rows}


def canonical_json(obj) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8 (not \\u escapes)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def ranking_hash(inputs: dict, output: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of ``{"inputs": …, "output": …}``."""
    return hashlib.sha256(canonical_json({"inputs": inputs, "output": output})).hexdigest()
