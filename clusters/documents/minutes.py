"""The minutes of the review meeting (biên bản họp bình xét) as a DOCX, Decree 30 layout.

Date, place, the members present (all listed, present or absent), the method
(verification, aggregation, quorum, threshold), the frozen ranking, the
ballot's result per question with counts (every round), the honours proposed
naming the cluster each unit led (as letter 5007/BNV-TĐKT asks of council
minutes), next year's leadership proposal, signatures and "Nơi nhận".

Only for final ballots: the counts come from ``selectors.ballot``, which
refuses a ballot (or run-off) still under way. Nine queries, whatever the
number of members, rounds or candidates.
"""

from collections import OrderedDict
from collections.abc import Callable

from django.utils import timezone, translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from provinces.collation import vietnamese_key

from ..models import (
    Aggregation,
    Ballot,
    BallotStatus,
    CandidateMode,
    Honour,
    Leadership,
    LeadershipProposal,
    LeadershipRole,
    ProposalStatus,
    RankingSnapshot,
    ScoringSettings,
    VerificationMode,
)
from ..selectors.ballot import BallotResult, ballot_round_results, elected_honours
from ..services.ballot import percent_text, quorum_required
from .decree30 import (
    SIGN_HERE,
    OfficialDocument,
    Signer,
    TableRow,
    vietnamese_date_line,
    vn_number,
)

PARENT_AGENCY = "Hội đồng Thi đua - Khen thưởng Trung ương"
# The number is given when the minutes are registered: left blank to be written in.
MINUTES_NUMBER = "……/BB-CTĐ"
RECIPIENTS = (
    "Ban Thi đua - Khen thưởng Trung ương",
    "Các tỉnh thành viên Cụm",
    "Lưu: VT",
)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
LETTERS = "abcdefghik"
ROLE_LABELS = {
    LeadershipRole.LEADER: "Cụm trưởng",
    LeadershipRole.CO_LEADER: "Đồng Cụm trưởng",
    LeadershipRole.DEPUTY: "Cụm phó",
}


def minutes_docx(*, ballot: Ballot) -> bytes:
    """The minutes of the meeting that held ``ballot`` (any round), as DOCX bytes.

    Raises ``BallotNotFinal`` unless the ballot and all its run-offs are final.
    """
    with translation.override("vi"):
        return _build(ballot)


def minutes_filename(ballot: Ballot) -> str:
    return f"bien-ban-hop-binh-xet-{ballot.cluster_year.year}.docx"


def _build(ballot: Ballot) -> bytes:
    rounds = ballot_round_results(ballot=ballot)
    first = rounds[0]
    root = first.ballot
    year = root.cluster_year
    cluster = year.cluster
    snapshot = RankingSnapshot.objects.filter(cluster_year=year).first()
    scoring = ScoringSettings.objects.filter(cluster_year=year).first()
    leaderships = {
        row.province_id: row
        for row in Leadership.objects.filter(cluster_year=year).select_related("province")
    }
    proposal = (
        LeadershipProposal.objects.filter(cluster_year=year)
        .select_related("leader", "deputy", "second_deputy")
        .first()
    )
    leader = next(
        (r for r in leaderships.values() if r.role == LeadershipRole.LEADER),
        next((r for r in leaderships.values() if r.role == LeadershipRole.CO_LEADER), None),
    )
    deputies = sorted(
        (r for r in leaderships.values() if r.role == LeadershipRole.DEPUTY),
        key=lambda r: vietnamese_key(r.province.name),
    )
    meeting_date = root.meeting_date or (
        timezone.localtime(root.closed_at).date() if root.closed_at else None
    )
    place = root.meeting_place or (leader.province.name if leader else "")

    doc = OfficialDocument(
        parent_agency=PARENT_AGENCY,
        issuer=cluster.name,
        number=MINUTES_NUMBER,
        place=place,
        date=meeting_date,
        kind="Biên bản",
        subject=f"Họp bình xét thi đua năm {year.year} của {cluster.name}",
    )
    # The date as Decree 30 writes it (leading zero for days 1–9 and months 1–2).
    when = vietnamese_date_line("", meeting_date).lower()
    where = f", tại {root.meeting_place}" if root.meeting_place else ""
    doc.paragraph(
        f"Thực hiện Giao ước thi đua năm {year.year}, hôm nay, {when}{where}, "
        f"{cluster.name} tổ chức họp bình xét, suy tôn các tỉnh, thành phố có thành tích "
        f"xuất sắc trong phong trào thi đua năm {year.year}."
    )
    section = iter(ROMAN)
    _write_attendance(doc, next(section), first, leaderships, leader, deputies, year.year)
    _write_method(doc, next(section), root, scoring, snapshot)
    _write_ranking(doc, next(section), snapshot)
    _write_ballot(doc, next(section), rounds)
    _write_honours(doc, next(section), rounds, cluster.name, year.year)
    if proposal is not None:
        _write_proposal(doc, next(section), proposal, year.year + 1)
    # Kept with the signatures, so they never stand alone on the last page.
    _keep_with_next(
        doc.paragraph(
            "Cuộc họp kết thúc vào hồi …… giờ …… cùng ngày. Biên bản đã được đọc lại cho các "
            "thành viên dự họp cùng nghe và thống nhất."
        )
    )
    doc.signatures(
        [
            Signer(
                title="Thư ký",
                position=_signer_position(deputies[0] if deputies else None),
                note=SIGN_HERE,
            ),
            Signer(title="Chủ trì", position=_signer_position(leader), note=SIGN_HERE),
        ],
        columns=2,
    )
    doc.recipients(RECIPIENTS)
    return doc.to_bytes()


