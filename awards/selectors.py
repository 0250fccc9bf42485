"""Reads that span models or take a user: the dossier checklist, the review queue, history.

Each selector owns its joins; list pages make the same number of queries
whatever the number of nominations (asserted in the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from provinces.models import Lineage, Province

from .access import nominations_visible_to
from .models import (
    WITH_BOARD_STATUSES,
    DossierDocument,
    Nomination,
    NominationEvent,
    NominationStatus,
    RequiredDocument,
    ReviewNote,
    RuleOverride,
    Verdict,
)
from .models.nomination import overdue_condition


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery, as one column of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


# ---------------------------------------------------------------------------
# The dossier checklist of one nomination
# ---------------------------------------------------------------------------

# States of a checklist line, worst first.
MISSING = "missing"  # required, no file
FLAGGED_MISSING = "flagged_missing"  # a reviewer noted it missing after the last upload
NEEDS_CHANGE = "needs_change"  # a file's latest verdict asks for a change
UPLOADED = "uploaded"  # files present, not yet judged
VERIFIED = "verified"  # every file's latest verdict is "đạt"
EMPTY = "empty"  # optional, no file


@dataclass
class ChecklistRow:
    code: str
    title: str
    description: str
    required: bool
    generated: str
    documents: list[DossierDocument] = field(default_factory=list)
    line_note: ReviewNote | None = None  # the latest remark on the line itself

    @property
    def state(self) -> str:
        latest_upload = max((d.uploaded_at for d in self.documents), default=None)
        if (
            self.line_note is not None
            and self.line_note.verdict == Verdict.MISSING
            and (latest_upload is None or self.line_note.at >= latest_upload)
        ):
            return FLAGGED_MISSING
        if not self.documents:
            return MISSING if self.required else EMPTY
        verdicts = [d.latest_note.verdict if d.latest_note else None for d in self.documents]
        if Verdict.NEEDS_CHANGE in verdicts:
            return NEEDS_CHANGE
        if all(v == Verdict.VERIFIED for v in verdicts):
            return VERIFIED
        return UPLOADED


def dossier_checklist(*, nomination: Nomination) -> list[ChecklistRow]:
    """The rule set's checklist with the current files and the latest verdicts (three queries).

    Each file carries ``latest_note`` (its latest verdict or None); files under
    a code outside the checklist (rules edited later, "other") come last.
    """
    rows = {
        line.code: ChecklistRow(
            code=line.code,
            title=line.title,
            description=line.description,
            required=line.required,
            generated=line.generated,
        )
        for line in RequiredDocument.objects.filter(rule_set_id=nomination.rule_set_id)
    }
    documents = list(
        DossierDocument.objects.current()
        .filter(nomination=nomination)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    notes = list(
        ReviewNote.objects.filter(nomination=nomination)
        .exclude(verdict=Verdict.COMMENT)
        .order_by("at", "pk")
    )
    by_document: dict[int, ReviewNote] = {}
    by_line: dict[str, ReviewNote] = {}
    for note in notes:
        if note.document_id:
            by_document[note.document_id] = note
        elif note.requirement_code:
            by_line[note.requirement_code] = note
    for document in documents:
        document.latest_note = by_document.get(document.pk)
        row = rows.get(document.requirement_code)
        if row is None:
            row = rows[document.requirement_code] = ChecklistRow(
                code=document.requirement_code,
                title=_("Tài liệu khác"),
                description="",
                required=False,
                generated="",
            )
        row.documents.append(document)
    for code, note in by_line.items():
        if code in rows:
            rows[code].line_note = note
    return list(rows.values())


def checklist_blockers(*, nomination: Nomination) -> list[str]:
    """Titles of the lines a reviewer marked missing or to be changed (they block acceptance)."""
    return [
        row.title
        for row in dossier_checklist(nomination=nomination)
        if row.state in (FLAGGED_MISSING, NEEDS_CHANGE)
    ]


# ---------------------------------------------------------------------------
# The nomination page
# ---------------------------------------------------------------------------


@dataclass
class ThreadItem:
    kind: str  # "event", "note" or "override"
    at: dt.datetime
    item: object


def nomination_thread(*, nomination: Nomination) -> list[ThreadItem]:
    """Moves, review notes and overrides in time order (three queries)."""
    events = NominationEvent.objects.filter(nomination=nomination).select_related("actor")
    notes = ReviewNote.objects.filter(nomination=nomination).select_related("reviewer", "document")
    overrides = RuleOverride.objects.filter(nomination=nomination).select_related("reviewer")
    items = chain(
        (ThreadItem("event", e.at, e) for e in events),
        (ThreadItem("note", n.at, n) for n in notes),
        (ThreadItem("override", o.at, o) for o in overrides),
    )
    return sorted(items, key=lambda t: t.at)


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


def with_checklist(queryset):
    """Annotates each nomination with its checklist state, computed in SQL.

    ``required_total`` (required lines), ``required_present`` (required lines
    with a current file), ``documents_verified`` and ``documents_flagged``
    (current files whose latest verdict is "đạt" / "cần sửa").
    """
    required = RequiredDocument.objects.filter(rule_set_id=OuterRef("rule_set_id"), required=True)
    current = DossierDocument.objects.filter(superseded_at__isnull=True)
    latest_verdict = Subquery(
        ReviewNote.objects.filter(document_id=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("verdict")[:1]
    )
    documents = current.filter(nomination_id=OuterRef("pk")).annotate(verdict=latest_verdict)
    return queryset.annotate(
        required_total=SubqueryCount(required.values("pk")),
        required_present=SubqueryCount(
            required.filter(
                Exists(
                    current.filter(
                        nomination_id=OuterRef(OuterRef("pk")), requirement_code=OuterRef("code")
                    )
                )
            ).values("pk")
        ),
        documents_verified=SubqueryCount(documents.filter(verdict=Verdict.VERIFIED).values("pk")),
        documents_flagged=SubqueryCount(
            documents.filter(verdict=Verdict.NEEDS_CHANGE).values("pk")
        ),
    )


def with_overdue(queryset, *, today: dt.date):
    """Annotates ``is_overdue`` (see ``NominationQuerySet.overdue_on``)."""
    return queryset.annotate(
        is_overdue=Case(
            When(overdue_condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# Sort keys offered by the queue, each with its ORDER BY (nulls last where dates may be empty).
QUEUE_SORTS = {
    "deadline": (F("deadline").asc(nulls_last=True), "pk"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-pk"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "pk"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-pk"),
    "province": ("province__name", "pk"),
    "honour": ("honour__position", "province__name", "pk"),
    "status": ("status", "pk"),
    "year": ("-cluster_year__year", "cluster_year__cluster__name", "province__name", "pk"),
}
DEFAULT_SORT = "deadline"
# The status filter's groups besides single statuses.
STATUS_GROUPS = {
    "": ~Q(status=NominationStatus.DRAFT),
    "with_board": Q(status__in=WITH_BOARD_STATUSES),
}


@dataclass(frozen=True)
class QueueFilters:
    cluster_id: int | None = None
    year: int | None = None
    honour_id: int | None = None
    status: str = ""
    overdue: bool = False
    reviewer: str = ""  # "", "none" or a reviewer's id
    q: str = ""
    sort: str = DEFAULT_SORT


def review_queue(*, user, filters: QueueFilters, today: dt.date | None = None):
    """Hàng chờ thẩm định: the filtered, sorted nominations with checklist counts and overdue marks.

    One query for the rows (plus the paginator's count), whatever their number.
    """
    today = today or timezone.localdate()
    rows = nominations_visible_to(user).with_related()
    if filters.status in STATUS_GROUPS:
        rows = rows.filter(STATUS_GROUPS[filters.status])
    elif filters.status in NominationStatus.values:
        rows = rows.filter(status=filters.status)
    if filters.cluster_id:
        rows = rows.filter(cluster_year__cluster_id=filters.cluster_id)
    if filters.year:
        rows = rows.filter(cluster_year__year=filters.year)
    if filters.honour_id:
        rows = rows.filter(honour_id=filters.honour_id)
    if filters.overdue:
        rows = rows.overdue_on(today)
    if filters.reviewer == "none":
        rows = rows.filter(assigned_reviewer__isnull=True)
    elif filters.reviewer.isdigit():
        rows = rows.filter(assigned_reviewer_id=int(filters.reviewer))
    term = " ".join(filters.q.split())
    if term:
        condition = Q()
        # SQLite compares non-ASCII letters case-sensitively: try the usual spellings.
        for variant in {term, term.lower(), term.title()}:
            condition |= Q(subject_name__icontains=variant) | Q(province__name__icontains=variant)
        condition |= Q(subject_key__contains=term.casefold())
        rows = rows.filter(condition)
    rows = with_overdue(with_checklist(rows), today=today)
    return rows.order_by(*QUEUE_SORTS.get(filters.sort, QUEUE_SORTS[DEFAULT_SORT]))


def active_reviewers():
    """Central Board reviewers who can be assigned, by name."""
    return User.objects.filter(is_active=True, role=Role.REVIEWER).order_by("full_name", "username")


def officer_nominations(*, user, year: int | None = None, status: str = ""):
    """Đề nghị khen thưởng: the officer's visible nominations with checklist counts."""
    rows = nominations_visible_to(user).with_related()
    if year:
        rows = rows.filter(cluster_year__year=year)
    if status in NominationStatus.values:
        rows = rows.filter(status=status)
    rows = with_overdue(with_checklist(rows), today=timezone.localdate())
    return rows.order_by("-cluster_year__year", "honour__position", "subject_name", "pk")


# ---------------------------------------------------------------------------
# Honours history across the 2025 mergers
# ---------------------------------------------------------------------------


@dataclass
class HistoryRow:
    nomination: Nomination
    # The former unit whose honour this is, when it is not the province itself.
    via: Province | None


def lineage_ancestors(*, province: Province, max_depth: int = 10) -> dict[int, Province]:
    """Every unit that went, wholly or in part, into ``province``, however many steps back.

    One query per generation (Huế 2025 → Thừa Thiên Huế 2024 → …); cycles are ignored.
    """
    found: dict[int, Province] = {}
    frontier = {province.pk}
    for _depth in range(max_depth):
        links = Lineage.objects.filter(successor_id__in=frontier).select_related("predecessor")
        frontier = set()
        for link in links:
            predecessor = link.predecessor
            if predecessor.pk == province.pk or predecessor.pk in found:
                continue
            found[predecessor.pk] = predecessor
            frontier.add(predecessor.pk)
        if not frontier:
            break
    return found


def honours_history(*, province: Province) -> list[HistoryRow]:
    """Every honour proposed for or decided about the province and the units it came from.

    Nominations of a former unit are marked with it (``via``): the 2025 Gia Lai
    lists the honours of the former Gia Lai and of Bình Định. Proposed means
    every nomination from a vote and manual ones once sent (drafts stay private).
    """
    ancestors = lineage_ancestors(province=province)
    ids = [province.pk, *ancestors]
    nominations = (
        Nomination.objects.proposed()
        .filter(province_id__in=ids)
        .select_related("cluster_year__cluster", "honour", "province")
        .order_by("-cluster_year__year", "honour__position", "province__name", "subject_name", "pk")
    )
    return [HistoryRow(nomination=n, via=ancestors.get(n.province_id)) for n in nominations]
