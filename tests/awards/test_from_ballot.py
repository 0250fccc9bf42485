"""Nominations created from a closed ballot, with the documents the portal makes itself."""

import datetime as dt
import io
import sys
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from accounts.models import Notification
from awards.documents import DOCX
from awards.models import DossierDocument, Nomination, NominationStatus, Source, SubjectKind
from awards.services.dossier import dossier_upload
from awards.services.nominations import nominations_from_ballot
from awards.tasks import nominations_from_ballot_task
from clusters.models import BallotStatus
from clusters.models import Honour as BallotHonour
from clusters.services.errors import RuleError

from .helpers import closed_ballot, pdf, set_status

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _text(document: DossierDocument) -> str:
    with document.file.open("rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_one_nomination_per_elected_member(seed_year_2022):
    ballot = closed_ballot(
        seed_year_2022,
        losers={
            BallotHonour.GOVERNMENT_FLAG: ["Lâm Đồng"],
            BallotHonour.PM_CERTIFICATE: ["Kon Tum"],
        },
        closed_at=dt.datetime(2023, 3, 30, 16, tzinfo=VN),
    )
    created = nominations_from_ballot(ballot_id=ballot.pk)
    got = sorted((n.honour.code, n.province.name) for n in created)
    assert got == [
        ("GOVERNMENT_FLAG", "Bình Định"),
        ("GOVERNMENT_FLAG", "Đắk Nông"),
        ("PM_CERTIFICATE", "Quảng Ngãi"),
        ("PM_CERTIFICATE", "Đắk Lắk"),
    ]
    binh_dinh = next(n for n in created if n.province.name == "Bình Định")
    assert binh_dinh.source == Source.BALLOT and binh_dinh.status == NominationStatus.DRAFT
    assert binh_dinh.subject_kind == SubjectKind.COLLECTIVE
    assert binh_dinh.subject_name == "Tỉnh Bình Định"
    assert binh_dinh.ballot_candidate.province == binh_dinh.province
    assert "9/10 phiếu" in binh_dinh.achievements and "30/03/2023" in binh_dinh.achievements
    # The shipped rules: 30 days after the vote closed; judged by the 2022 rules (Decree 91/2017).
    assert binh_dinh.deadline == dt.date(2023, 4, 29)
    assert "91/2017" in binh_dinh.rule_set.legal_basis
    event = binh_dinh.events.get()
    assert event.actor is None and event.to_status == NominationStatus.DRAFT


def test_it_is_idempotent(ballot_2022):
    assert len(nominations_from_ballot(ballot_id=ballot_2022.pk)) == 4
    assert nominations_from_ballot(ballot_id=ballot_2022.pk) == []
    assert nominations_from_ballot_task(ballot_2022.pk) == 0
    assert Nomination.objects.count() == 4


def test_a_runoff_adds_only_new_members(ballot_2022, seed_year_2022):
    nominations_from_ballot(ballot_id=ballot_2022.pk)
    runoff = closed_ballot(
        seed_year_2022,
        {BallotHonour.GOVERNMENT_FLAG: ["Bình Định"], BallotHonour.PM_CERTIFICATE: ["Gia Lai"]},
        round=2,
    )
    created = nominations_from_ballot(ballot_id=runoff.pk)
    assert [(n.honour.code, n.province.name) for n in created] == [("PM_CERTIFICATE", "Gia Lai")]


def test_no_quorum_gives_nothing_and_an_open_ballot_is_refused(seed_year_2022):
    no_quorum = closed_ballot(seed_year_2022, status=BallotStatus.NO_QUORUM)
    assert nominations_from_ballot(ballot_id=no_quorum.pk) == []
    still_open = closed_ballot(seed_year_2022, status=BallotStatus.OPEN, round=2)
    with pytest.raises(RuleError, match="chưa kết thúc"):
        nominations_from_ballot(ballot_id=still_open.pk)
    assert not Nomination.objects.exists()


def test_other_honours_have_no_catalogue_entry_and_are_skipped(seed_year_2022):
    ballot = closed_ballot(seed_year_2022, {BallotHonour.OTHER: ["Gia Lai"]})
    assert nominations_from_ballot(ballot_id=ballot.pk) == []


def test_the_draft_submission_letter_is_attached(ballot_2022):
    created = nominations_from_ballot(ballot_id=ballot_2022.pk)
    letters = DossierDocument.objects.filter(requirement_code="submission_letter", generated=True)
    assert letters.count() == 4
    letter = letters.first()
    assert letter.content_type == DOCX and letter.uploaded_by is None and len(letter.sha256) == 64
    text = _text(letter)
    assert "TỜ TRÌNH" in text.upper()
    assert (
        "Về việc đề nghị tặng Cờ thi đua của Chính phủ, Bằng khen của Thủ tướng Chính phủ năm 2022"
        in text
    )
    for name in ("Tỉnh Bình Định", "Tỉnh Đắk Nông", "Tỉnh Quảng Ngãi", "Tỉnh Đắk Lắk"):
        assert name in text
    assert "9/10" in text and "Dự thảo" in text
    assert {d.nomination_id for d in letters} == {n.pk for n in created}


def test_a_later_round_regenerates_the_letter_of_open_dossiers_only(
    ballot_2022, seed_year_2022, officer_dak_lak
):
    created = {n.province.name: n for n in nominations_from_ballot(ballot_id=ballot_2022.pk)}
    # Đắk Lắk uploads its signed letter; Bình Định's dossier is already with the Board.
    dak_lak = created["Đắk Lắk"]
    old_generated = dak_lak.documents.get(requirement_code="submission_letter")
    signed = dossier_upload(
        nomination=dak_lak,
        requirement_code="submission_letter",
        upload=pdf("to-trinh.pdf"),
        actor=officer_dak_lak,
    )
    set_status(created["Bình Định"], NominationStatus.SUBMITTED)
    runoff = closed_ballot(seed_year_2022, {BallotHonour.PM_CERTIFICATE: ["Gia Lai"]}, round=2)
    nominations_from_ballot(ballot_id=runoff.pk)
    # Đắk Nông (open, only the generated letter): replaced by a new letter naming Gia Lai too.
    dak_nong = created["Đắk Nông"].documents.current().get(requirement_code="submission_letter")
    assert dak_nong.generated and "Tỉnh Gia Lai" in _text(dak_nong)
    assert created["Đắk Nông"].documents.filter(requirement_code="submission_letter").count() == 2
    # Bình Định's sent dossier is untouched.
    binh_dinh = created["Bình Định"].documents.current().get(requirement_code="submission_letter")
    assert "Tỉnh Gia Lai" not in _text(binh_dinh)
    # Đắk Lắk keeps both of its files and gets no new one.
    current = set(dak_lak.documents.current().filter(requirement_code="submission_letter"))
    assert current == {old_generated, signed}


def test_the_minutes_of_the_vote_are_attached_when_clusters_can_make_them(ballot_2022):
    pytest.importorskip("clusters.documents.minutes")
    nominations_from_ballot(ballot_id=ballot_2022.pk)
    minutes = DossierDocument.objects.filter(requirement_code="meeting_minutes", generated=True)
    assert minutes.count() == 4
    assert minutes.first().content_type == DOCX


def test_without_the_minutes_module_the_nominations_are_still_made(ballot_2022, monkeypatch):
    # None in sys.modules makes "import clusters.documents.minutes" raise ImportError.
    monkeypatch.setitem(sys.modules, "clusters.documents.minutes", None)
    assert len(nominations_from_ballot(ballot_id=ballot_2022.pk)) == 4
    assert not DossierDocument.objects.filter(requirement_code="meeting_minutes").exists()
    assert DossierDocument.objects.filter(requirement_code="submission_letter").count() == 4


def test_honoured_provinces_officers_are_told(ballot_2022, officer_dak_lak, coordinator_binh_dinh):
    nominations_from_ballot(ballot_id=ballot_2022.pk)
    notes = Notification.objects.filter(verb="nomination_created")
    assert {n.recipient for n in notes} >= {officer_dak_lak, coordinator_binh_dinh}
    assert all("hoàn thiện hồ sơ" in n.text for n in notes)


def test_the_task_is_registered_under_the_name_the_ballot_service_uses(ballot_2022):
    from emulation.celery import app

    name = "awards.tasks.nominations_from_ballot_task"
    assert nominations_from_ballot_task.name == name
    assert name in app.tasks
    assert app.tasks[name].acks_late is True
    assert nominations_from_ballot_task.apply(args=[ballot_2022.pk]).get() == 4
