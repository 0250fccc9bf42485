"""Tờ trình đề nghị khen thưởng: the cluster's submission letter to the Central Council (DOCX + PDF).

After the review conference the leader sends the Central Council (through the
Central Board) a submission proposing the honours the secret ballot chose —
the Government Emulation Flag for the units that led the cluster, the Prime
Minister's Certificate of Merit for the next — with the list of proposed
collectives, their verified scores, ranks and votes, and the dossier that
goes with it (DOMAIN.md, "Hồ sơ đề nghị khen thưởng").

The legal bases cited depend on the day of the conference (laws change): see
``LEGAL_BASES``.
"""

import datetime as dt
from collections import defaultdict

from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ..models import Honour
from ..services.errors import RuleError
from ..services.reports import BuiltFile, Progress
from .decree30 import OfficialDocument, TableRow
from .year_report import (
    CENTRAL_BOARD,
    PARENT_AGENCY,
    YearFacts,
    count_text,
    docx_and_pdf,
    leader_signer,
    new_document,
    points,
    province_label,
    stem,
    year_facts,
)

# The acts a submission cites, by the day they apply from (latest first). The
# Law on Emulation and Commendation 06/2022/QH15 is in force from 01/01/2024;
# Decree 98/2023/NĐ-CP detailed it until 01/07/2025, Decree 152/2025/NĐ-CP
# after; before 2024 the 2003 law (amended 2005, 2013) and Decree 91/2017/NĐ-CP.
# Kept here, dated, because no rule table holds them yet; the coordinator can
# still edit the DOCX before signing.
LEGAL_BASES: tuple[tuple[dt.date, tuple[str, ...]], ...] = (
    (
        dt.date(2025, 7, 1),
        (
            "Luật Thi đua, khen thưởng số 06/2022/QH15",
            "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số "
            "điều của Luật Thi đua, khen thưởng",
        ),
    ),
    (
        dt.date(2024, 1, 1),
        (
            "Luật Thi đua, khen thưởng số 06/2022/QH15",
            "Nghị định số 98/2023/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều "
            "của Luật Thi đua, khen thưởng",
        ),
    ),
    (
        dt.date(2018, 1, 1),
        (
            "Luật Thi đua, khen thưởng năm 2003, được sửa đổi, bổ sung năm 2005 và năm 2013",
            "Nghị định số 91/2017/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều "
            "của Luật Thi đua, khen thưởng",
        ),
    ),
)

# The achievement each honour recognises, as the submission words it.
MERIT = {
    Honour.GOVERNMENT_FLAG: "đã hoàn thành xuất sắc toàn diện nhiệm vụ, dẫn đầu phong trào thi đua của {cluster} năm {year}",
    Honour.PM_CERTIFICATE: "đã có thành tích xuất sắc trong phong trào thi đua của {cluster} năm {year}",
}
DEFAULT_MERIT = "đã có thành tích xuất sắc trong phong trào thi đua của {cluster} năm {year}"


def legal_bases(day: dt.date) -> tuple[str, ...]:
    """The acts in force on ``day`` (the earliest set for days before every listed date)."""
    for since, acts in LEGAL_BASES:
        if day >= since:
            return acts
    return LEGAL_BASES[-1][1]


def build(job, progress: Progress) -> list[BuiltFile]:
    """``ReportKind.SUBMISSION``: the submission letter with the list of proposed honours."""
    with translation.override("vi"):
        progress(5, "Đọc kết quả bình xét")
        facts = year_facts(cluster_year=job.cluster_year, draft=job.draft)
        if not facts.draft and not facts.elected():
            raise RuleError(
                facts.vote_note
                or "Cuộc bỏ phiếu không chọn được tỉnh nào: không có đề nghị khen thưởng để trình."
            )
        progress(25, "Soạn tờ trình")
        doc = submission_document(facts)
        return docx_and_pdf(doc, stem("to-trinh-de-nghi-khen-thuong", facts), progress, at=(45, 95))


