"""The seed cluster's years replayed through the real services.

2022: the coordinator (Đắk Lắk) sets the calendar, imports the example
criteria table, writes the pledge; every member enters its targets and
signs; the year runs; every member enters results with evidence and submits;
each member verifies three others (peer scoring) and the ranking is frozen;
at the review the members vote by secret ballot — Bình Định and Đắk Nông for
the Government flag, Quảng Ngãi and Đắk Lắk for the Prime Minister's
certificate — and propose Bình Định leader and Lâm Đồng deputy for 2023,
which the Central Council decides; the year closes. 2023: the table is copied from 2022, the
pledge is signed at the 30/03/2023 conference, and the year is in results
entry with a few members part way through, open for people to try.

Values are plausible, not real: they come from a seeded random generator and
each member's "strength", chosen so that the 2022 ranking can lead to the
seed's outcome. The criteria table is the example table shipped in
``clusters/data``, labelled as such.
"""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import clusters
from accounts.models import User
from clusters.models import (
    Aggregation,
    ClusterYear,
    Criterion,
    CriterionKind,
    Direction,
    Honour,
    PeerAssignment,
    Phase,
    Result,
    Target,
    VerificationMode,
)
from clusters.services.ballot import ballot_cast, ballot_close, ballot_create, ballot_open
from clusters.services.criteria import criteria_table_copy, criteria_table_import_csv
from clusters.services.evidence import evidence_add
from clusters.services.leadership import leadership_decide, leadership_propose
from clusters.services.phase import calendar_set, cluster_year_move_phase
from clusters.services.pledge import pledge_save, pledge_sign, target_set
from clusters.services.results import result_ensure, result_save, result_submit, score_suggest
from clusters.services.scoring import (
    PeerEntry,
    assignments_generate,
    peer_sheet_save,
    ranking_freeze,
    scoring_settings_save,
)

CRITERIA_CSV = Path(clusters.__file__).resolve().parent / "data" / "criteria-sample.csv"

# Higher is stronger; the order follows the seed's honours (flags, then certificates).
STRENGTH = {
    "binhdinh": Decimal("0.99"),
    "daknong": Decimal("0.975"),
    "quangngai": Decimal("0.96"),
    "daklak": Decimal("0.95"),
    "lamdong": Decimal("0.93"),
    "khanhhoa": Decimal("0.92"),
    "gialai": Decimal("0.91"),
    "quangnam": Decimal("0.90"),
    "phuyen": Decimal("0.89"),
    "kontum": Decimal("0.87"),
}

# Plausible target levels per criterion code; "size" scales absolute figures.
TARGET_BASE = {
    "1.1": (Decimal("7.5"), False),
    "1.2": (Decimal("60"), True),
    "1.3": (Decimal("110"), False),
    "1.4": (Decimal("10"), False),
    "1.5": (Decimal("800"), True),
    "1.6": (Decimal("9"), False),
    "1.7": (Decimal("15000"), True),
    "1.8": (Decimal("65"), False),
    "1.9": (Decimal("1200"), True),
    "2.1": (Decimal("1.5"), False),
    "2.2": (Decimal("10"), True),
    "2.3": (Decimal("60"), False),
    "2.4": (Decimal("92"), False),
    "2.5": (Decimal("65"), False),
    "2.6": (Decimal("30000"), True),
    "3.1": (Decimal("85"), False),
    "3.2": (Decimal("82"), False),
    "3.3": (Decimal("98"), False),
    "3.5": (Decimal("150"), True),
    "4.4": (Decimal("40"), False),
}

PLEDGE_ARTICLES = (
    "Điều 1. Các tỉnh trong Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung thống nhất "
    "ký kết giao ước thi đua năm {year}, phấn đấu hoàn thành toàn diện các chỉ tiêu phát triển "
    "kinh tế - xã hội, quốc phòng - an ninh và công tác thi đua, khen thưởng.\n"
    "Điều 2. Nội dung thi đua và thang điểm theo bảng tiêu chí chấm điểm kèm theo giao ước "
    "(bảng tiêu chí mẫu dùng cho dữ liệu minh họa). Mỗi tỉnh tự đăng ký chỉ tiêu đối với các "
    "tiêu chí định lượng.\n"
    "Điều 3. Cuối năm, các tỉnh tự chấm điểm, có minh chứng kèm theo; Cụm trưởng, Cụm phó "
    "thẩm định và tổ chức bình xét, suy tôn theo quy định.\n"
    "Điều 4. Giao ước có hiệu lực kể từ ngày ký."
)


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _pdf(text: str) -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _officer(slug: str) -> User:
    return User.objects.select_related("province").get(username=f"canbo.{slug}")


