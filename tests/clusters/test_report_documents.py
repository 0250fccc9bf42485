"""The year-end documents: report, minutes, submission (DOCX + PDF) and the scoring workbook.

Given a seed-cluster year with criteria, results, peer scores, a frozen
ranking, a closed vote, next year's leadership proposal and pledge, each
builder is run as the report pipeline runs it (``report_build`` on a real
job) and its files are opened back: python-docx for the DOCX (header lines,
title, Times New Roman, A4 and margins, the ranking table values),
pdftotext/pdffonts for the PDF (Vietnamese text with diacritics intact, fonts
embedded, page count) and openpyxl for the workbook (numbers, formulas and
what they compute).
"""

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from accounts.models import User
from clusters.documents import submission, workbook, year_report
from clusters.documents.decree30 import OfficialDocument, capture_documents
from clusters.models import (
    Ballot,
    BallotCandidate,
    BallotParticipation,
    BallotQuestion,
    BallotStatus,
    ClusterYear,
    CriterionKind,
    Honour,
    JobStatus,
    LeadershipProposal,
    NarrativeSection,
    PeerAssignment,
    PeerScore,
    Pledge,
    PledgeSignature,
    RankingSnapshot,
    ReportFile,
    ReportJob,
    ReportKind,
    Result,
    ScoringSettings,
)
from clusters.services import reports
from clusters.services.ranking import compute_ranking, ranking_hash
from clusters.services.reports import report_build, report_request
from clusters.services.scoring import ranking_inputs
from provinces.collation import sort_by_name
from tests.clusters.helpers import big_table, results_year

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
PDFFONTS = shutil.which("pdffonts")
OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
SEED_NAMES = {
    "Bình Định",
    "Đắk Lắk",
    "Đắk Nông",
    "Gia Lai",
    "Khánh Hòa",
    "Kon Tum",
    "Lâm Đồng",
    "Phú Yên",
    "Quảng Nam",
    "Quảng Ngãi",
}
# The seed's outcome: flags for Bình Định and Đắk Nông, certificates for Quảng Ngãi and Đắk Lắk.
STRENGTH = [
    "Bình Định",
    "Đắk Nông",
    "Quảng Ngãi",
    "Đắk Lắk",
    "Lâm Đồng",
    "Khánh Hòa",
    "Gia Lai",
    "Quảng Nam",
    "Phú Yên",
    "Kon Tum",
]
MEETING_DAY = dt.date(2023, 3, 30)


# -- building a year's data quickly (bulk ORM) ---------------------------------------------


def score_year(cluster_year: ClusterYear, *, rows=None, peers: int = 3) -> dict:
    """Criteria, targets, results and peer scores for every member, written in bulk.

    Members score by their place in ``STRENGTH`` (stronger: closer to the
    maximum); each member is verified by ``peers`` others, a little lower.
    Returns the criteria by code.
    """
    criteria = results_year(cluster_year, rows=rows, open_phase=False)
    admin = User.objects.get(username="admin")
    members = sort_by_name(
        cluster_year.memberships.select_related("province"), lambda m: m.province.name
    )
    order = {name: index for index, name in enumerate(STRENGTH)}
    targets = {(t.province_id, t.criterion_id): t.value for t in cluster_year.targets.all()}
    results, assignments = [], []
    steps = {}
    for index, member in enumerate(members):
        strength = Decimal("0.99") - Decimal("0.012") * order.get(member.province.name, index)
        for number, criterion in enumerate(criteria.values()):
            if criterion.kind == CriterionKind.PENALTY:
                score = (
                    criterion.max_points / 2 if member.province.name == "Kon Tum" else Decimal(0)
                )
            else:
                wobble = Decimal(number % 5) / 100
                score = (criterion.max_points * (strength - wobble)).quantize(Decimal("0.01"))
            target = targets.get((member.province_id, criterion.pk))
            achieved = None
            if target is not None:
                achieved = (
                    target * (strength + Decimal("0.05") - Decimal(number % 3) / 20)
                ).quantize(Decimal("0.0001"))
            results.append(
                Result(
                    cluster_year=cluster_year,
                    province_id=member.province_id,
                    criterion=criterion,
                    achieved_value=achieved,
                    self_score=score,
                    updated_by=admin,
                )
            )
        for step in range(1, peers + 1):
            scorer = members[(index + step) % len(members)]
            steps[(scorer.province_id, member.province_id)] = step
            assignments.append(
                PeerAssignment(
                    cluster_year=cluster_year, scorer=scorer.province, scored=member.province
                )
            )
    Result.objects.bulk_create(results)
    PeerAssignment.objects.bulk_create(assignments)
    assignments = list(PeerAssignment.objects.filter(cluster_year=cluster_year))
    own = {(r.province_id, r.criterion_id): r.self_score for r in results}
    peer_scores = []
    for assignment in assignments:
        # Every member gets the same cuts from its scorers: the order stays the strengths'.
        step = steps[(assignment.scorer_id, assignment.scored_id)]
        for criterion in criteria.values():
            if criterion.kind == CriterionKind.PENALTY:
                continue
            base = own[(assignment.scored_id, criterion.pk)]
            cut = Decimal((step - 1) * 25) / 100 * (criterion.max_points / 10)
            peer_scores.append(
                PeerScore(
                    assignment=assignment,
                    criterion=criterion,
                    score=max(base - cut, Decimal(0)).quantize(Decimal("0.01")),
                    updated_by=admin,
                )
            )
    PeerScore.objects.bulk_create(peer_scores)
    return criteria


