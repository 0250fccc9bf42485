"""Printable documents: the Decree 30 layout builder and the signed pledge (DOCX)."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from clusters.documents.decree30 import (
    MOTTO,
    NATIONAL_NAME,
    OfficialDocument,
    Signer,
    TableRow,
    vietnamese_date_line,
    vn_datetime,
    vn_number,
)
from clusters.documents.pledge import pledge_docx
from clusters.models import (
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionGroup,
    CriterionKind,
    Leadership,
    Membership,
    Pledge,
    PledgeSignature,
)
from provinces.collation import sort_by_name

UTC = dt.UTC
ARTICLES = """Điều 1. Các tỉnh thành viên thống nhất ký kết giao ước thi đua.
Điều 2. Nội dung thi đua
1. Hoàn thành các chỉ tiêu phát triển kinh tế - xã hội.
2. Đẩy mạnh cải cách hành chính.
Điều 3. Giao ước có hiệu lực kể từ ngày ký."""


# -- reading a DOCX back ---------------------------------------------------------


def _read(data: bytes):
    return Document(io.BytesIO(data))


def _paragraphs(doc):
    """Every paragraph of the body, including those inside (nested) tables, in order."""

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                seen = set()
                for row in block.rows:
                    for cell in row.cells:
                        # A merged cell is listed once per grid column. Keep the
                        # elements themselves: lxml may reuse a dropped proxy's id().
                        if cell._tc in seen:
                            continue
                        seen.add(cell._tc)
                        yield from walk(cell)
            else:
                yield block

    yield from walk(doc)


def _mm(*lengths) -> tuple[float, ...]:
    """Lengths in millimetres: DOCX stores twips, so Mm(210) reads back a hair off."""
    return tuple(round(length.mm, 1) for length in lengths)


def _texts(doc) -> list[str]:
    return [para.text for para in _paragraphs(doc)]


def _paragraph(doc, text: str):
    return next(para for para in _paragraphs(doc) if para.text == text)


def _paragraph_starting(doc, text: str):
    return next(para for para in _paragraphs(doc) if para.text.startswith(text))


# -- plain-text helpers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 3, 30), "Buôn Ma Thuột, ngày 30 tháng 3 năm 2023"),
        # Days below 10 take a leading zero; March to December never do.
        (dt.date(2023, 3, 5), "Buôn Ma Thuột, ngày 05 tháng 3 năm 2023"),
        # January and February do.
        (dt.date(2023, 2, 5), "Buôn Ma Thuột, ngày 05 tháng 02 năm 2023"),
        (dt.date(2024, 1, 31), "Buôn Ma Thuột, ngày 31 tháng 01 năm 2024"),
        (dt.date(2023, 12, 1), "Buôn Ma Thuột, ngày 01 tháng 12 năm 2023"),
        (dt.date(2023, 10, 10), "Buôn Ma Thuột, ngày 10 tháng 10 năm 2023"),
        (None, "Buôn Ma Thuột, ngày …… tháng …… năm ……"),
    ],
)
def test_vietnamese_date_line(day, expected):
    assert vietnamese_date_line("Buôn Ma Thuột", day) == expected


def test_vietnamese_date_line_without_place():
    assert vietnamese_date_line("", dt.date(2023, 3, 5)) == "Ngày 05 tháng 3 năm 2023"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("87183.50"), None, "87.183,5"),
        (Decimal("1000.00"), None, "1.000"),
        (Decimal("950"), None, "950"),
        (Decimal("12.25"), None, "12,25"),
        (Decimal("-8.00"), None, "-8"),
        (Decimal("0.00"), None, "0"),
        (12000000, None, "12.000.000"),
        (Decimal("87183.5"), 2, "87.183,50"),
        (Decimal("2.345"), 2, "2,35"),
        (0.1, None, "0,1"),
    ],
)
def test_vn_number(value, places, expected):
    assert vn_number(value, places) == expected


def test_vn_datetime_is_vietnam_local_time():
    assert vn_datetime(dt.datetime(2023, 3, 4, 20, 5, tzinfo=UTC)) == "05/03/2023 03:05"


# -- the layout builder --------------------------------------------------------------


def _report(**overrides) -> OfficialDocument:
    fields = {
        "parent_agency": "Hội đồng Thi đua - Khen thưởng Trung ương",
        "issuer": "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung",
        "number": "…/BC-CTĐ",
        "place": "Buôn Ma Thuột",
        "date": dt.date(2023, 3, 30),
        "kind": "Báo cáo",
        "subject": "Tổng kết công tác thi đua, khen thưởng năm 2022",
    }
    return OfficialDocument(**(fields | overrides))


def test_page_is_a4_portrait_with_decree_margins():
    section = _read(_report().to_bytes()).sections[0]
    assert _mm(section.page_width, section.page_height) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert _mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert _mm(section.left_margin, section.right_margin) == (30, 15)


def test_times_new_roman_for_every_script_in_black():
    doc = _read(_report().to_bytes())
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    assert str(normal.font.color.rgb) == "000000"
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    default_fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert default_fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert default_fonts.get(qn("w:asciiTheme")) is None  # a theme font would win


def test_header_title_and_body_follow_decree_30():
    document = _report()
    document.heading("I. KẾT QUẢ THỰC HIỆN")
    document.paragraph("Năm 2022, các tỉnh thành viên đã hoàn thành các chỉ tiêu.")
    doc = _read(document.to_bytes())

    header = doc.tables[0]
    assert header.rows[0].cells[0].paragraphs[0].text == "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG"
    issuer = header.rows[0].cells[0].paragraphs[1]
    assert issuer.text == "CỤM THI ĐUA CÁC TỈNH TÂY NGUYÊN VÀ DUYÊN HẢI MIỀN TRUNG"
    assert issuer.runs[0].bold
    # A short rule under the issuing body: a bottom border on an indented paragraph.
    rule = header.rows[0].cells[0].paragraphs[2]
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None
    assert rule.paragraph_format.left_indent > Mm(10)

    national, motto = header.rows[0].cells[1].paragraphs[:2]
    assert national.text == NATIONAL_NAME == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert national.runs[0].bold
    assert motto.text == MOTTO == "Độc lập - Tự do - Hạnh phúc"
    assert motto.runs[0].bold
    assert header.rows[0].cells[1].paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None

    assert header.rows[1].cells[0].paragraphs[0].text == "Số: …/BC-CTĐ"
    date_line = header.rows[1].cells[1].paragraphs[0]
    assert date_line.text == "Buôn Ma Thuột, ngày 30 tháng 3 năm 2023"
    assert all(run.italic for run in date_line.runs)
    # The header is a layout table: no borders.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}

    kind = _paragraph(doc, "BÁO CÁO")
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER and kind.runs[0].bold
    subject = _paragraph(doc, "Tổng kết công tác thi đua, khen thưởng năm 2022")
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER and subject.runs[0].bold

    body = _paragraph_starting(doc, "Năm 2022")
    fmt = body.style.paragraph_format
    assert body.style.name == "Official Body"
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert _mm(fmt.first_line_indent) == (10,)
    assert fmt.space_after >= Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5
    heading = _paragraph(doc, "I. KẾT QUẢ THỰC HIỆN")
    assert heading.runs[0].bold and heading.style.paragraph_format.keep_with_next


def test_page_numbers_from_page_two_centred_at_the_top():
    section = _read(_report().to_bytes()).sections[0]
    assert section.different_first_page_header_footer
    header = section.header
    assert not header.is_linked_to_previous
    instructions = [el.text.strip() for el in header._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText")))


def test_table_has_bold_repeated_header_and_right_aligned_numbers():
    document = _report()
    document.table(
        ["TT", "Tỉnh", "Điểm"],
        [
            ["1", "Đắk Lắk", vn_number(Decimal("987.5"))],
            TableRow(["Tổng cộng", "987,5"], bold=True, label_span=2),
        ],
        widths=[Mm(15), Mm(110), Mm(40)],
        numeric_columns=(2,),
    )
    table = _read(document.to_bytes()).tables[-1]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(cell.paragraphs[0].runs[0].bold for cell in header.cells)
    assert table.style.name == "Table Grid"
    number = table.rows[1].cells[2].paragraphs[0]
    assert number.text == "987,5" and number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert number.runs[0].font.size == Pt(13)
    total = table.rows[2]
    assert total.cells[0]._tc is total.cells[1]._tc  # "Tổng cộng" spans two columns
    assert total.cells[0].paragraphs[0].runs[0].bold


def test_table_rejects_a_row_of_the_wrong_length():
    with pytest.raises(ValueError, match="needs 3 cells"):
        _report().table(["A", "B", "C"], [["1", "2"]])


def test_signature_with_recipients_and_signature_grid():
    document = _report()
    document.signature(
        Signer(
            title="TM. Cụm thi đua",
            position="Cụm trưởng",
            name="Nguyễn Văn An",
            note="(Ký, ghi rõ họ tên)",
        ),
        recipients=["Ban Thi đua - Khen thưởng Trung ương", "Lưu: VT"],
    )
    document.signatures([Signer(title=f"Đại diện tỉnh {n}", name=f"Người ký {n}") for n in "ABCDE"])
    doc = _read(document.to_bytes())

    closing = doc.tables[-2]
    label = closing.rows[0].cells[0].paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert label.runs[0].bold and label.runs[0].italic and label.runs[0].font.size == Pt(12)
    items = [p.text for p in closing.rows[0].cells[0].paragraphs[1:]]
    assert items == ["- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT."]
    assert closing.rows[0].cells[0].paragraphs[1].runs[0].font.size == Pt(11)
    block = [p for p in closing.rows[0].cells[1].paragraphs]
    assert [p.text for p in block] == [
        "TM. CỤM THI ĐUA",
        "CỤM TRƯỞNG",
        "(Ký, ghi rõ họ tên)",
        "Nguyễn Văn An",
    ]
    assert block[0].runs[0].bold and block[2].runs[0].italic and block[3].runs[0].bold

    grid = doc.tables[-1]
    # Five signers in three columns: a full row, then two centred under it.
    assert len(grid.rows) == 2 and len(grid.columns) == 6
    second = grid.rows[1].cells
    assert second[0].text == "" and second[5].text == ""
    assert second[1]._tc is second[2]._tc and "Người ký D" in second[1].text


# -- the pledge ------------------------------------------------------------------------


@pytest.fixture
def year(seed_year_2023):
    """A new year of the seed cluster with the 2023 members and leadership, and nothing else.

    Built beside the seed years, so whatever the seed loads into 2023 (its own
    criteria, pledge and signatures) stays out of these tests.
    """
    cluster = seed_year_2023.cluster
    latest = cluster.years.aggregate(latest=Max("year"))["latest"]
    fresh = ClusterYear.objects.create(cluster=cluster, year=latest + 1)
    Membership.objects.bulk_create(
        Membership(cluster_year=fresh, province_id=membership.province_id)
        for membership in seed_year_2023.memberships.all()
    )
    Leadership.objects.bulk_create(
        Leadership(cluster_year=fresh, province_id=leadership.province_id, role=leadership.role)
        for leadership in seed_year_2023.leaderships.all()
    )
    return fresh


@pytest.fixture
def pledge(year, coordinator_binh_dinh):
    table = CriteriaTable.objects.create(cluster_year=year)
    economy = CriterionGroup.objects.create(
        table=table, code="I", title="Phát triển kinh tế", position=1
    )
    bonus = CriterionGroup.objects.create(table=table, code="II", title="Điểm thưởng", position=2)
    Criterion.objects.create(
        table=table,
        group=economy,
        code="1.1",
        title="Tốc độ tăng trưởng GRDP",
        unit="%",
        kind=CriterionKind.QUANTITATIVE,
        max_points=Decimal("600"),
        position=1,
    )
    Criterion.objects.create(
        table=table,
        group=economy,
        code="1.2",
        title="Thu ngân sách nhà nước",
        unit="tỷ đồng",
        kind=CriterionKind.QUANTITATIVE,
        max_points=Decimal("337.5"),
        position=2,
    )
    Criterion.objects.create(
        table=table,
        group=economy,
        code="1.3",
        title="Cải cách hành chính",
        kind=CriterionKind.QUALITATIVE,
        max_points=Decimal("12.5"),
        position=3,
    )
    Criterion.objects.create(
        table=table,
        group=economy,
        code="1.9",
        title="Tiêu chí đã bỏ",
        retired=True,
        kind=CriterionKind.QUALITATIVE,
        max_points=Decimal("5"),
        position=9,
    )
    Criterion.objects.create(
        table=table,
        group=bonus,
        code="2.1",
        title="Sáng kiến được Trung ương nhân rộng",
        kind=CriterionKind.BONUS,
        max_points=Decimal("50"),
        position=1,
    )
    return Pledge.objects.create(
        cluster_year=year,
        title=f"Giao ước thi đua năm {year.year}",
        articles=ARTICLES,
        signing_place="Quy Nhơn",
        signing_date=dt.date(year.year, 3, 5),
        updated_by=coordinator_binh_dinh,
    )


def _memberships(cluster_year):
    """Members in Vietnamese alphabetical order, as the document lists them."""
    return sort_by_name(
        cluster_year.memberships.select_related("province"), lambda m: m.province.name
    )


def _sign(cluster_year, memberships, signed_by, *, start=None):
    """Signs for ``memberships`` directly, an hour apart from ``start`` (1 March, 09:00)."""
    start = start or dt.datetime(cluster_year.year, 3, 1, 2, 0, tzinfo=UTC)
    for index, membership in enumerate(memberships):
        signature = PledgeSignature.objects.create(
            cluster_year=cluster_year,
            province=membership.province,
            signed_by=signed_by,
            signer_name=f"Người ký {membership.province.name}",
            signer_position="Phó Chủ tịch UBND tỉnh",
        )
        # signed_at is auto_now_add: set the moment afterwards.
        PledgeSignature.objects.filter(pk=signature.pk).update(
            signed_at=start + dt.timedelta(hours=index)
        )


def test_pledge_docx_lays_out_the_signed_pledge(pledge, year, officer_dak_lak):
    members = _memberships(year)
    assert len(members) == 10
    _sign(year, members[:3], officer_dak_lak)

    doc = _read(pledge_docx(cluster_year=year))
    texts = _texts(doc)

    section = doc.sections[0]
    assert _mm(section.page_width, section.page_height) == (210, 297)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG" in texts
    assert "CỤM THI ĐUA CÁC TỈNH TÂY NGUYÊN VÀ DUYÊN HẢI MIỀN TRUNG" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert "Số: ……/GƯ-CTĐ" in texts
    date_line = _paragraph(doc, f"Quy Nhơn, ngày 05 tháng 3 năm {year.year}")
    assert all(run.italic for run in date_line.runs)
    assert f"GIAO ƯỚC THI ĐUA NĂM {year.year}" in texts

    # Each article: "Điều N." bold, the rest of the line plain.
    article = _paragraph_starting(doc, "Điều 1.")
    assert article.text == "Điều 1. Các tỉnh thành viên thống nhất ký kết giao ước thi đua."
    assert article.runs[0].text == "Điều 1." and article.runs[0].bold
    assert not article.runs[-1].bold
    assert _paragraph_starting(doc, "Điều 2.").runs[0].bold
    assert "1. Hoàn thành các chỉ tiêu phát triển kinh tế - xã hội." in texts
    assert _paragraph_starting(doc, "Điều 3.").text.endswith("kể từ ngày ký.")

    # The criteria: groups, codes, units, points; retired rows left out; totals.
    criteria = doc.tables[1]
    rows = [[cell.text for cell in row.cells] for row in criteria.rows]
    assert rows[0] == ["Mã", "Nhóm, tiêu chí", "Đơn vị tính", "Điểm tối đa"]
    assert rows[1] == ["I", "Phát triển kinh tế", "", "950"]
    # A group's heading row stays on the page of its first criterion.
    assert criteria.rows[1].cells[0].paragraphs[0].paragraph_format.keep_with_next
    assert rows[3] == ["1.2", "Thu ngân sách nhà nước", "tỷ đồng", "337,5"]
    assert rows[4] == ["1.3", "Cải cách hành chính", "", "12,5"]
    assert "Tiêu chí đã bỏ" not in texts
    assert rows[-3][0] == "Cộng điểm nội dung" and rows[-3][-1] == "950"
    assert rows[-2][0] == "Điểm thưởng tối đa" and rows[-2][-1] == "50"
    assert rows[-1][0] == "Tổng số điểm tối đa" and rows[-1][-1] == "1.000"

    # Every member, who signed for it and when (Vietnam time); the rest unsigned.
    listing = [[cell.text for cell in row.cells] for row in doc.tables[2].rows]
    assert len(listing) == 11
    for member, row in zip(members, listing[1:], strict=True):
        assert row[1].startswith(member.province.name)
    assert listing[1][2] == f"Người ký {members[0].province.name}\nPhó Chủ tịch UBND tỉnh"
    assert listing[1][3] == officer_dak_lak.display_name
    assert listing[1][4] == f"01/03/{year.year} 09:00"
    assert listing[3][4] == f"01/03/{year.year} 11:00"
    assert [row[2] for row in listing[4:]] == ["Chưa ký"] * 7
    assert any(row[1].endswith("(Cụm trưởng)") and "Bình Định" in row[1] for row in listing)

    # The signatures grid: one block per signed member.
    for member in members[:3]:
        assert f"ĐẠI DIỆN\nTỈNH {member.province.name.upper()}" in texts
        assert f"Người ký {member.province.name}" in texts
    for member in members[3:]:
        assert f"ĐẠI DIỆN\nTỈNH {member.province.name.upper()}" not in texts
    assert "PHÓ CHỦ TỊCH UBND TỈNH" in texts

    assert "Nơi nhận:" in texts
    assert "- Ban Thi đua - Khen thưởng Trung ương;" in texts
    assert "- Các tỉnh thành viên Cụm;" in texts
    assert "- Lưu: VT." in texts

    assert section.different_first_page_header_footer
    assert [el.text.strip() for el in section.header._element.iter(qn("w:instrText"))] == ["PAGE"]


def test_pledge_date_falls_back_to_the_last_signature_in_vietnam_time(
    pledge, year, officer_dak_lak
):
    Pledge.objects.filter(pk=pledge.pk).update(signing_place="", signing_date=None)
    # 20:00 UTC on 4 March is 03:00 on 5 March in Vietnam.
    _sign(
        year,
        _memberships(year)[:2],
        officer_dak_lak,
        start=dt.datetime(year.year, 3, 4, 19, 0, tzinfo=UTC),
    )

    texts = _texts(_read(pledge_docx(cluster_year=year)))

    # Without a place, the leading province (Bình Định) hosts the signing.
    assert f"Bình Định, ngày 05 tháng 3 năm {year.year}" in texts


def test_unsigned_pledge_leaves_the_date_blank(pledge, year):
    Pledge.objects.filter(pk=pledge.pk).update(signing_date=None)

    texts = _texts(_read(pledge_docx(cluster_year=year)))

    assert "Quy Nhơn, ngày …… tháng …… năm ……" in texts
    assert not any(text.startswith("ĐẠI DIỆN") for text in texts)


def test_pledge_without_criteria_table(year, coordinator_binh_dinh):
    Pledge.objects.create(
        cluster_year=year,
        title=f"Giao ước thi đua năm {year.year}",
        articles=ARTICLES,
        updated_by=coordinator_binh_dinh,
    )

    texts = _texts(_read(pledge_docx(cluster_year=year)))

    assert "Điều 1. Các tỉnh thành viên thống nhất ký kết giao ước thi đua." in texts
    assert not any(text.startswith("BẢNG TIÊU CHÍ") for text in texts)


def test_pledge_docx_needs_a_pledge(year):
    with pytest.raises(Pledge.DoesNotExist):
        pledge_docx(cluster_year=year)


def test_pledge_docx_queries_do_not_grow_with_signatures(
    pledge, year, officer_dak_lak, django_assert_max_num_queries
):
    members = _memberships(year)
    _sign(year, members[:2], officer_dak_lak)
    with CaptureQueriesContext(connection) as few:
        pledge_docx(cluster_year=year)

    _sign(year, members[2:], officer_dak_lak)
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as all_signed:
        pledge_docx(cluster_year=year)

    assert len(all_signed) == len(few)


# -- rendering --------------------------------------------------------------------------


def test_pledge_converts_to_pdf_with_libreoffice(pledge, year, officer_dak_lak, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    _sign(year, _memberships(year), officer_dak_lak)
    source = tmp_path / "giao-uoc.docx"
    source.write_bytes(pledge_docx(cluster_year=year))

    # A profile of its own, so a running LibreOffice does not swallow the job.
    command = [
        office,
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603

    pdf = tmp_path / "giao-uoc.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(  # noqa: S603
            [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert f"GIAO ƯỚC THI ĐUA NĂM {year.year}" in text
        assert "\f" in text.rstrip("\f")  # more than one page