def _target_value(code: str, slug: str, rng: random.Random) -> Decimal:
    base, scales = TARGET_BASE[code]
    size = Decimal(str(rng.uniform(0.6, 1.6))) if scales else Decimal(str(rng.uniform(0.95, 1.05)))
    places = "1" if base >= 100 and scales else "0.1"
    return _q(base * size, places)


def _targets(cluster_year: ClusterYear, slugs: list[str], seed: int) -> None:
    criteria = list(Criterion.objects.with_targets().filter(table__cluster_year=cluster_year))
    for slug in slugs:
        officer = _officer(slug)
        rng = random.Random(f"{seed}-{slug}-targets")  # noqa: S311 (demo values)
        for criterion in criteria:
            if Target.objects.filter(province_id=officer.province_id, criterion=criterion).exists():
                continue
            target_set(
                cluster_year=cluster_year,
                criterion=criterion,
                actor=officer,
                value=_target_value(criterion.code, slug, rng),
            )


def _sign_all(cluster_year: ClusterYear, slugs: list[str]) -> None:
    for slug in slugs:
        officer = _officer(slug)
        if not cluster_year.signatures.filter(province_id=officer.province_id).exists():
            pledge_sign(cluster_year=cluster_year, actor=officer)


def _enter_results(cluster_year: ClusterYear, slug: str, seed: int, share: float = 1.0) -> int:
    """Enters a member's results (a share of its criteria), each with one evidence file."""
    officer = _officer(slug)
    strength = STRENGTH[slug]
    rng = random.Random(f"{seed}-{slug}-results")  # noqa: S311 (demo values)
    criteria = list(
        Criterion.objects.filter(table__cluster_year=cluster_year, retired=False)
        .select_related("table")
        .order_by("group__position", "position", "code")
    )
    targets = dict(
        Target.objects.filter(
            province_id=officer.province_id, criterion__table__cluster_year=cluster_year
        ).values_list("criterion_id", "value")
    )
    content = [
        c for c in criteria if c.kind in (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)
    ]
    limit = round(len(content) * share)
    done = 0
    for criterion in criteria:
        is_content = criterion.kind in (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)
        if is_content and done >= limit:
            continue
        if not is_content and share < 1:
            continue
        perf = strength + Decimal(str(rng.uniform(-0.04, 0.05)))
        achieved = None
        if criterion.kind == CriterionKind.QUANTITATIVE:
            target = targets[criterion.pk]
            factor = perf if criterion.direction == Direction.HIGHER else (2 - perf)
            achieved = _q(target * factor, "0.1")
            score = score_suggest(criterion=criterion, target=target, achieved=achieved)
        elif criterion.kind == CriterionKind.QUALITATIVE:
            score = min(criterion.max_points, _q(criterion.max_points * perf * 2, "1") / 2)
        elif criterion.kind == CriterionKind.BONUS:
            # A few members earned bonus items; most did not.
            score = (
                criterion.max_points
                if rng.random() < float(strength - Decimal("0.85")) * 2
                else Decimal(0)
            )
        else:
            score = (
                criterion.max_points
                if rng.random() < float(Decimal("0.93") - strength)
                else Decimal(0)
            )
        result = result_save(
            cluster_year=cluster_year,
            criterion=criterion,
            actor=officer,
            expected_revision=0,
            achieved_value=achieved,
            self_score=score,
            explanation="Số liệu theo báo cáo kinh tế - xã hội năm của tỉnh." if is_content else "",
        )
        needs_file = criterion.evidence_required and (is_content or score)
        if needs_file and not result.evidence.exists():
            result = result_ensure(cluster_year=cluster_year, criterion=criterion, actor=officer)
            evidence_add(
                result=result,
                actor=officer,
                upload=SimpleUploadedFile(
                    f"minh-chung-{criterion.code}-{slug}.pdf",
                    _pdf(f"Minh chung tieu chi {criterion.code} - {slug} - {cluster_year.year}"),
                    content_type="application/pdf",
                ),
            )
        if is_content:
            done += 1
    return done


def _move(cluster_year: ClusterYear, coordinator: User, *phases: str) -> None:
    for phase in phases:
        cluster_year.refresh_from_db(fields=["phase"])
        cluster_year_move_phase(cluster_year=cluster_year, to_phase=phase, actor=coordinator)


