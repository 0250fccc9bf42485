"""The draft tờ trình (submission letter) of a cluster's proposals, as DOCX.

Laid out with ``clusters.documents.decree30.OfficialDocument`` (Decree
30/2020/NĐ-CP, Appendix I). It lists every nomination the year's vote
produced, grouped by honour, with the votes each received. It is a draft:
the number and date are left blank for the leader's office, and a closing
line says so; the signed letter the province uploads replaces it.
"""

from __future__ import annotations

from django.utils import timezone, translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from clusters.documents.decree30 import OfficialDocument, Signer, vn_number
from clusters.models import Ballot, BallotStatus, ClusterYear, Leadership, LeadershipRole

from .models import Nomination, Source

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARENT_AGENCY = "Hội đồng Thi đua - Khen thưởng Trung ương"
# The number is given by the leader's office when the letter is signed.
LETTER_NUMBER = "……/TTr-CTĐ"
RECIPIENTS = (
    "Như trên",
    "Ban Thi đua - Khen thưởng Trung ương",
    "Các tỉnh thành viên Cụm",
    "Lưu: VT",
)


def submission_letter_name(cluster_year: ClusterYear) -> str:
    return f"Du-thao-to-trinh-de-nghi-khen-thuong-{cluster_year.year}.docx"


def submission_letter_docx(*, cluster_year: ClusterYear) -> bytes:
    """The draft tờ trình of ``cluster_year``'s vote-based proposals (four queries)."""
    # Labels come out in Vietnamese whatever the language of the request or worker.
    with translation.override("vi"):
        return _build(cluster_year)


def _build(cluster_year: ClusterYear) -> bytes:
    year = ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)
    nominations = list(
        Nomination.objects.filter(cluster_year=year, source=Source.BALLOT)
        .select_related("honour", "rule_set", "ballot_candidate__question__ballot")
        .order_by("honour__position", "ballot_candidate__rank", "subject_name", "pk")
    )
    leader = (
        Leadership.objects.filter(cluster_year=year, role=LeadershipRole.LEADER)
        .select_related("province")
        .first()
    )
    ballot = (
        Ballot.objects.filter(cluster_year=year, status=BallotStatus.CLOSED)
        .order_by("round", "pk")
        .first()
    )
    honours = []
    for nomination in nominations:
        if nomination.honour not in honours:
            honours.append(nomination.honour)
    honour_names = ", ".join(h.name for h in honours) or "khen thưởng"
    doc = OfficialDocument(
        parent_agency=PARENT_AGENCY,
        issuer=year.cluster.name,
        number=LETTER_NUMBER,
        place=leader.province.name if leader else "",
        date=None,
        kind="Tờ trình",
        subject=f"Về việc đề nghị tặng {honour_names} năm {year.year}",
    )
    doc.paragraph(
        "Hội đồng Thi đua - Khen thưởng Trung ương.",
        lead="Kính gửi:",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    for basis in dict.fromkeys(
        n.rule_set.legal_basis for n in nominations if n.rule_set.legal_basis
    ):
        doc.paragraph(f"Căn cứ {basis};")
    meeting = f"Căn cứ kết quả bình xét, suy tôn tại Hội nghị tổng kết công tác thi đua năm {year.year} của {year.cluster.name}"
    if ballot is not None and ballot.meeting_date:
        meeting += f" ngày {ballot.meeting_date:%d/%m/%Y}"
    if ballot is not None and ballot.meeting_place:
        meeting += f" tại {ballot.meeting_place}"
    doc.paragraph(meeting + ";")
    doc.paragraph(
        f"{year.cluster.name} kính đề nghị Hội đồng Thi đua - Khen thưởng Trung ương xem xét, "
        f"trình cấp có thẩm quyền khen thưởng các tập thể đã có thành tích xuất sắc, "
        f"dẫn đầu phong trào thi đua năm {year.year} của Cụm, cụ thể như sau:"
    )
    for number, honour in enumerate(honours, start=1):
        rows = [n for n in nominations if n.honour_id == honour.pk]
        doc.heading(f"{number}. {honour.name}: {len(rows)} tập thể")
        table_rows = []
        for index, nomination in enumerate(rows, start=1):
            candidate = nomination.ballot_candidate
            cast = candidate.question.ballot.ballots_cast or candidate.question.ballot.electorate
            votes = candidate.votes or 0
            share = vn_number(votes * 100 / cast, places=1) if cast else ""
            table_rows.append(
                [
                    str(index),
                    nomination.subject_name,
                    f"{votes}/{cast}" if cast else str(votes),
                    share,
                ]
            )
        doc.table(
            ["TT", "Tên tập thể", "Số phiếu đồng ý", "Tỷ lệ (%)"],
            table_rows,
            widths=[Mm(12), Mm(88), Mm(35), Mm(30)],
            center_columns=(0, 2),
            numeric_columns=(3,),
        )
    doc.paragraph("(Có hồ sơ đề nghị khen thưởng của từng tập thể kèm theo.)", italic=True)
    doc.paragraph(
        f"{year.cluster.name} kính trình Hội đồng Thi đua - Khen thưởng Trung ương xem xét, quyết định./."
    )
    doc.signature(
        Signer(title="TM. Cụm thi đua", position="Cụm trưởng", name=""),
        recipients=RECIPIENTS,
    )
    today = timezone.localdate()
    doc.paragraph(
        f"Dự thảo do Cổng thông tin Cụm thi đua tạo ngày {today:%d/%m/%Y} từ kết quả bỏ phiếu; "
        "cần rà soát, ghi số, ký và đóng dấu trước khi gửi.",
        italic=True,
        indent=False,
    )
    return doc.to_bytes()