def submission_document(facts: YearFacts) -> OfficialDocument:
    cluster = facts.cluster
    elected = facts.elected()
    by_honour = defaultdict(list)
    for item in elected:
        by_honour[item.title].append(item)
    titles = list(by_honour) or ["Cờ thi đua của Chính phủ", "Bằng khen của Thủ tướng Chính phủ"]
    doc = new_document(
        facts,
        kind="Tờ trình",
        number="……/TTr-CTĐ",
        subject=f"Về việc đề nghị tặng {' và '.join(titles)} năm {facts.year}",
    )
    doc.paragraph(
        f"Kính gửi: {PARENT_AGENCY}.",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    day = facts.date or dt.date(facts.year + 1, 1, 1)
    for act in legal_bases(day):
        doc.paragraph(f"Căn cứ {act};", italic=True)
    meeting = facts.meeting
    if meeting is not None:
        when = f" ngày {facts.date:%d/%m/%Y}" if facts.date else ""
        doc.paragraph(
            f"Căn cứ Biên bản họp bình xét, suy tôn thi đua năm {facts.year}{when} của {cluster.name},",
            italic=True,
        )
    doc.paragraph(
        f"Năm {facts.year}, các tỉnh thành viên {cluster.name} đã tổ chức thực hiện giao ước "
        "thi đua, tự chấm điểm và được thẩm định, chấm chéo theo bảng tiêu chí đã ký kết. Tại "
        f"hội nghị tổng kết, trên cơ sở kết quả chấm điểm, xếp hạng đã chốt và kết quả bỏ phiếu "
        f"kín, {cluster.name} kính đề nghị {PARENT_AGENCY} xem xét, trình Thủ tướng Chính phủ:"
    )
    if not elected:
        doc.paragraph(facts.vote_note or "Chưa có kết quả bình xét, suy tôn.", italic=True)
    for number, (title, items) in enumerate(by_honour.items(), start=1):
        doc.paragraph(
            f"Tặng {title} cho {count_text(len(items))} tập thể:", lead=f"{number}.", indent=True
        )
        merit = MERIT.get(items[0].honour, DEFAULT_MERIT).format(
            cluster=cluster.name, year=facts.year
        )
        for index, item in enumerate(items, start=1):
            end = "." if index == len(items) else ";"
            doc.paragraph(f"- {province_label(item.province, capital=True)}, {merit}{end}")
    _list(doc, facts)
    doc.paragraph("Hồ sơ kèm theo gồm:", bold=True, indent=True)
    enclosures = [
        f"Biên bản họp bình xét, suy tôn thi đua năm {facts.year} của Cụm",
        f"Báo cáo tổng kết thực hiện giao ước thi đua năm {facts.year} của Cụm",
        "Bảng tổng hợp kết quả chấm điểm, xếp hạng",
        "Báo cáo thành tích của các tập thể được đề nghị khen thưởng",
    ]
    for item in enclosures:
        doc.paragraph(f"- {item}.")
    doc.paragraph(f"Kính đề nghị {PARENT_AGENCY} xem xét, quyết định./.")
    doc.signature(
        leader_signer(facts),
        recipients=["Như trên", CENTRAL_BOARD, "Các tỉnh thành viên Cụm", "Lưu: VT"],
    )
    return doc


def _list(doc: OfficialDocument, facts: YearFacts) -> None:
    doc.heading(
        f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {facts.year}\n{facts.cluster.name.upper()}",
        center=True,
    )
    scores = facts.ranking.by_province()
    cast = {}
    for result in facts.vote:
        cast[result.ballot.round] = result.ballots_cast
    rows: list[list[str] | TableRow] = []
    for number, item in enumerate(facts.elected(), start=1):
        score = scores.get(item.province.pk)
        ballots = cast.get(item.round)
        votes = f"{item.votes}/{ballots}" if ballots else str(item.votes)
        rows.append(
            [
                str(number),
                province_label(item.province, capital=True),
                item.title,
                points(score.verified_total) if score else "",
                str(score.rank) if score else "",
                votes,
            ]
        )
    if not rows:
        rows.append(TableRow(["(Chưa có tỉnh được suy tôn)"], italic=True, label_span=6))
    doc.table(
        [
            "TT",
            "Tên tập thể",
            "Hình thức khen thưởng",
            "Tổng điểm thẩm định",
            "Xếp hạng",
            "Số phiếu",
        ],
        rows,
        widths=[Mm(10), Mm(40), Mm(50), Mm(25), Mm(18), Mm(22)],
        numeric_columns=(3,),
        center_columns=(0, 4, 5),
        font_size=Pt(12),
    )
