"""The minutes of the review meeting (biên bản họp bình xét) as DOCX."""

import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.oxml.ns import qn

from clusters.documents.minutes import build, minutes_docx
from clusters.selectors.ballot import BallotNotFinal
from clusters.services.ballot import ballot_cast, ballot_close
from clusters.services.leadership import leadership_propose

from .test_ballot import (
    RANKING,
    candidates,
    cast,
    frozen_ranking,
    officer,
    question,
    seed_vote,
)
from .test_ballot import ballot as ballot
from .test_ballot import year as year

pytestmark = pytest.mark.django_db
CLUSTER = "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung"


def _texts(data: bytes) -> list[str]:
    """Every paragraph of the body, those inside tables included, in order."""
    body = Document(io.BytesIO(data)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _close(ballot, coordinator):
    seed_vote(ballot)
    ballot_close(ballot=ballot, actor=coordinator)


def test_minutes_of_a_counted_vote(year, ballot, coordinator_binh_dinh):
    frozen_ranking(year, RANKING)
    _close(ballot, coordinator_binh_dinh)
    leadership_propose(
        cluster_year=year,
        actor=coordinator_binh_dinh,
        leader=year.memberships.get(province__name="Lâm Đồng").province,
        deputy=year.memberships.get(province__name="Đắk Nông").province,
    )
    data = minutes_docx(ballot=ballot)
    texts = _texts(data)
    text = "\n".join(texts)
    # Header, kind, subject, place and date (Decree 30).
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BIÊN BẢN" in text
    assert f"Họp bình xét thi đua năm 2023 của {CLUSTER}" in text
    assert "Quy Nhơn, ngày 28 tháng 3 năm 2024" in text
    assert "……/BB-CTĐ" in text
    # Members present and absent, all listed.
    assert "Chủ trì: đại diện Tỉnh Bình Định – Cụm trưởng năm 2023." in text
    assert "Thư ký: đại diện Tỉnh Lâm Đồng – Cụm phó năm 2023." in text
    assert "có mặt, tham gia bỏ phiếu: 8; vắng mặt: 2" in text
    assert texts.count("Có mặt") == 8 and texts.count("Vắng mặt") == 2
    # The method.
    assert "ít nhất 7/10 tỉnh thành viên" in text and "(tỷ lệ 66,7%)" in text
    assert "trên 50% số phiếu bầu" in text
    assert "trung bình cộng" in text
    # The frozen ranking.
    assert "952,50" in texts and "Điểm thẩm định" in texts
    assert "ab" * 32 in text
    # The tally per question, with counts.
    assert "số phiếu bầu: 8 (đủ số lượng theo quy định, cần ít nhất 7)" in text
    assert "a) Cờ thi đua của Chính phủ (2 suất):" in text
    assert "b) Bằng khen của Thủ tướng Chính phủ (2 suất):" in text
    assert "Số phiếu tối thiểu để được suy tôn: 5." in text
    row = texts.index("Tỉnh Bình Định", texts.index("a) Cờ thi đua của Chính phủ (2 suất):"))
    assert texts[row + 1 : row + 4] == ["6", "75", "Được suy tôn"]
    # The honours proposed name the cluster the unit led (letter 5007/BNV-TĐKT).
    assert (
        f"- Tỉnh Bình Định, đơn vị dẫn đầu phong trào thi đua năm 2023 của {CLUSTER} "
        "(đạt 6/8 phiếu bầu)."
    ) in text
    assert (
        "- Tỉnh Quảng Ngãi, đơn vị có thành tích xuất sắc trong phong trào thi đua năm 2023 "
        f"của {CLUSTER} (đạt 6/8 phiếu bầu)."
    ) in text
    assert "Thủ tướng Chính phủ tặng Cờ thi đua của Chính phủ cho:" in text
    # Next year's leadership, signatures and recipients.
    assert "Tỉnh Lâm Đồng làm Cụm trưởng, Tỉnh Đắk Nông làm Cụm phó năm 2024." in text
    assert "CHỦ TRÌ" in text and "THƯ KÝ" in text
    assert "Nơi nhận:" in text and "- Ban Thi đua - Khen thưởng Trung ương;" in text
    section = Document(io.BytesIO(data)).sections[0]
    assert (round(section.page_width.mm), round(section.left_margin.mm)) == (210, 30)


def test_minutes_of_a_vote_without_quorum(ballot, coordinator_binh_dinh):
    cast(ballot, "Đắk Lắk", flag=["Bình Định"])
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    text = "\n".join(_texts(minutes_docx(ballot=ballot)))
    assert "không đủ số lượng theo quy định" in text
    assert "phiếu không được kiểm" in text
    assert "Không có tỉnh, thành phố nào được suy tôn." in text
    assert "Kết quả xếp hạng chưa được chốt" in text


def test_no_minutes_before_the_close(ballot):
    seed_vote(ballot)
    with pytest.raises(BallotNotFinal):
        minutes_docx(ballot=ballot)


def _runoff(ballot, coordinator):
    for name in ("Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên"):
        cast(ballot, name, flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi", "Đắk Lắk"])
    for name in ("Khánh Hòa", "Quảng Nam", "Lâm Đồng", "Bình Định"):
        cast(ballot, name, flag=["Bình Định", "Gia Lai"], cert=["Quảng Ngãi", "Đắk Lắk"])
    cast(ballot, "Quảng Ngãi", flag=["Đắk Nông", "Gia Lai"], cert=["Quảng Ngãi"])
    ballot_close(ballot=ballot, actor=coordinator)
    return ballot.runoffs.get()


def test_minutes_wait_for_the_runoff_and_then_show_every_round(ballot, coordinator_binh_dinh):
    runoff = _runoff(ballot, coordinator_binh_dinh)
    with pytest.raises(BallotNotFinal):
        minutes_docx(ballot=ballot)
    tied = candidates(runoff, "GOVERNMENT_FLAG")
    for name in ("Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên", "Khánh Hòa", "Quảng Nam", "Lâm Đồng"):
        ballot_cast(
            ballot=runoff,
            actor=officer(name),
            choices={question(runoff, "GOVERNMENT_FLAG").pk: [tied["Đắk Nông"]]},
        )
    ballot_close(ballot=runoff, actor=coordinator_binh_dinh)
    text = "\n".join(_texts(minutes_docx(ballot=runoff)))
    assert "Vòng 1" in text and "Vòng 2 (bỏ phiếu lại)" in text
    assert "Bỏ phiếu lại" in text
    assert "- Tỉnh Đắk Nông, đơn vị dẫn đầu" in text and "(đạt 7/7 phiếu bầu, vòng 2)" in text


def test_minutes_take_a_fixed_number_of_queries(year, ballot, coordinator_binh_dinh):
    frozen_ranking(year, RANKING)
    runoff = _runoff(ballot, coordinator_binh_dinh)
    ballot_cast(
        ballot=runoff,
        actor=officer("Đắk Lắk"),
        choices={question(runoff, "GOVERNMENT_FLAG").pk: []},
    )
    # Make the run-off final quickly: nobody else votes, so it closes without quorum.
    ballot_close(ballot=runoff, actor=coordinator_binh_dinh)
    with CaptureQueriesContext(connection) as two_rounds:
        minutes_docx(ballot=ballot)
    assert len(two_rounds) == 9


def test_one_round_uses_the_same_queries(year, ballot, coordinator_binh_dinh):
    frozen_ranking(year, RANKING)
    _close(ballot, coordinator_binh_dinh)
    with CaptureQueriesContext(connection) as one_round:
        minutes_docx(ballot=ballot)
    assert len(one_round) == 9


def test_the_report_pipeline_builds_the_minutes(year, ballot, coordinator_binh_dinh):
    pytest.importorskip("clusters.services.reports")
    _close(ballot, coordinator_binh_dinh)
    steps = []
    files = build(SimpleNamespace(cluster_year=year), lambda p, s: steps.append((p, s)))
    assert [f.filename for f in files] == ["bien-ban-hop-binh-xet-2023.docx"]
    assert files[0].content[:2] == b"PK"
    assert steps and steps[-1][0] == 90


def test_the_report_pipeline_refuses_without_a_final_vote(year, ballot):
    pytest.importorskip("clusters.services.reports")
    with pytest.raises(BallotNotFinal):
        build(SimpleNamespace(cluster_year=year), lambda p, s: None)