def replay_2022(cluster_year: ClusterYear, slugs: list[str]) -> None:
    """The 2022 year from its calendar to its close: pledge, results, peer scoring, frozen
    ranking, the secret ballot and next year's leadership, all through the services."""
    if cluster_year.phase != Phase.SETUP:
        return
    coordinator = _officer("daklak")
    d = dt.date
    calendar_set(
        cluster_year=cluster_year,
        actor=coordinator,
        windows={
            Phase.SETUP: (d(2022, 1, 4), None),
            Phase.PLEDGE: (d(2022, 2, 15), None),
            Phase.IN_PROGRESS: (d(2022, 4, 1), None),
            Phase.RESULTS: (d(2022, 12, 1), None),
            Phase.VERIFICATION: (d(2023, 1, 16), None),
            Phase.REVIEW: (d(2023, 3, 30), None),
        },
    )
    criteria_table_import_csv(
        cluster_year=cluster_year, text=CRITERIA_CSV.read_text(encoding="utf-8"), actor=coordinator
    )
    _move(cluster_year, coordinator, Phase.PLEDGE)
    pledge_save(
        cluster_year=cluster_year,
        actor=coordinator,
        title="Giao ước thi đua năm 2022",
        articles=PLEDGE_ARTICLES.format(year=2022),
        signing_place="Buôn Ma Thuột",
        signing_date=d(2022, 3, 25),
    )
    _targets(cluster_year, slugs, 2022)
    _sign_all(cluster_year, slugs)
    _move(cluster_year, coordinator, Phase.IN_PROGRESS, Phase.RESULTS)
    for slug in slugs:
        _enter_results(cluster_year, slug, 2022)
        result_submit(cluster_year=cluster_year, actor=_officer(slug))
    _move(cluster_year, coordinator, Phase.VERIFICATION)
    _peer_scoring(cluster_year, coordinator)
    _move(cluster_year, coordinator, Phase.REVIEW)
    _vote(cluster_year, coordinator)
    _leadership(cluster_year, coordinator)
    # The dates as they were, now that the entries are in.
    calendar_set(
        cluster_year=cluster_year,
        actor=coordinator,
        windows={
            Phase.SETUP: (d(2022, 1, 4), d(2022, 2, 14)),
            Phase.PLEDGE: (d(2022, 2, 15), d(2022, 3, 31)),
            Phase.IN_PROGRESS: (d(2022, 4, 1), d(2022, 11, 30)),
            Phase.RESULTS: (d(2022, 12, 1), d(2023, 1, 15)),
            Phase.VERIFICATION: (d(2023, 1, 16), d(2023, 3, 15)),
            Phase.REVIEW: (d(2023, 3, 30), d(2023, 3, 30)),
        },
    )
    _move(cluster_year, coordinator, Phase.CLOSED)


def _peer_scoring(cluster_year: ClusterYear, coordinator: User) -> None:
    """Each member verifies three others; stronger evidence is trimmed less. Then the freeze."""
    scoring_settings_save(
        cluster_year=cluster_year,
        actor=coordinator,
        mode=VerificationMode.PEER,
        scorers_per_member=3,
        seed=2022,
        aggregation=Aggregation.MEAN,
        tie_rules=[["group_points", "I"], ["fewer_penalties"]],
    )
    assignments_generate(cluster_year=cluster_year, actor=coordinator)
    criteria = list(
        Criterion.objects.filter(table__cluster_year=cluster_year, retired=False).order_by("pk")
    )
    self_scores = {
        (r.province_id, r.criterion_id): r.self_score
        for r in Result.objects.filter(cluster_year=cluster_year)
    }
    officers = {
        u.province_id: u for u in User.objects.officers().filter(username__startswith="canbo.")
    }
    slug_of = {u.province_id: u.username.removeprefix("canbo.") for u in officers.values()}
    assignments = PeerAssignment.objects.active().filter(cluster_year=cluster_year).order_by("pk")
    for assignment in assignments:
        scored_slug = slug_of[assignment.scored_id]
        rng = random.Random(f"2022-{assignment.scorer_id}-{assignment.scored_id}")  # noqa: S311 (demo values)
        trim_chance = float((1 - STRENGTH[scored_slug]) * 4)
        entries = []
        for criterion in criteria:
            own = self_scores.get((assignment.scored_id, criterion.pk)) or Decimal(0)
            score, comment = own, ""
            if (
                criterion.kind in (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)
                and rng.random() < trim_chance
            ):
                cut = min(own, Decimal(rng.choice([1, 2, 3, 5])))
                score = own - cut
                if cut > 2:
                    comment = "Minh chứng chưa thể hiện đầy đủ kết quả; đề nghị điều chỉnh điểm."
            entries.append(
                PeerEntry(criterion=criterion, score=score, comment=comment, expected_revision=0)
            )
        peer_sheet_save(
            assignment=assignment, actor=officers[assignment.scorer_id], entries=entries
        )
    ranking_freeze(cluster_year=cluster_year, actor=coordinator)