def _keep_with_next(para):
    para.paragraph_format.keep_with_next = True
    return para


def _signer_position(leadership: Leadership | None) -> str:
    if leadership is None:
        return ""
    return f"{ROLE_LABELS[leadership.role]} – {leadership.province.full_name}"


def _write_attendance(
    doc: OfficialDocument,
    number: str,
    result: BallotResult,
    leaderships: dict[int, Leadership],
    leader: Leadership | None,
    deputies: list[Leadership],
    year: int,
) -> None:
    doc.heading(f"{number}. THÀNH PHẦN THAM DỰ")
    if leader is not None:
        doc.paragraph(
            f"Chủ trì: đại diện {leader.province.full_name} – "
            f"{ROLE_LABELS[leader.role]} năm {year}."
        )
    if deputies:
        doc.paragraph(f"Thư ký: đại diện {deputies[0].province.full_name} – Cụm phó năm {year}.")
    present = len(result.participants)
    total = present + len(result.absent)
    doc.paragraph(
        f"Số tỉnh, thành phố thành viên: {total}; có mặt, tham gia bỏ phiếu: {present}; "
        f"vắng mặt: {total - present}."
    )
    members = [(p, True) for p in result.participants] + [(p, False) for p in result.absent]
    members.sort(key=lambda item: vietnamese_key(item[0].name))
    rows = []
    for index, (province, here) in enumerate(members, start=1):
        held = leaderships.get(province.pk)
        rows.append(
            [
                str(index),
                province.full_name,
                ROLE_LABELS[held.role] if held else "Thành viên",
                "Có mặt" if here else "Vắng mặt",
            ]
        )
    doc.table(
        ["TT", "Tỉnh, thành phố", "Vai trò", "Tham dự"],
        rows,
        widths=[Mm(12), Mm(78), Mm(40), Mm(35)],
        center_columns=(0, 3),
    )


def _write_method(
    doc: OfficialDocument,
    number: str,
    ballot: Ballot,
    scoring: ScoringSettings | None,
    snapshot: RankingSnapshot | None,
) -> None:
    doc.heading(f"{number}. PHƯƠNG THỨC BÌNH XÉT")
    if scoring is not None or snapshot is not None:
        parts = []
        if scoring is not None:
            parts.append(f"thẩm định: {VerificationMode(scoring.mode).label.lower()}")
        if snapshot is not None:
            method = (
                Aggregation(snapshot.method).label
                if snapshot.method in Aggregation.values
                else snapshot.method
            )
            parts.append(
                f"điểm thẩm định tổng hợp theo {str(method).lower()} "
                f"(phiên bản thuật toán {snapshot.method_version})"
            )
        elif scoring is not None:
            parts.append(
                f"điểm thẩm định tổng hợp theo {Aggregation(scoring.aggregation).label.lower()}"
            )
        doc.paragraph("; ".join(parts) + ".", lead="1. Chấm điểm, xếp hạng:")
    else:
        doc.paragraph("theo bảng tiêu chí của Giao ước thi đua.", lead="1. Chấm điểm, xếp hạng:")
    if ballot.candidate_mode == CandidateMode.TOP and ballot.top_n:
        candidates = f"các tỉnh xếp hạng từ 1 đến {ballot.top_n}"
    else:
        candidates = "tất cả các tỉnh thành viên"
    doc.paragraph(
        "bỏ phiếu kín trên Cổng thông tin Cụm thi đua; mỗi tỉnh thành viên một phiếu do cán bộ "
        f"được giao thực hiện; danh sách ứng viên: {candidates}.",
        lead="2. Hình thức:",
    )
    doc.paragraph(
        f"ít nhất {_quorum(ballot)} tỉnh thành viên tham gia bỏ phiếu "
        f"(tỷ lệ {percent_text(ballot.quorum)}%).",
        lead="3. Điều kiện hợp lệ:",
    )
    doc.paragraph(
        f"tỉnh được suy tôn khi có số phiếu đồng ý trên {percent_text(ballot.pass_ratio)}% "
        "số phiếu bầu, lấy theo số phiếu từ cao xuống thấp đến đủ số lượng; các tỉnh bằng "
        "phiếu nhau ở vị trí cuối cùng được bỏ phiếu lại cho số lượng còn lại.",
        lead="4. Nguyên tắc suy tôn:",
    )


