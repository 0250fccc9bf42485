"""Who scores whom (phân công chấm chéo): pure functions, no database.

The issue's rules: in peer mode each member scores k others (k a setting),
never itself; assignments are balanced (every member scored by the same
number of peers) and reproducible (same seed, same assignment). In leadership
mode the leader, co-leaders and deputies verify every other member.

``cyclic_assignments`` meets both rules exactly, not just ±1: the members,
sorted by id, are shuffled with the year's seed; then member i of the
shuffled ring scores the k members that follow it (offsets 1…k). Every member
therefore scores exactly k others and is scored by exactly k others; nobody
scores itself (0 < offset < n); and no pair repeats (the offsets differ mod
n). ``random.Random`` seeded with an integer gives the same sequence on every
platform and Python version since 3.2, so a seed always gives the same
assignment.
"""

import random
from collections.abc import Iterable, Mapping


def cyclic_assignments(member_ids: Iterable[int], k: int, seed: int) -> list[tuple[int, int]]:
    """(scorer, scored) pairs, sorted: each member scores k others and is scored by k."""
    ring = sorted(set(member_ids))
    n = len(ring)
    if n < 2:
        raise ValueError("need at least two members")
    if not 1 <= k < n:
        raise ValueError("k must be between 1 and n - 1")
    random.Random(seed).shuffle(ring)  # noqa: S311 (reproducible assignment, not a secret)
    return sorted((ring[i], ring[(i + offset) % n]) for i in range(n) for offset in range(1, k + 1))


def leadership_assignments(
    member_ids: Iterable[int], leader_ids: Iterable[int]
) -> list[tuple[int, int]]:
    """(scorer, scored) pairs: every leading province verifies every other member."""
    members = sorted(set(member_ids))
    leaders = sorted(set(leader_ids) & set(members))
    return sorted((leader, member) for leader in leaders for member in members if member != leader)


def replacement_scorer(
    *, scored: int, candidates: Iterable[int], load: Mapping[int, int], excluded: Iterable[int]
) -> int | None:
    """The province to take over scoring ``scored`` after a conflict, or None.

    Eligible: a candidate other than ``scored`` and not in ``excluded`` (the
    province that declared the conflict and those already scoring ``scored``).
    Chosen: the one with the fewest active assignments (``load``); ties go to
    the lowest province id, so the choice is reproducible.
    """
    banned = set(excluded) | {scored}
    eligible = [c for c in candidates if c not in banned]
    if not eligible:
        return None
    return min(eligible, key=lambda c: (load.get(c, 0), c))
