"""The signed pledge of a cluster year as a DOCX (giao ước thi đua).

Reads the year in a fixed number of queries, whatever the number of members,
criteria or signatures, and lays it out with ``decree30.OfficialDocument``.
"""

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import translation
from docx.shared import Mm, Pt

from provinces.collation import sort_by_name
from provinces.models import ProvinceKind

from ..models import (
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionKind,
    Leadership,
    LeadershipRole,
    Membership,
    PledgeSignature,
)
from .decree30 import (
    VIETNAM_TZ,
    OfficialDocument,
    Signer,
    TableRow,
    vn_datetime,
    vn_number,
)

PARENT_AGENCY = "Hội đồng Thi đua - Khen thưởng Trung ương"
# The number is given by the leader's office when the pledge is registered:
# the document leaves it blank to be written in.
PLEDGE_NUMBER = "……/GƯ-CTĐ"
RECIPIENTS = (
    "Ban Thi đua - Khen thưởng Trung ương",
    "Các tỉnh thành viên Cụm",
    "Lưu: VT",
)
NOT_SIGNED = "Chưa ký"

# "Điều 1." (or "Điều 1:") opening a line starts an article.
ARTICLE_START = re.compile(r"^(Điều\s+\d+\s*[.:])\s*(.*)$")
CONTENT_KINDS = (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)
KIND_PREFIX = {ProvinceKind.PROVINCE: "tỉnh", ProvinceKind.MUNICIPALITY: "thành phố"}


def pledge_docx(*, cluster_year: ClusterYear) -> bytes:
    """The pledge of ``cluster_year``: articles, criteria, members and signatures, as DOCX bytes.

    Raises ``Pledge.DoesNotExist`` when the coordinator has not written the
    pledge yet. Five queries, however many members, criteria and signatures.
    """
    # Role labels and the like come out in Vietnamese whatever the request's language.
    with translation.override("vi"):
        return _build(cluster_year)


def _build(cluster_year: ClusterYear) -> bytes:
    year = ClusterYear.objects.select_related("cluster", "pledge", "criteria_table").get(
        pk=cluster_year.pk
    )
    pledge = year.pledge
    memberships = sort_by_name(
        Membership.objects.filter(cluster_year=year).select_related("province"),
        lambda m: m.province.name,
    )
    signatures = {
        signature.province_id: signature
        for signature in PledgeSignature.objects.filter(cluster_year=year).select_related(
            "signed_by"
        )
    }
    leaderships = {
        leadership.province_id: leadership
        for leadership in Leadership.objects.filter(cluster_year=year)
    }
    table = _criteria_table(year)
    criteria = (
        list(
            Criterion.objects.filter(table=table, retired=False)
            .select_related("group")
            .order_by("group__position", "group__code", "position", "code")
        )
        if table is not None
        else []
    )

    kind = f"Giao ước thi đua năm {year.year}"
    title = pledge.title.strip()
    subject = title if title.casefold() != kind.casefold() else ""
    doc = OfficialDocument(
        parent_agency=PARENT_AGENCY,
        issuer=year.cluster.name,
        number=PLEDGE_NUMBER,
        place=pledge.signing_place or _leader_place(memberships, leaderships),
        date=pledge.signing_date or _last_signing_date(signatures.values()),
        kind=kind,
        subject=subject or f"Giữa các tỉnh thành viên {year.cluster.name}",
    )
    _write_articles(doc, pledge.articles)
    if table is not None:
        _write_criteria(doc, table, criteria, year=year.year)
    _write_members(doc, memberships, signatures, leaderships)
    doc.signatures(
        [
            Signer(
                # "ĐẠI DIỆN" on a line of its own: the province then fits
                # a third of the page without breaking in the middle of its name.
                title=f"Đại diện\n{_province_label(membership.province)}",
                position=signatures[membership.province_id].signer_position,
                name=signatures[membership.province_id].signer_name,
            )
            for membership in memberships
            if membership.province_id in signatures
        ]
    )
    doc.recipients(RECIPIENTS)
    return doc.to_bytes()


def _criteria_table(year: ClusterYear) -> CriteriaTable | None:
    try:
        return year.criteria_table
    except CriteriaTable.DoesNotExist:
        return None