def _quorum(ballot: Ballot) -> str:
    return (
        f"{quorum_required(electorate=ballot.electorate, quorum=ballot.quorum)}/{ballot.electorate}"
    )


def _write_ranking(doc: OfficialDocument, number: str, snapshot: RankingSnapshot | None) -> None:
    doc.heading(f"{number}. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG")
    if snapshot is None:
        doc.paragraph("Kết quả xếp hạng chưa được chốt tại thời điểm họp.", italic=True)
        return
    rows = []
    for row in snapshot.output.get("rows", []):
        rows.append(
            [
                str(row.get("rank", "")),
                str(row.get("province", "")),
                _points(row.get("self_total")),
                _points(row.get("verified_total")),
            ]
        )
    doc.table(
        ["Hạng", "Tỉnh, thành phố", "Điểm tự chấm", "Điểm thẩm định"],
        rows,
        widths=[Mm(16), Mm(79), Mm(35), Mm(35)],
        numeric_columns=(2, 3),
        center_columns=(0,),
    )
    doc.paragraph(
        f"Kết quả xếp hạng đã chốt; mã kiểm tra SHA-256: {snapshot.sha256}.",
        italic=True,
        indent=False,
        # A 64-character hash cannot be justified without gaping spaces.
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )


def _points(value) -> str:
    if value in (None, ""):
        return "—"
    return vn_number(value, places=2)


def _write_ballot(doc: OfficialDocument, number: str, rounds: list[BallotResult]) -> None:
    doc.heading(f"{number}. KẾT QUẢ BỎ PHIẾU")
    for result in rounds:
        ballot = result.ballot
        if len(rounds) > 1:
            label = "Vòng 1" if ballot.parent_id is None else f"Vòng {ballot.round} (bỏ phiếu lại)"
            _keep_with_next(doc.paragraph(label, bold=True, indent=False))
        verdict = (
            "đủ số lượng theo quy định" if result.quorum_met else "không đủ số lượng theo quy định"
        )
        doc.paragraph(
            f"Số tỉnh được bỏ phiếu: {result.electorate}; số phiếu bầu: {result.ballots_cast} "
            f"({verdict}, cần ít nhất {result.quorum_required})."
        )
        if ballot.status == BallotStatus.NO_QUORUM:
            doc.paragraph(
                "Không đủ số lượng: phiếu không được kiểm, không có tỉnh nào được suy tôn ở vòng này."
            )
            continue
        if result.votes_needed is not None:
            doc.paragraph(f"Số phiếu tối thiểu để được suy tôn: {result.votes_needed}.")
        for index, question in enumerate(result.questions):
            letter = LETTERS[index] if index < len(LETTERS) else str(index + 1)
            _keep_with_next(
                doc.paragraph(
                    f"{letter}) {question.question.title} ({question.question.seats} suất):",
                    indent=False,
                )
            )
            # Candidates with votes in the table; those without, named in one line below it.
            voted = [c for c in question.candidates if c.votes]
            unvoted = [c for c in question.candidates if not c.votes]
            rows = []
            for position, candidate in enumerate(voted, start=1):
                if candidate.elected:
                    outcome = "Được suy tôn"
                elif candidate.in_runoff:
                    outcome = "Bỏ phiếu lại"
                elif not candidate.passed:
                    outcome = "Không đạt"
                else:
                    outcome = "Không đủ suất"
                rows.append(
                    TableRow(
                        [
                            str(position),
                            candidate.province.full_name,
                            str(candidate.votes or 0),
                            vn_number(candidate.percent or 0),
                            outcome,
                        ],
                        bold=candidate.elected,
                    )
                )
            doc.table(
                ["TT", "Tỉnh, thành phố", "Số phiếu", "Tỷ lệ (%)", "Kết quả"],
                rows,
                widths=[Mm(12), Mm(70), Mm(22), Mm(24), Mm(37)],
                numeric_columns=(2, 3),
                center_columns=(0,),
                font_size=Pt(12),
            )
            if unvoted:
                names = ", ".join(c.province.name for c in unvoted)
                doc.paragraph(f"Không có phiếu (0 phiếu): {names}.", indent=False)


