"""Test builders for peer scoring: a year in verification with self-scores and assignments.

Self-scores and assignments are written directly (not through the services)
where they are a test's preconditions rather than what it checks, as
``helpers.results_year`` does for criteria and targets.
"""

import datetime as dt
from decimal import Decimal

from accounts.models import User
from clusters.models import (
    AssignmentSource,
    ClusterYear,
    Criterion,
    PeerAssignment,
    PeerScore,
    Phase,
    PhaseWindow,
    Result,
    ScoringSettings,
)
from provinces.models import Province

from .helpers import results_year, year_like

SLUGS = {
    "Đắk Lắk": "daklak",
    "Đắk Nông": "daknong",
    "Lâm Đồng": "lamdong",
    "Gia Lai": "gialai",
    "Kon Tum": "kontum",
    "Phú Yên": "phuyen",
    "Khánh Hòa": "khanhhoa",
    "Bình Định": "binhdinh",
    "Quảng Nam": "quangnam",
    "Quảng Ngãi": "quangngai",
}


def verification_phase_open(cluster_year: ClusterYear, *, due_on: dt.date | None = None) -> None:
    PhaseWindow.objects.update_or_create(
        cluster_year=cluster_year,
        phase=Phase.VERIFICATION,
        defaults={"opens_on": dt.date(2024, 1, 16), "due_on": due_on},
    )
    cluster_year.phase = Phase.VERIFICATION
    cluster_year.save(update_fields=["phase"])


def verification_year(source: ClusterYear, year: int = 2024, *, rows=None) -> ClusterYear:
    """A new year like ``source`` with the small criteria table, in verification.

    ``cluster_year.criteria`` holds the criteria by code and
    ``cluster_year.province`` the member provinces by name.
    """
    cluster_year = year_like(source, year)
    cluster_year.criteria = results_year(cluster_year, rows=rows, open_phase=False)
    cluster_year.province = {
        m.province.name: m.province for m in cluster_year.memberships.select_related("province")
    }
    verification_phase_open(cluster_year)
    return cluster_year


def officer(name: str) -> User:
    """The demo officer of a seed member province, by the province's name."""
    return User.objects.select_related("province").get(username=f"canbo.{SLUGS[name]}")


def self_scores(cluster_year: ClusterYear, scores: dict[str, dict[str, str]]) -> None:
    """Writes self-scores: {province name: {criterion code: score}}."""
    by = User.objects.get(username="admin")
    Result.objects.bulk_create(
        Result(
            cluster_year=cluster_year,
            province=cluster_year.province[name],
            criterion=cluster_year.criteria[code],
            self_score=Decimal(score),
            explanation=f"Giải trình {code}",
            revision=1,
            updated_by=by,
        )
        for name, by_code in scores.items()
        for code, score in by_code.items()
    )


def assign(cluster_year: ClusterYear, scorer: str, scored: str, **extra) -> PeerAssignment:
    return PeerAssignment.objects.create(
        cluster_year=cluster_year,
        scorer=cluster_year.province[scorer],
        scored=cluster_year.province[scored],
        source=extra.pop("source", AssignmentSource.MANUAL),
        **extra,
    )


def peer_score(assignment: PeerAssignment, code: str, score: str, comment: str = "") -> PeerScore:
    criteria = getattr(assignment.cluster_year, "criteria", None)
    criterion = (
        criteria[code]
        if criteria
        else Criterion.objects.get(table__cluster_year=assignment.cluster_year_id, code=code)
    )
    return PeerScore.objects.create(
        assignment=assignment,
        criterion=criterion,
        score=Decimal(score),
        comment=comment,
        updated_by=User.objects.get(username="admin"),
    )


def settings_for(cluster_year: ClusterYear, **fields) -> ScoringSettings:
    settings, _ = ScoringSettings.objects.update_or_create(
        cluster_year=cluster_year, defaults=fields
    )
    return settings


def province_named(name: str) -> Province:
    return Province.objects.in_force_on(dt.date(2023, 1, 1)).get(name=name)