def freeze(cluster_year: ClusterYear, method: str = "mean") -> RankingSnapshot:
    inputs = ranking_inputs(cluster_year=cluster_year)
    output = compute_ranking(inputs, method)
    return RankingSnapshot.objects.create(
        cluster_year=cluster_year,
        method=method,
        method_version=output["method_version"],
        inputs=inputs,
        output=output,
        sha256=ranking_hash(inputs, output),
        frozen_by=User.objects.get(username="admin"),
    )


def vote(cluster_year: ClusterYear, snapshot: RankingSnapshot) -> Ballot:
    """A closed ballot: the two best for the flag, the next two for the certificate."""
    admin = User.objects.get(username="admin")
    rows = snapshot.output["rows"]
    ballot = Ballot.objects.create(
        cluster_year=cluster_year,
        status=BallotStatus.CLOSED,
        quorum=Decimal("0.667"),
        pass_ratio=Decimal("0.5"),
        electorate=len(rows),
        meeting_place="Buôn Ma Thuột",
        meeting_date=MEETING_DAY,
        closed_at=timezone.now(),
        closed_by=admin,
        ballots_cast=len(rows),
    )
    BallotParticipation.objects.bulk_create(
        BallotParticipation(ballot=ballot, province_id=row["province_id"], cast_by=admin)
        for row in rows
    )
    for position, (honour, title, chosen) in enumerate(
        (
            (Honour.GOVERNMENT_FLAG, "Cờ thi đua của Chính phủ", rows[:2]),
            (Honour.PM_CERTIFICATE, "Bằng khen của Thủ tướng Chính phủ", rows[2:4]),
        )
    ):
        question = BallotQuestion.objects.create(
            ballot=ballot, honour=honour, title=title, seats=2, position=position
        )
        elected = {row["province_id"] for row in chosen}
        BallotCandidate.objects.bulk_create(
            BallotCandidate(
                question=question,
                province_id=row["province_id"],
                rank=row["rank"],
                verified_total=Decimal(row["verified_total"]),
                votes=(9 - n) if row["province_id"] in elected else max(3 - n, 0),
                elected=row["province_id"] in elected,
            )
            for n, row in enumerate(rows)
        )
    return ballot


def conclude(cluster_year: ClusterYear) -> None:
    """Narrative, next year's leadership proposal and next year's signed pledge."""
    admin = User.objects.get(username="admin")
    NarrativeSection.objects.create(
        cluster_year=cluster_year,
        title="Công tác chỉ đạo, tổ chức phong trào thi đua",
        body="Các tỉnh đã ban hành kế hoạch thực hiện giao ước.\nTổ chức sơ kết giữa năm tại Quy Nhơn.",
        position=1,
        updated_by=admin,
    )
    members = {m.province.name: m.province for m in cluster_year.memberships.all()}
    LeadershipProposal.objects.create(
        cluster_year=cluster_year,
        leader=members["Bình Định"],
        deputy=members["Lâm Đồng"],
        proposed_by=admin,
    )
    following = ClusterYear.objects.get(cluster=cluster_year.cluster, year=cluster_year.year + 1)
    Pledge.objects.create(
        cluster_year=following,
        title=f"Giao ước thi đua năm {following.year}",
        articles="Điều 1. Các tỉnh thống nhất ký kết giao ước thi đua.\nĐiều 2. Giao ước có hiệu lực kể từ ngày ký.",
        signing_place="Buôn Ma Thuột",
        signing_date=MEETING_DAY,
        updated_by=admin,
    )
    PledgeSignature.objects.bulk_create(
        PledgeSignature(
            cluster_year=following,
            province=membership.province,
            signed_by=admin,
            signer_name=f"Đại diện {membership.province.name}",
        )
        for membership in following.memberships.select_related("province")
    )


def concluded_year(cluster_year: ClusterYear, *, rows=None) -> ClusterYear:
    """A year as at its review conference: scored, verified, frozen, voted, concluded."""
    score_year(cluster_year, rows=rows)
    vote(cluster_year, freeze(cluster_year))
    conclude(cluster_year)
    return ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)


@pytest.fixture
def year_2022(seed_year_2022, seed_year_2023):
    return concluded_year(seed_year_2022)


def run(cluster_year, kind, *, draft=False, user="admin") -> ReportJob:
    """Asks for a report and builds it in this process, as a worker would."""
    actor = User.objects.get(username=user)
    job = report_request(cluster_year=cluster_year, kind=kind, actor=actor, draft=draft, force=True)
    status = report_build(job.pk)
    job.refresh_from_db()
    assert status == JobStatus.SUCCEEDED, job.error
    return job