def _write_honours(
    doc: OfficialDocument,
    number: str,
    rounds: list[BallotResult],
    cluster_name: str,
    year: int,
) -> None:
    doc.heading(f"{number}. ĐỀ NGHỊ KHEN THƯỞNG")
    honours = elected_honours(rounds)
    if not honours:
        doc.paragraph("Không có tỉnh, thành phố nào được suy tôn.")
        return
    cast = {r.ballot.round: r.ballots_cast for r in rounds}
    grouped: OrderedDict[tuple[str, str], list] = OrderedDict()
    for honour in honours:
        grouped.setdefault((honour.honour, honour.title), []).append(honour)
    doc.paragraph(
        f"Căn cứ kết quả chấm điểm, xếp hạng và kết quả bỏ phiếu kín, {cluster_name} thống nhất "
        "đề nghị Hội đồng Thi đua - Khen thưởng Trung ương xem xét, trình:"
    )
    for index, ((code, title), items) in enumerate(grouped.items(), start=1):
        doc.paragraph(f"{_request(code, title)} cho:", lead=f"{index}.")
        for item in items:
            doc.paragraph(
                f"- {item.province.full_name}, {_merit(code, cluster_name, year)} "
                f"(đạt {item.votes}/{cast.get(item.round, 0)} phiếu bầu"
                f"{'' if item.round == 1 else f', vòng {item.round}'}).",
            )


def _request(code: str, title: str) -> str:
    if code in (Honour.GOVERNMENT_FLAG, Honour.PM_CERTIFICATE):
        return f"Thủ tướng Chính phủ tặng {title}"
    return f"cấp có thẩm quyền tặng {title}"


def _merit(code: str, cluster_name: str, year: int) -> str:
    """The achievement the honour recognises, naming the cluster the unit led."""
    if code == Honour.GOVERNMENT_FLAG:
        return f"đơn vị dẫn đầu phong trào thi đua năm {year} của {cluster_name}"
    return f"đơn vị có thành tích xuất sắc trong phong trào thi đua năm {year} của {cluster_name}"


def _write_proposal(
    doc: OfficialDocument, number: str, proposal: LeadershipProposal, next_year: int
) -> None:
    doc.heading(f"{number}. ĐỀ XUẤT CỤM TRƯỞNG, CỤM PHÓ NĂM {next_year}")
    deputies = [proposal.deputy.full_name]
    if proposal.second_deputy is not None:
        deputies.append(proposal.second_deputy.full_name)
    doc.paragraph(
        "Hội nghị thống nhất đề xuất Hội đồng Thi đua - Khen thưởng Trung ương: "
        f"{proposal.leader.full_name} làm Cụm trưởng, {' và '.join(deputies)} làm Cụm phó "
        f"năm {next_year}."
    )
    if proposal.status == ProposalStatus.DECIDED and proposal.decision_reference:
        doc.paragraph(
            f"Hội đồng đã quyết định theo văn bản: {proposal.decision_reference}.", italic=True
        )


# -- the report pipeline's entry point ------------------------------------------------------


def build(job, progress: Callable[[int, str], None]) -> list:
    """``ReportKind.MINUTES`` for the report pipeline: the minutes of the year's final vote."""
    from ..selectors.ballot import BallotNotFinal
    from ..services.reports import BuiltFile

    final = Ballot.objects.filter(cluster_year=job.cluster_year, parent__isnull=True).order_by(
        "-pk"
    )
    # The counted vote; a meeting whose only vote lacked quorum still has minutes.
    ballot = (
        final.filter(status=BallotStatus.CLOSED).first()
        or final.filter(status=BallotStatus.NO_QUORUM).first()
    )
    if ballot is None:
        raise BallotNotFinal(
            "Chưa có cuộc bỏ phiếu nào kết thúc: chưa lập được biên bản họp bình xét."
        )
    progress(20, "Đọc kết quả bỏ phiếu")
    content = minutes_docx(ballot=ballot)
    progress(90, "Đã lập biên bản")
    return [
        BuiltFile(
            filename=minutes_filename(ballot),
            content_type=DOCX_CONTENT_TYPE,
            content=content,
        )
    ]
