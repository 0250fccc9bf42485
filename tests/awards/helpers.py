"""Builders for the awards tests: a closed ballot, a nomination in a given state, files.

Preconditions (a closed ballot, a status to start a move from) are written
with the ORM: they are what a test assumes, not what it checks. What a test
checks goes through the services.
"""

import datetime as dt
import importlib
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from awards.models import DossierDocument, Honour, Nomination, RequiredDocument
from awards.services.dossier import dossier_upload
from awards.services.nominations import nomination_create_manual
from clusters.documents.decree30 import OfficialDocument
from clusters.models import Ballot, BallotCandidate, BallotQuestion, BallotStatus, ClusterYear
from clusters.models import Honour as BallotHonour

PDF = b"%PDF-1.4\n%awards\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SEED_ELECTED = {
    BallotHonour.GOVERNMENT_FLAG: ["Bình Định", "Đắk Nông"],
    BallotHonour.PM_CERTIFICATE: ["Quảng Ngãi", "Đắk Lắk"],
}
TITLES = {
    BallotHonour.GOVERNMENT_FLAG: "Suy tôn Cờ thi đua của Chính phủ",
    BallotHonour.PM_CERTIFICATE: "Đề nghị Bằng khen của Thủ tướng Chính phủ",
    BallotHonour.OTHER: "Hình thức khác",
}


def catalogue_ensure() -> None:
    """Reloads the shipped honours catalogue (idempotent).

    Browser tests run in transactions that end with a flush, which empties the
    tables a data migration filled; a later transactional test calls this first.
    """
    from django.apps import apps

    migration = importlib.import_module("awards.migrations.0002_honours_catalogue")
    migration.load(apps, None)


def pdf(name: str = "tai-lieu.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docx_bytes(text: str = "Tài liệu") -> bytes:
    doc = OfficialDocument(parent_agency="UBND", issuer="Tỉnh", number="1", kind="Báo cáo")
    doc.paragraph(text)
    return doc.to_bytes()


def closed_ballot(
    cluster_year: ClusterYear,
    elected: dict[str, list[str]] | None = None,
    *,
    status: str = BallotStatus.CLOSED,
    closed_at: dt.datetime | None = None,
    meeting_date: dt.date | None = dt.date(2023, 3, 30),
    round: int = 1,
    losers: dict[str, list[str]] | None = None,
) -> Ballot:
    """A ballot of the year written with the ORM, as the ballot service leaves it at close."""
    elected = SEED_ELECTED if elected is None else elected
    members = {
        m.province.name: m.province for m in cluster_year.memberships.select_related("province")
    }
    ballot = Ballot.objects.create(
        cluster_year=cluster_year,
        round=round,
        status=status,
        quorum=Decimal("0.667"),
        pass_ratio=Decimal("0.5"),
        electorate=len(members),
        ballots_cast=len(members) if status == BallotStatus.CLOSED else None,
        meeting_place="Thành phố Buôn Ma Thuột",
        meeting_date=meeting_date,
        closed_at=closed_at or timezone.now(),
    )
    losers = losers or {}
    for position, (honour, names) in enumerate(elected.items()):
        question = BallotQuestion.objects.create(
            ballot=ballot,
            honour=honour,
            title=TITLES[honour],
            seats=max(len(names), 1),
            position=position,
        )
        for rank, name in enumerate(names, start=1):
            BallotCandidate.objects.create(
                question=question, province=members[name], rank=rank, votes=10 - rank, elected=True
            )
        for rank, name in enumerate(losers.get(honour, []), start=len(names) + 1):
            BallotCandidate.objects.create(
                question=question, province=members[name], rank=rank, votes=2, elected=False
            )
    return ballot


def officer(province_name: str) -> User:
    return User.objects.officers().get(province__name=province_name, username__startswith="canbo.")


def manual(
    cluster_year,
    actor,
    *,
    honour="PM_CERTIFICATE",
    kind="individual",
    name="Ông Nguyễn Văn A",
    achievements="Thành tích xuất sắc năm",
):
    return nomination_create_manual(
        actor=actor,
        cluster_year=cluster_year,
        honour=Honour.objects.get(code=honour),
        subject_kind=kind,
        subject_name=name,
        position_or_unit="Công nhân",
        achievements=achievements,
    )


def complete(nomination: Nomination, actor) -> None:
    """Uploads a PDF for every required line that has no current file."""
    present = set(
        DossierDocument.objects.current()
        .filter(nomination=nomination)
        .values_list("requirement_code", flat=True)
    )
    for line in RequiredDocument.objects.filter(rule_set_id=nomination.rule_set_id, required=True):
        if line.code not in present:
            dossier_upload(
                nomination=nomination,
                requirement_code=line.code,
                upload=pdf(f"{line.code}.pdf"),
                actor=actor,
            )


def set_status(nomination: Nomination, status: str, **fields) -> Nomination:
    """A precondition: puts a nomination in ``status`` without the service."""
    Nomination.objects.filter(pk=nomination.pk).update(status=status, **fields)
    nomination.refresh_from_db()
    return nomination


def workbook(content: bytes):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content))