def files_of(job) -> dict[str, bytes]:
    """The job's files by name; REPORT_DUMP=<folder> keeps a copy to look at."""
    files = {f.filename: f.file.open("rb").read() for f in job.files.all()}
    if os.environ.get("REPORT_DUMP"):
        for name, data in files.items():
            Path(os.environ["REPORT_DUMP"], name).write_bytes(data)
    return files


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Builds run in-process here: requests queue nothing (see test_report_worker for the worker)."""
    monkeypatch.setattr(reports, "_enqueue", lambda job_id: None)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- reading the files back ----------------------------------------------------------------


def paragraphs(doc):
    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                seen = set()
                for row in block.rows:
                    for cell in row.cells:
                        if cell._tc in seen:
                            continue
                        seen.add(cell._tc)
                        yield from walk(cell)
            else:
                yield block

    yield from walk(doc)


def docx_texts(data: bytes) -> list[str]:
    return [p.text for p in paragraphs(Document(io.BytesIO(data)))]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(data: bytes, tmp_path: Path) -> int:
    if PDFINFO is None:
        pytest.skip("pdfinfo is not installed")
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(  # noqa: S603
        [PDFINFO, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def table_with_header(doc, first_cell: str, second_cell: str | None = None):
    for table in doc.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[0] == first_cell and (second_cell is None or header[1] == second_cell):
            return table
    raise AssertionError(f"no table headed {first_cell!r}")


def assert_decree30_layout(doc, *, kind: str, subject_start: str) -> None:
    section = doc.sections[0]
    assert tuple(round(x.mm, 1) for x in (section.page_width, section.page_height)) == (210, 297)
    assert tuple(round(x.mm, 1) for x in (section.top_margin, section.bottom_margin)) == (20, 20)
    assert tuple(round(x.mm, 1) for x in (section.left_margin, section.right_margin)) == (30, 15)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert 13 <= doc.styles["Normal"].font.size.pt <= 14
    texts = [p.text for p in paragraphs(doc)]
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG" in texts
    assert "CỤM THI ĐUA CÁC TỈNH TÂY NGUYÊN VÀ DUYÊN HẢI MIỀN TRUNG" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert kind in texts
    assert any(t.startswith(subject_start) for t in texts), subject_start
    assert "Nơi nhận:" in texts
    # Page numbers at the top from page 2.
    assert section.different_first_page_header_footer
    assert [e.text.strip() for e in section.header._element.iter(qn("w:instrText"))] == ["PAGE"]
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))


# -- the year-end report -------------------------------------------------------------------


def test_year_report_docx_follows_decree_30_and_shows_the_frozen_ranking(year_2022, tmp_path):
    job = run(year_2022, ReportKind.YEAR_REPORT)
    files = files_of(job)
    assert set(files) == {"bao-cao-tong-ket-2022.docx", "bao-cao-tong-ket-2022.pdf"}
    doc = Document(io.BytesIO(files["bao-cao-tong-ket-2022.docx"]))
    assert_decree30_layout(
        doc, kind="BÁO CÁO", subject_start="Tổng kết thực hiện giao ước thi đua năm 2022"
    )
    texts = [p.text for p in paragraphs(doc)]
    assert "Số: ……/BC-CTĐ" in texts
    assert "Buôn Ma Thuột, ngày 30 tháng 3 năm 2023" in texts
    # Overview with the cluster's reported totals (the seed: 87.183,5 km², > 12 million, 122, 1.544).
    overview = table_with_header(doc, "TT", "Tỉnh, thành phố")
    assert overview.rows[0].cells[3].text == "Diện tích (km²)"
    reported = [c.text for c in overview.rows[-1].cells]
    assert reported[0] == "Theo báo cáo của Cụm"
    assert reported[3:] == ["87.183,5", "trên 12.000.000", "122", "1.544"]
    # The members' own published figures summed (district units of all ten: 122).
    assert [c.text for c in overview.rows[-2].cells][5] == "122"
    # The narrative the coordinator wrote.
    assert "1. Công tác chỉ đạo, tổ chức phong trào thi đua" in texts
    assert "Tổ chức sơ kết giữa năm tại Quy Nhơn." in texts

    # The ranking table holds the frozen snapshot's values, in its order.
    snapshot = RankingSnapshot.objects.get(cluster_year=year_2022)
    table = table_with_header(doc, "Xếp hạng", "Tỉnh, thành phố")
    header = [c.text for c in table.rows[0].cells]
    assert header[2] == "Tổng điểm tự chấm" and header[6] == "Tổng điểm thẩm định"
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    expected = [
        [str(r["rank"]), r["province"], _vn(r["self_total"]), _vn(r["verified_total"])]
        for r in snapshot.output["rows"]
    ]
    assert [[r[0], r[1], r[2], r[6]] for r in rows] == expected
    assert rows[0][1] == "Bình Định" and rows[1][1] == "Đắk Nông"
    # The chart in the DOCX: totals with text bars, longest first.
    chart = table_with_header(doc, "Xếp hạng", "Tỉnh, thành phố")
    charts = [t for t in doc.tables if t.rows[0].cells[-1].text == "Biểu đồ"]
    assert len(charts) == 1 and chart is not charts[0]
    bars = [row.cells[-1].text for row in charts[0].rows[1:]]
    assert set("".join(bars)) == {"█"} and len(bars[0]) >= len(bars[-1])
    # The vote and the honours proposed; next year's leadership and pledge.
    assert any("Cờ thi đua của Chính phủ: Tỉnh Bình Định, Tỉnh Đắk Nông" in t for t in texts)
    assert any(
        "Bằng khen của Thủ tướng Chính phủ: Tỉnh Quảng Ngãi, Tỉnh Đắk Lắk" in t for t in texts
    )
    # The seed decided 2023's leadership: its rows are shown with their basis.
    assert any(t.startswith("- Cụm trưởng năm 2023: Tỉnh Bình Định (Hội nghị") for t in texts)
    assert any(t.startswith("- Cụm phó năm 2023: Tỉnh Lâm Đồng (Hội nghị") for t in texts)
    assert "VI. KÝ KẾT GIAO ƯỚC THI ĐUA NĂM 2023" in texts
    # Not a draft: no watermark.
    assert "DỰ THẢO" not in doc.sections[0].header._element.xml


def _vn(text: str) -> str:
    from clusters.documents.decree30 import vn_number

    return vn_number(Decimal(text), 2)


def test_year_report_pdf_keeps_vietnamese_and_embeds_fonts(year_2022, tmp_path):
    job = run(year_2022, ReportKind.YEAR_REPORT)
    pdf = files_of(job)["bao-cao-tong-ket-2022.pdf"]
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Tổng kết thực hiện giao ước thi đua năm 2022",
        "Buôn Ma Thuột, ngày 30 tháng 3 năm 2023",
        "ĐẶC ĐIỂM TÌNH HÌNH",
        "Đắk Nông",
        "Quảng Ngãi",
        "Khánh Hòa",
        "Nơi nhận:",
    ):
        assert phrase in text, phrase
    pages = pdf_pages(pdf, tmp_path)
    assert pages >= 2
    # Page numbers from page 2: page 2 starts with its number.
    assert text.split("\f")[1].strip().startswith("2")
    if PDFFONTS:
        path = tmp_path / "fonts.pdf"
        path.write_bytes(pdf)
        fonts = subprocess.run(  # noqa: S603
            [PDFFONTS, str(path)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # emb = yes
        assert any("Serif" in line or "Times" in line for line in fonts)
    # The SVG chart is drawn: its bars' labels and totals are text in the PDF.
    snapshot = RankingSnapshot.objects.get(cluster_year=year_2022)
    assert _vn(snapshot.output["rows"][0]["verified_total"]) in text


def test_a_report_names_the_provinces_of_its_year(year_2022, tmp_path):
    """2022 is reported with its ten provinces, though Kon Tum and Bình Định merged in 2025."""
    job = run(year_2022, ReportKind.YEAR_REPORT)
    texts = "\n".join(docx_texts(files_of(job)["bao-cao-tong-ket-2022.docx"]))
    for name in SEED_NAMES:
        assert name in texts
    assert "Đà Nẵng" not in texts


def test_draft_without_frozen_ranking_is_watermarked_and_ranked_live(
    seed_year_2022, seed_year_2023, tmp_path
):
    score_year(seed_year_2022)
    with pytest.raises(Exception, match="Chưa chốt kết quả xếp hạng"):
        report_request(
            cluster_year=seed_year_2022,
            kind=ReportKind.YEAR_REPORT,
            actor=User.objects.get(username="admin"),
        )
    job = run(seed_year_2022, ReportKind.YEAR_REPORT, draft=True)
    files = files_of(job)
    assert set(files) == {"bao-cao-tong-ket-2022-du-thao.docx", "bao-cao-tong-ket-2022-du-thao.pdf"}
    doc = Document(io.BytesIO(files["bao-cao-tong-ket-2022-du-thao.docx"]))
    texts = [p.text for p in paragraphs(doc)]
    assert any(t.startswith("DỰ THẢO – kết quả xếp hạng chưa được chốt") for t in texts)
    # The watermark on every page: a VML text shape in both page headers.
    for header in (doc.sections[0].header, doc.sections[0].first_page_header):
        assert 'string="DỰ THẢO"' in header._element.xml
    assert any("tạm tính" in t for t in texts)
    # The live ranking is the one the ranking service computes now.
    live = compute_ranking(ranking_inputs(cluster_year=seed_year_2022), "mean")
    table = table_with_header(doc, "Xếp hạng", "Tỉnh, thành phố")
    assert [row.cells[1].text for row in table.rows[1:]] == [r["province"] for r in live["rows"]]
    text = pdf_text(files["bao-cao-tong-ket-2022-du-thao.pdf"], tmp_path)
    assert text.count("DỰ THẢO") >= pdf_pages(files["bao-cao-tong-ket-2022-du-thao.pdf"], tmp_path)
    assert "Chưa tổ chức bỏ phiếu" in text


def test_draft_falls_back_to_self_totals_without_the_ranking_service(
    seed_year_2022, seed_year_2023, monkeypatch
):
    import builtins

    score_year(seed_year_2022, peers=0)
    real_import = builtins.__import__

    def no_ranking(name, *args, **kwargs):
        # ``from ..services.ranking import compute_ranking`` asks for "services.ranking".
        if name.endswith("services.ranking"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ranking)
    facts = year_report.year_facts(cluster_year=seed_year_2022, draft=True)
    monkeypatch.undo()
    assert facts.ranking.source == year_report.SELF_ONLY
    doc = year_report.year_report_document(facts)
    texts = docx_texts(doc.to_bytes())
    assert any("xếp hạng tạm theo tổng điểm tự chấm" in t for t in texts)
    totals = [row.verified_total for row in facts.ranking.rows]
    assert totals == sorted(totals, reverse=True)


# -- minutes and submission ------------------------------------------------------------------


def test_minutes_are_built_as_docx_and_pdf_by_the_pipeline(year_2022, tmp_path, monkeypatch):
    monkeypatch.setitem(
        reports.BUILDERS, ReportKind.MINUTES, "clusters.documents.minutes_report.build"
    )
    job = run(year_2022, ReportKind.MINUTES)
    files = files_of(job)
    assert set(files) == {"bien-ban-hop-binh-xet-2022.docx", "bien-ban-hop-binh-xet-2022.pdf"}
    doc = Document(io.BytesIO(files["bien-ban-hop-binh-xet-2022.docx"]))
    assert_decree30_layout(doc, kind="BIÊN BẢN", subject_start="Họp bình xét thi đua năm 2022")
    text = pdf_text(files["bien-ban-hop-binh-xet-2022.pdf"], tmp_path)
    assert "BIÊN BẢN" in text and "Cờ thi đua của Chính phủ" in text
    # The PDF is the same document: every heading of the DOCX is in it.
    for heading in (p.text for p in paragraphs(doc) if p.style.name == "Official Heading"):
        assert heading.split("\n")[0][:30] in text.replace("\n", " "), heading


def test_minutes_draft_is_watermarked(year_2022, tmp_path, monkeypatch):
    monkeypatch.setitem(
        reports.BUILDERS, ReportKind.MINUTES, "clusters.documents.minutes_report.build"
    )
    job = run(year_2022, ReportKind.MINUTES, draft=True)
    files = files_of(job)
    docx = files["bien-ban-hop-binh-xet-2022-du-thao.docx"]
    header = Document(io.BytesIO(docx)).sections[0].header._element.xml
    assert 'string="DỰ THẢO"' in header
    assert "DỰ THẢO" in pdf_text(files["bien-ban-hop-binh-xet-2022-du-thao.pdf"], tmp_path)


def test_submission_lists_the_honours_for_the_central_council(year_2022, tmp_path):
    job = run(year_2022, ReportKind.SUBMISSION)
    files = files_of(job)
    name = "to-trinh-de-nghi-khen-thuong-2022"
    assert set(files) == {f"{name}.docx", f"{name}.pdf"}
    doc = Document(io.BytesIO(files[f"{name}.docx"]))
    assert_decree30_layout(doc, kind="TỜ TRÌNH", subject_start="Về việc đề nghị tặng Cờ thi đua")
    texts = [p.text for p in paragraphs(doc)]
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng Trung ương." in texts
    # Held in 2023: the 2003 law and Decree 91/2017 applied (Law 06/2022 from 01/01/2024).
    assert any("Nghị định số 91/2017/NĐ-CP" in t for t in texts)
    assert not any("06/2022/QH15" in t for t in texts)
    # The flag goes to the units that led the cluster, and the minutes name the cluster.
    assert any(
        t.startswith("- Tỉnh Bình Định, đã hoàn thành xuất sắc toàn diện nhiệm vụ, dẫn đầu")
        and "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung năm 2022" in t
        for t in texts
    )
    listing = table_with_header(doc, "TT", "Tên tập thể")
    rows = [[c.text for c in row.cells] for row in listing.rows[1:]]
    proposed = [r[1] for r in rows if r[0].isdigit()]
    assert proposed == ["Tỉnh Bình Định", "Tỉnh Đắk Nông", "Tỉnh Quảng Ngãi", "Tỉnh Đắk Lắk"]
    assert [r[4] for r in rows if r[0].isdigit()] == ["1", "2", "3", "4"]
    assert rows[0][5] == "9/10"
    text = pdf_text(files[f"{name}.pdf"], tmp_path)
    assert "TỜ TRÌNH" in text and "Kính gửi: Hội đồng Thi đua - Khen thưởng Trung ương" in text


def test_submission_cites_the_law_in_force_on_the_conference_day():
    assert "06/2022/QH15" in submission.legal_bases(dt.date(2024, 3, 1))[0]
    assert "98/2023/NĐ-CP" in submission.legal_bases(dt.date(2025, 6, 30))[1]
    assert "152/2025/NĐ-CP" in submission.legal_bases(dt.date(2026, 3, 1))[1]
    assert "91/2017/NĐ-CP" in submission.legal_bases(dt.date(2023, 3, 30))[1]


def test_official_submission_needs_the_vote(seed_year_2022, seed_year_2023):
    score_year(seed_year_2022)
    freeze(seed_year_2022)
    actor = User.objects.get(username="admin")
    job = report_request(cluster_year=seed_year_2022, kind=ReportKind.SUBMISSION, actor=actor)
    assert report_build(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert "bỏ phiếu" in job.error


# -- the scoring workbook ------------------------------------------------------------------


class Sheets:
    """Evaluates the workbook's formulas the way Excel would (only the functions it uses)."""

    CELL = r"(?:'((?:[^']|'')+)'|([A-Za-z0-9_]+))!\$?([A-Z]+)\$?(\d+)"

    def __init__(self, wb):
        self.wb = wb

    def value(self, sheet: str, ref: str):
        cell = self.wb[sheet][ref.replace("$", "")]
        if isinstance(cell.value, str) and cell.value.startswith("="):
            return self.formula(sheet, cell.value[1:])
        return Decimal(str(cell.value)) if isinstance(cell.value, int | float) else cell.value

    def _range(self, sheet: str, ref: str) -> list[Decimal]:
        start, _, end = ref.replace("$", "").partition(":")
        ws = self.wb[sheet]
        if not end:
            end = start
        cells = ws[f"{start}:{end}"]
        values = []
        for row in cells:
            for cell in row:
                value = self.value(sheet, cell.coordinate)
                if isinstance(value, Decimal):
                    values.append(value)
        return values

    def formula(self, sheet: str, text: str):
        match = re.fullmatch(self.CELL, text)
        if match:
            name = (match.group(1) or match.group(2)).replace("''", "'")
            return self.value(name, f"{match.group(3)}{match.group(4)}")
        match = re.fullmatch(r"ROUND\((.*),2\)", text)
        if match:
            return self.formula(sheet, match.group(1)).quantize(Decimal("0.01"))
        match = re.fullmatch(r"SUM\(([^()]*)\)", text)
        if match:
            return sum(
                (v for part in match.group(1).split(",") for v in self._range(sheet, part)),
                Decimal(0),
            )
        match = re.fullmatch(r"(MIN|MAX)\((SUM\([^()]*\)),(-?)\$?([A-Z]+)\$?(\d+)\)", text)
        if match:
            total = self.formula(sheet, match.group(2))
            cap = self.value(sheet, f"{match.group(4)}{match.group(5)}")
            cap = -cap if match.group(3) else cap
            return min(total, cap) if match.group(1) == "MIN" else max(total, cap)
        match = re.fullmatch(r"RANK\(([A-Z]+\d+),\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+),0\)", text)
        if match:
            mine = self.value(sheet, match.group(1))
            others = self._range(
                sheet, f"{match.group(2)}{match.group(3)}:{match.group(4)}{match.group(5)}"
            )
            return 1 + sum(1 for other in others if other > mine)
        if re.fullmatch(r"[A-Z]+\d+(\+[A-Z]+\d+)+", text):
            return sum((self.value(sheet, ref) for ref in text.split("+")), Decimal(0))
        raise AssertionError(f"unexpected formula: {text}")