# The seed's outcome: flags for Bình Định and Đắk Nông, PM certificates for
# Quảng Ngãi and Đắk Lắk. Each member's paper, by question: who it ticked.
PAPERS = {
    Honour.GOVERNMENT_FLAG: {
        "binhdinh": ["daknong", "daklak"],
        "daknong": ["binhdinh", "quangngai"],
        "*": ["binhdinh", "daknong"],
    },
    Honour.PM_CERTIFICATE: {
        "quangngai": ["daklak", "lamdong"],
        "daklak": ["quangngai", "lamdong"],
        "gialai": ["quangngai", "lamdong"],
        "*": ["quangngai", "daklak"],
    },
}


def _vote(cluster_year: ClusterYear, coordinator: User) -> None:
    """The secret ballot of the 30/03/2023 conference, cast by each member's officer."""
    ballot = ballot_create(
        cluster_year=cluster_year,
        actor=coordinator,
        meeting_place="Buôn Ma Thuột",
        meeting_date=dt.date(2023, 3, 30),
    )
    ballot_open(ballot=ballot, actor=coordinator)
    officers = {
        u.username.removeprefix("canbo."): u
        for u in User.objects.officers().filter(username__startswith="canbo.")
    }
    province_slug = {u.province_id: slug for slug, u in officers.items()}
    questions = list(ballot.questions.prefetch_related("candidates"))
    for slug, officer in officers.items():
        choices = {}
        for question in questions:
            picks = PAPERS[question.honour].get(slug, PAPERS[question.honour]["*"])
            choices[question.pk] = [
                c.pk for c in question.candidates.all() if province_slug.get(c.province_id) in picks
            ]
        ballot_cast(ballot=ballot, actor=officer, choices=choices)
    ballot_close(ballot=ballot, actor=coordinator)


def _leadership(cluster_year: ClusterYear, coordinator: User) -> None:
    """Bình Định leader and Lâm Đồng deputy for 2023, proposed and decided by the Council."""
    members = {
        m.province.name: m.province for m in cluster_year.memberships.select_related("province")
    }
    proposal = leadership_propose(
        cluster_year=cluster_year,
        actor=coordinator,
        leader=members["Bình Định"],
        deputy=members["Lâm Đồng"],
    )
    leadership_decide(
        proposal=proposal,
        actor=User.objects.get(username="bantdkt"),
        decision_reference="Hội đồng TĐKT Trung ương thống nhất theo đề nghị của Cụm (minh họa)",
    )


# Members part way through their 2023 results, and how far.
PARTIAL_2023 = {"binhdinh": 0.6, "lamdong": 0.3, "daklak": 0.15}


def replay_2023(cluster_year: ClusterYear, source_year: ClusterYear, slugs: list[str]) -> None:
    """2023 in results entry, open to try: its due date is kept ahead of today."""
    if cluster_year.phase != Phase.SETUP:
        return
    coordinator = _officer("binhdinh")
    d = dt.date
    # So that people can try results entry, the demo's due date stays in the future.
    results_due = max(d(2024, 1, 15), timezone.localdate() + dt.timedelta(days=90))
    calendar_set(
        cluster_year=cluster_year,
        actor=coordinator,
        windows={
            Phase.SETUP: (d(2023, 1, 3), None),
            Phase.PLEDGE: (d(2023, 3, 1), None),
            Phase.IN_PROGRESS: (d(2023, 4, 1), None),
            Phase.RESULTS: (d(2023, 12, 1), results_due),
            Phase.VERIFICATION: (results_due + dt.timedelta(days=1), None),
        },
    )
    criteria_table_copy(
        cluster_year=cluster_year, source=source_year.criteria_table, actor=coordinator
    )
    _move(cluster_year, coordinator, Phase.PLEDGE)
    pledge_save(
        cluster_year=cluster_year,
        actor=coordinator,
        title="Giao ước thi đua năm 2023",
        articles=PLEDGE_ARTICLES.format(year=2023),
        signing_place="Buôn Ma Thuột",
        signing_date=d(2023, 3, 30),
    )
    _targets(cluster_year, slugs, 2023)
    _sign_all(cluster_year, slugs)
    calendar_set(
        cluster_year=cluster_year,
        actor=coordinator,
        windows={
            Phase.SETUP: (d(2023, 1, 3), d(2023, 2, 28)),
            Phase.PLEDGE: (d(2023, 3, 1), d(2023, 3, 31)),
            Phase.IN_PROGRESS: (d(2023, 4, 1), d(2023, 11, 30)),
            Phase.RESULTS: (d(2023, 12, 1), results_due),
            Phase.VERIFICATION: (results_due + dt.timedelta(days=1), None),
        },
    )
    _move(cluster_year, coordinator, Phase.IN_PROGRESS, Phase.RESULTS)
    for slug, share in PARTIAL_2023.items():
        _enter_results(cluster_year, slug, 2023, share=share)