def _leader_place(memberships: Sequence[Membership], leaderships: dict[int, Leadership]) -> str:
    """Without a signing place, the leading province, which hosts the signing."""
    for membership in memberships:
        leadership = leaderships.get(membership.province_id)
        if leadership is not None and leadership.role == LeadershipRole.LEADER:
            return membership.province.name
    return ""


def _last_signing_date(signatures: Iterable[PledgeSignature]):
    moments = [signature.signed_at for signature in signatures]
    return max(moments).astimezone(VIETNAM_TZ).date() if moments else None


def _province_label(province) -> str:
    prefix = KIND_PREFIX.get(province.kind, "tỉnh")
    return f"{prefix} {province.name}"


def _write_articles(doc: OfficialDocument, articles: str) -> None:
    """Each "Điều N." line as a bold lead-in; the lines under it as plain paragraphs."""
    for raw in articles.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = ARTICLE_START.match(line)
        if match:
            doc.paragraph(match.group(2), lead=match.group(1))
        else:
            doc.paragraph(line)


def _write_criteria(
    doc: OfficialDocument, table: CriteriaTable, criteria: Sequence[Criterion], *, year: int
) -> None:
    doc.heading(f"BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA NĂM {year}", center=True)
    rows: list[TableRow] = []
    group_id = None
    for criterion in criteria:
        if criterion.group_id != group_id:
            group_id = criterion.group_id
            subtotal = sum(
                (
                    item.max_points
                    for item in criteria
                    if item.group_id == group_id and item.kind in CONTENT_KINDS
                ),
                Decimal(0),
            )
            rows.append(
                TableRow(
                    [
                        criterion.group.code,
                        criterion.group.title,
                        "",
                        vn_number(subtotal) if subtotal else "",
                    ],
                    bold=True,
                    keep_with_next=True,
                )
            )
        rows.append(
            TableRow(
                [criterion.code, criterion.title, criterion.unit, vn_number(criterion.max_points)]
            )
        )
    rows += [
        TableRow(["Cộng điểm nội dung", vn_number(table.content_points)], bold=True, label_span=3),
        TableRow(["Điểm thưởng tối đa", vn_number(table.bonus_cap)], bold=True, label_span=3),
        TableRow(["Tổng số điểm tối đa", vn_number(table.total_points)], bold=True, label_span=3),
    ]
    doc.table(
        ["Mã", "Nhóm, tiêu chí", "Đơn vị tính", "Điểm tối đa"],
        rows,
        widths=[Mm(16), Mm(99), Mm(27), Mm(23)],
        numeric_columns=(3,),
        center_columns=(0, 2),
    )
    doc.paragraph(
        f"Điểm trừ tối đa: {vn_number(table.penalty_cap)} điểm.", italic=True, indent=False
    )


def _write_members(
    doc: OfficialDocument,
    memberships: Sequence[Membership],
    signatures: dict[int, PledgeSignature],
    leaderships: dict[int, Leadership],
) -> None:
    doc.heading("DANH SÁCH CÁC TỈNH THÀNH VIÊN KÝ KẾT", center=True)
    rows = []
    for number, membership in enumerate(memberships, start=1):
        province = membership.province.name
        leadership = leaderships.get(membership.province_id)
        if leadership is not None:
            province = f"{province}\n({leadership.get_role_display()})"
        signature = signatures.get(membership.province_id)
        if signature is None:
            rows.append([str(number), province, NOT_SIGNED, "", ""])
            continue
        signer = signature.signer_name
        if signature.signer_position:
            signer = f"{signer}\n{signature.signer_position}"
        rows.append(
            [
                str(number),
                province,
                signer,
                signature.signed_by.display_name,
                vn_datetime(signature.signed_at),
            ]
        )
    doc.table(
        ["TT", "Tỉnh, thành phố", "Người ký", "Cán bộ thực hiện trên Cổng", "Thời điểm ký"],
        rows,
        widths=[Mm(11), Mm(34), Mm(52), Mm(38), Mm(30)],
        center_columns=(0, 4),
        font_size=Pt(12),
    )