def test_workbook_has_a_sheet_per_member_and_formulas_giving_the_frozen_totals(year_2022):
    job = run(year_2022, ReportKind.WORKBOOK)
    files = files_of(job)
    assert set(files) == {"bang-tong-hop-diem-2022.xlsx"}
    wb = openpyxl.load_workbook(io.BytesIO(files["bang-tong-hop-diem-2022.xlsx"]))
    snapshot = RankingSnapshot.objects.get(cluster_year=year_2022)
    rows = snapshot.output["rows"]
    assert wb.sheetnames == ["Tổng hợp", *[r["province"] for r in rows]]
    sheets = Sheets(wb)

    # A member's sheet: criteria with max, target, achieved, self and verified as numbers.
    first = wb[rows[0]["province"]]
    header = [c.value for c in first[5]]
    assert header[:2] == ["Mã", "Tiêu chí"] and header[4:10] == [
        "Điểm tối đa",
        "Chỉ tiêu",
        "Kết quả đạt được",
        "Đánh giá chỉ tiêu",
        "Điểm tự chấm",
        "Điểm thẩm định",
    ]
    codes = {first.cell(row=r, column=1).value: r for r in range(6, first.max_row + 1)}
    grdp = codes["1.1"]
    assert isinstance(first.cell(row=grdp, column=5).value, int | float)  # max points
    assert first.cell(row=grdp, column=6).value == pytest.approx(6.5)  # target
    assert isinstance(first.cell(row=grdp, column=7).value, int | float)  # achieved
    assert isinstance(first.cell(row=grdp, column=9).value, int | float)
    assert isinstance(first.cell(row=grdp, column=10).value, int | float)

    # The summary: formulas into the member sheets, and what they compute is the frozen ranking.
    summary = wb["Tổng hợp"]
    for offset, row in enumerate(rows):
        line = 6 + offset
        assert summary.cell(row=line, column=2).value == row["province"]
        for column in (3, 4, 5, 6, 7):
            assert str(summary.cell(row=line, column=column).value).startswith("='")
        assert sheets.value("Tổng hợp", f"C{line}") == Decimal(row["self_total"])
        assert sheets.value("Tổng hợp", f"D{line}") == Decimal(row["content"])
        assert sheets.value("Tổng hợp", f"E{line}") == Decimal(row["bonus"])
        assert sheets.value("Tổng hợp", f"F{line}") == Decimal(row["penalty"])
        assert sheets.value("Tổng hợp", f"G{line}") == Decimal(row["verified_total"])
        assert sheets.value("Tổng hợp", f"H{line}") == row["rank"]
    # Distinct totals: the rank is Excel's RANK.
    assert summary["H6"].value.startswith("=RANK(G6,$G$6:$G$15")
    # A member's totals are SUM formulas over its own criteria.
    total_rows = [
        r
        for r in range(6, first.max_row + 1)
        if first.cell(row=r, column=2).value == "Điểm nội dung"
    ]
    assert first.cell(row=total_rows[0], column=10).value.startswith("=ROUND(SUM(J")


