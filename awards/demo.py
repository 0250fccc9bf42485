"""Demo nominations of the seed cluster's 2022 year, played through the real services.

ILLUSTRATIVE DATA. Given the 2022 year's closed ballot (Bình Định and Đắk
Nông elected for the Cờ thi đua của Chính phủ, Quảng Ngãi and Đắk Lắk for the
Bằng khen của Thủ tướng Chính phủ), it creates the four nominations from the
ballot and moves them, as their officers and the Board's reviewer would, to:
decided (Bình Định, with a decision number that is visibly not a real one),
in review (Đắk Nông), returned (Quảng Ngãi) and submitted (Đắk Lắk). It adds a
few nominations the provinces make themselves for workers and small
collectives, with names marked as illustrative. Loading twice changes nothing.

``emulation.demo`` calls ``demo_awards_load()`` once the ballot replay exists.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import Role, User
from clusters.documents.decree30 import OfficialDocument, Signer
from clusters.models import Ballot, BallotStatus, ClusterYear

from .models import DossierDocument, Honour, Nomination, NominationStatus, Source, Verdict
from .services.checks import WARNING, rule_checks
from .services.dossier import dossier_upload
from .services.nominations import (
    nomination_create_manual,
    nomination_transition,
    nominations_from_ballot,
    review_note_add,
    reviewer_assign,
    rule_override_add,
    subject_key,
)

SEED_CLUSTER_CODE = "tay-nguyen-duyen-hai-mien-trung"
DEMO_YEAR = 2022
ILLUSTRATIVE = "(dữ liệu minh họa)"
# Visibly not a real decision: the Prime Minister's decisions on the 2022 flags are not reproduced.
DEMO_DECISION_NUMBER = "0000/QĐ-TTg (minh họa)"
DEMO_DECISION_DATE = dt.date(2023, 12, 29)
# Where each vote-based nomination ends up, by province name.
BALLOT_TARGETS = {
    "Bình Định": NominationStatus.APPROVED,
    "Đắk Nông": NominationStatus.IN_REVIEW,
    "Quảng Ngãi": NominationStatus.RETURNED,
    "Đắk Lắk": NominationStatus.SUBMITTED,
}
# (province, honour, kind, name, position, achievements, submit?)
MANUAL = [
    (
        "Đắk Lắk",
        "PM_CERTIFICATE",
        "individual",
        "Ông Nguyễn Văn A (tên minh họa)",
        "Công nhân trực tiếp sản xuất, Công ty cà phê (đơn vị minh họa)",
        "Người trực tiếp lao động có nhiều sáng kiến cải tiến kỹ thuật trong sơ chế cà phê "
        "năm 2022 " + ILLUSTRATIVE + ".",
        True,
    ),
    (
        "Bình Định",
        "PM_CERTIFICATE",
        "collective",
        "Tổ khai thác hải sản xa bờ số 3 (tên minh họa)",
        "Hợp tác xã nghề cá (đơn vị minh họa)",
        "Tập thể nhỏ trực tiếp lao động, hoàn thành vượt kế hoạch sản lượng năm 2022 "
        + ILLUSTRATIVE
        + ".",
        False,
    ),
    (
        "Quảng Ngãi",
        "PM_CERTIFICATE",
        "individual",
        "Bà Trần Thị B (tên minh họa)",
        "Giáo viên trường tiểu học vùng khó khăn (đơn vị minh họa)",
        "Gương điển hình tiên tiến trong phong trào thi đua năm 2022 " + ILLUSTRATIVE + ".",
        False,
    ),
]


def _docx(title: str, nomination: Nomination) -> bytes:
    doc = OfficialDocument(
        parent_agency="Ủy ban nhân dân",
        issuer=nomination.province.full_name,
        number="……/BC-UBND",
        kind="Báo cáo" if "Báo cáo" in title else "Văn bản",
        subject=f"{title} – {nomination.subject_name}",
        place=nomination.province.name,
    )
    doc.paragraph(
        f"Tài liệu minh họa của Cổng thông tin Cụm thi đua cho hồ sơ đề nghị tặng "
        f"{nomination.honour.name} năm {nomination.cluster_year.year}; không phải văn bản thật."
    )
    doc.paragraph(nomination.achievements or "")
    doc.signature(Signer(title="TM. Ủy ban nhân dân", position="Chủ tịch", name="(minh họa)"))
    return doc.to_bytes()


def _officer(province_id: int) -> User | None:
    return User.objects.of_province(province_id).order_by("username").first()


def _reviewer() -> User | None:
    return User.objects.filter(is_active=True, role=Role.REVIEWER).order_by("username").first()


def _complete_dossier(nomination: Nomination, officer: User) -> None:
    """Uploads an illustrative file for every required line still empty."""
    from .selectors import dossier_checklist

    for row in dossier_checklist(nomination=nomination):
        if row.required and not row.documents:
            name = f"{row.code.replace('_', '-')}-minh-hoa.docx"
            dossier_upload(
                nomination=nomination,
                requirement_code=row.code,
                upload=SimpleUploadedFile(name, _docx(row.title, nomination)),
                actor=officer,
            )


def _override_warnings(nomination: Nomination, reviewer: User) -> None:
    for check in rule_checks(nomination=nomination):
        if check.level == WARNING and not check.overridden:
            rule_override_add(
                nomination=nomination,
                actor=reviewer,
                rule_code=check.code,
                reason="Dữ liệu minh họa: hồ sơ mẫu được nạp sau thời hạn thật của năm 2022.",
            )


def _play(nomination: Nomination, target: str, officer: User, reviewer: User) -> None:
    """Moves a draft to ``target`` through the services, as the people involved would."""
    S = NominationStatus
    _complete_dossier(nomination, officer)
    nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer)
    if target == S.SUBMITTED:
        return
    reviewer_assign(nominations=[nomination], reviewer=reviewer, actor=reviewer)
    nomination_transition(nomination=nomination, to_status=S.IN_REVIEW, actor=reviewer)
    if target == S.IN_REVIEW:
        return
    if target == S.RETURNED:
        report = (
            DossierDocument.objects.current()
            .filter(nomination=nomination, requirement_code="achievement_report")
            .first()
        )
        if report is not None:
            review_note_add(
                nomination=nomination,
                actor=reviewer,
                verdict=Verdict.NEEDS_CHANGE,
                comment="Báo cáo thành tích chưa có xác nhận của cấp trình " + ILLUSTRATIVE + ".",
                document=report,
            )
        nomination_transition(
            nomination=nomination,
            to_status=S.RETURNED,
            actor=reviewer,
            comment="Bổ sung báo cáo thành tích có xác nhận của cấp trình khen thưởng "
            + ILLUSTRATIVE
            + ".",
        )
        return
    for document in DossierDocument.objects.current().filter(nomination=nomination):
        review_note_add(
            nomination=nomination, actor=reviewer, verdict=Verdict.VERIFIED, document=document
        )
    _override_warnings(nomination, reviewer)
    nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=reviewer)
    nomination_transition(nomination=nomination, to_status=S.FORWARDED, actor=reviewer)
    nomination_transition(
        nomination=nomination,
        to_status=S.APPROVED,
        actor=reviewer,
        comment="Số và ngày quyết định là dữ liệu minh họa, không phải quyết định thật.",
        decision_number=DEMO_DECISION_NUMBER,
        decision_date=DEMO_DECISION_DATE,
    )


@transaction.atomic
def demo_awards_load() -> dict[str, int]:
    """Loads the 2022 demo nominations (illustrative); idempotent. Needs the year's closed ballot."""
    cluster_year = ClusterYear.objects.filter(
        cluster__code=SEED_CLUSTER_CODE, year=DEMO_YEAR
    ).first()
    reviewer = _reviewer()
    if cluster_year is None or reviewer is None:
        return {"from_ballot": 0, "manual": 0}
    created = 0
    for ballot in Ballot.objects.filter(cluster_year=cluster_year, status=BallotStatus.CLOSED):
        created += len(nominations_from_ballot(ballot_id=ballot.pk))
    for nomination in Nomination.objects.filter(
        cluster_year=cluster_year, source=Source.BALLOT, status=NominationStatus.DRAFT
    ).select_related("province", "honour", "cluster_year"):
        target = BALLOT_TARGETS.get(nomination.province.name)
        officer = _officer(nomination.province_id)
        if target is None or officer is None:
            continue
        _play(nomination, target, officer, reviewer)
    manual = 0
    honours = {h.code: h for h in Honour.objects.all()}
    members = {
        m.province.name: m.province for m in cluster_year.memberships.select_related("province")
    }
    for province_name, code, kind, name, position, achievements, submit in MANUAL:
        province = members.get(province_name)
        officer = _officer(province.pk) if province else None
        if officer is None or code not in honours:
            continue
        if Nomination.objects.filter(
            cluster_year=cluster_year,
            province=province,
            source=Source.MANUAL,
            subject_key=subject_key(name),
        ).exists():
            continue
        nomination = nomination_create_manual(
            actor=officer,
            cluster_year=cluster_year,
            honour=honours[code],
            subject_kind=kind,
            subject_name=name,
            position_or_unit=position,
            achievements=achievements,
        )
        manual += 1
        if submit:
            _complete_dossier(nomination, officer)
            nomination_transition(
                nomination=nomination, to_status=NominationStatus.SUBMITTED, actor=officer
            )
    return {"from_ballot": created, "manual": manual}