def test_workbook_keeps_tie_broken_ranks_as_values(seed_year_2022, seed_year_2023):
    """Equal totals told apart by the year's tie rule: RANK would give both one rank."""
    criteria = score_year(seed_year_2022, peers=0)
    ScoringSettings.objects.create(cluster_year=seed_year_2022, tie_rules=[["group_points", "I"]])
    members = {m.province.name: m.province_id for m in seed_year_2022.memberships.all()}
    best = Result.objects.filter(cluster_year=seed_year_2022, province_id=members["Bình Định"])
    # Đắk Nông: the same total as Bình Định, but 5 points moved from group I to group II.
    for result in best:
        score = result.self_score
        if result.criterion_id == criteria["1.1"].pk:
            score -= 5
        elif result.criterion_id == criteria["2.1"].pk:
            score += 5
        Result.objects.filter(
            province_id=members["Đắk Nông"], criterion_id=result.criterion_id
        ).update(self_score=score)
    snapshot = freeze(seed_year_2022)
    top = snapshot.output["rows"][:2]
    assert top[0]["verified_total"] == top[1]["verified_total"]
    assert [r["rank"] for r in top] == [1, 2]

    wb = openpyxl.load_workbook(
        io.BytesIO(
            files_of(run(seed_year_2022, ReportKind.WORKBOOK))["bang-tong-hop-diem-2022.xlsx"]
        )
    )
    summary = wb["Tổng hợp"]
    sheets = Sheets(wb)
    ranks = [summary.cell(row=6 + i, column=8).value for i in range(10)]
    assert ranks == [r["rank"] for r in snapshot.output["rows"]]  # values, not formulas
    assert sheets.value("Tổng hợp", "G6") == sheets.value("Tổng hợp", "G7")
    notes = [summary.cell(row=r, column=2).value or "" for r in range(17, 21)]
    assert any("quy tắc xếp hạng khi bằng điểm" in n for n in notes)
    assert workbook.competition_ranks([Decimal(990), Decimal(980), Decimal(980)]) == [1, 2, 2]


def test_sum_ranges_span_group_headings_but_not_other_kinds():
    rows = [(6, "content"), (7, "content"), (9, "content"), (11, "bonus"), (12, "content")]
    assert workbook._ranges(rows, "content") == "{c}6:{c}9,{c}12"
    assert workbook._ranges(rows, "bonus") == "{c}11"
    assert workbook._ranges(rows, "penalty") == ""


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_workbook_recalculates_to_the_same_totals_in_libreoffice(year_2022, tmp_path):
    job = run(year_2022, ReportKind.WORKBOOK)
    source = tmp_path / "bang.xlsx"
    source.write_bytes(files_of(job)["bang-tong-hop-diem-2022.xlsx"])
    out = tmp_path / "out"
    subprocess.run(  # noqa: S603
        [
            OFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    computed = openpyxl.load_workbook(out / "bang.xlsx", data_only=True)["Tổng hợp"]
    rows = RankingSnapshot.objects.get(cluster_year=year_2022).output["rows"]
    for offset, row in enumerate(rows):
        line = 6 + offset
        assert Decimal(str(computed.cell(row=line, column=7).value)).quantize(
            Decimal("0.01")
        ) == Decimal(row["verified_total"])
        assert Decimal(str(computed.cell(row=line, column=3).value)).quantize(
            Decimal("0.01")
        ) == Decimal(row["self_total"])
        assert computed.cell(row=line, column=8).value == row["rank"]


# -- the content model, progress, retries, scale ----------------------------------------------


def test_the_pdf_is_rendered_from_the_same_blocks_as_the_docx():
    with capture_documents() as documents:
        doc = OfficialDocument(
            parent_agency="Hội đồng Thi đua - Khen thưởng Trung ương",
            issuer="Cụm thi đua thử",
            number="……/BC-CTĐ",
            kind="Báo cáo",
        )
        doc.heading("I. MỤC MỘT")
        doc.paragraph("Nội dung có dấu: Đắk Lắk, Quảng Ngãi.")
    assert documents == [doc]
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph"]
    html = doc.to_html()
    assert "I. MỤC MỘT" in html and "Đắk Lắk, Quảng Ngãi" in html
    assert "@top-center" in html and "@page :first" in html


def test_progress_moves_and_a_rebuilt_job_replaces_its_files(year_2022, monkeypatch):
    seen = []
    real = reports._progress_for

    def spy(job_id):
        inner = real(job_id)

        def progress(percent, step):
            seen.append(percent)
            inner(percent, step)

        return progress

    monkeypatch.setattr(reports, "_progress_for", spy)
    job = run(year_2022, ReportKind.YEAR_REPORT)
    assert len(seen) >= 4 and seen == sorted(seen) and seen[-1] >= 90
    before = {f.filename: f.sha256 for f in job.files.all()}
    # The message is delivered again (acks_late): the job is rebuilt, its files replaced.
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    assert report_build(job.pk) == JobStatus.SUCCEEDED
    assert ReportFile.objects.filter(job=job).count() == 2
    assert set(before) == {f.filename for f in job.files.all()}


def test_reading_a_year_takes_the_same_queries_whatever_its_size(seed_year_2022, seed_year_2023):
    """Six criteria or sixty, the facts are read in one fixed set of queries (no N+1)."""
    score_year(seed_year_2022, rows=big_table(60))
    freeze(seed_year_2022)
    score_year(seed_year_2023)
    freeze(seed_year_2023)
    ClusterYear.objects.create(cluster=seed_year_2023.cluster, year=2024)  # as 2022 has 2023
    counts = []
    for cluster_year in (seed_year_2022, seed_year_2023):
        with CaptureQueriesContext(connection) as queries:
            year_report.year_facts(cluster_year=cluster_year, draft=False)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 25


def test_four_documents_of_a_ten_member_sixty_criterion_year_in_under_five_seconds(
    seed_year_2022, seed_year_2023, monkeypatch, tmp_path
):
    monkeypatch.setitem(
        reports.BUILDERS, ReportKind.MINUTES, "clusters.documents.minutes_report.build"
    )
    score_year(seed_year_2022, rows=big_table(60))
    vote(seed_year_2022, freeze(seed_year_2022))
    conclude(seed_year_2022)
    assert seed_year_2022.memberships.count() == 10
    # A running worker has loaded WeasyPrint and its fonts at its first job (a second or
    # two, once per process): the budget is for building, so warm up the same way.
    OfficialDocument(parent_agency="A", issuer="B", number="1", kind="Đắk Lắk").to_pdf_bytes()
    timings = {}
    started = time.perf_counter()
    for kind in ReportKind.values:
        kind_start = time.perf_counter()
        job = run(seed_year_2022, kind)
        timings[kind] = time.perf_counter() - kind_start
        assert job.files.exists()
    total = time.perf_counter() - started
    print("timings:", {k: round(v, 2) for k, v in timings.items()}, "total", round(total, 2))
    assert total < 5, timings
    wb = openpyxl.load_workbook(
        io.BytesIO(
            files_of(ReportJob.objects.filter(kind=ReportKind.WORKBOOK).latest("pk"))[
                "bang-tong-hop-diem-2022.xlsx"
            ]
        )
    )
    assert len(wb.sheetnames) == 11


def test_every_role_that_sees_the_year_downloads_its_files(year_2022, client, personas):
    job = run(year_2022, ReportKind.YEAR_REPORT)
    files = list(job.files.all())
    page = reverse("clusters:reports", args=[year_2022.cluster.code, 2022])
    expected = {
        "coordinator": 200,
        "officer": 200,
        "reviewer": 200,
        "observer": 200,
        "admin": 200,
        "outsider": 404,
    }
    for persona, status in expected.items():
        client.force_login(personas[persona])
        if status == 200:
            assert "bao-cao-tong-ket-2022.pdf" in client.get(page).content.decode(), persona
        for stored in files:
            response = client.get(reverse("clusters:report_file", args=[stored.pk]))
            assert response.status_code == status, (persona, stored.filename)
            if status == 200:
                body = b"".join(response.streaming_content)
                assert hashlib.sha256(body).hexdigest() == stored.sha256
                assert stored.filename in response["Content-Disposition"]
                assert response["Content-Type"] == stored.content_type
    client.logout()
    response = client.get(reverse("clusters:report_file", args=[files[0].pk]))
    assert response.status_code == 302


def test_drafts_of_a_year_without_any_data_still_build(seed_year_2023):
    """2023 of the light seed has members and leadership only: no table, no scores, no vote."""
    built = {}
    for kind in (ReportKind.YEAR_REPORT, ReportKind.SUBMISSION, ReportKind.WORKBOOK):
        built |= files_of(run(seed_year_2023, kind, draft=True))
    assert set(built) == {
        "bao-cao-tong-ket-2023-du-thao.docx",
        "bao-cao-tong-ket-2023-du-thao.pdf",
        "to-trinh-de-nghi-khen-thuong-2023-du-thao.docx",
        "to-trinh-de-nghi-khen-thuong-2023-du-thao.pdf",
        "bang-tong-hop-diem-2023-du-thao.xlsx",
    }
    texts = docx_texts(built["bao-cao-tong-ket-2023-du-thao.docx"])
    assert any("chưa soạn nội dung" in t for t in texts)
    assert any("Chưa tổ chức bỏ phiếu" in t for t in texts)
