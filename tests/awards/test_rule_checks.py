"""Rule checks with dated rule sets: quotas, state honours per year, duplicates, documents, deadline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from awards.models import (
    Honour,
    HonourRuleSet,
    Nomination,
    NominationStatus,
    RequiredDocument,
    RuleOverride,
    Verdict,
)
from awards.services.checks import HARD, WARNING, RuleCode, rule_checks
from awards.services.dossier import dossier_upload
from awards.services.nominations import (
    nomination_transition,
    nominations_from_ballot,
    review_note_add,
    rule_override_add,
    rule_set_for,
)
from clusters.models import Honour as BallotHonour
from clusters.services.errors import RuleError
from tests.clusters.helpers import year_like

from .helpers import closed_ballot, complete, manual, pdf, set_status

pytestmark = pytest.mark.django_db
S = NominationStatus
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _codes(nomination):
    return {c.code: c for c in rule_checks(nomination=nomination)}


@pytest.fixture
def rules_2023():
    """Splits the shipped 2017–2023 period: 2023 gets its own certificate rules.

    2023's rules require an extra document and allow a province one certificate
    proposal of its own; 2022 keeps the shipped rules.
    """
    honour = Honour.objects.get(code="PM_CERTIFICATE")
    shipped = HonourRuleSet.objects.get(honour=honour, effective_from=dt.date(2017, 10, 1))
    shipped.effective_until = dt.date(2022, 12, 31)
    shipped.save(update_fields=["effective_until"])
    rules = HonourRuleSet.objects.create(
        honour=honour,
        effective_from=dt.date(2023, 1, 1),
        effective_until=dt.date(2023, 12, 31),
        legal_basis="Quy định thử nghiệm năm 2023",
    )
    for position, line in enumerate(shipped.documents.all()):
        RequiredDocument.objects.create(
            rule_set=rules,
            code=line.code,
            title=line.title,
            required=line.required,
            generated=line.generated,
            position=position,
        )
    RequiredDocument.objects.create(
        rule_set=rules,
        code="tax_certificate",
        title="Xác nhận nghĩa vụ thuế",
        required=True,
        position=9,
    )
    rules.quotas.create(subject_kind="individual", scope="province", kind="fixed", fixed=1)
    return rules


def test_the_rule_set_in_force_on_31_december_judges_a_year(seed_year_2022, seed_year_2023):
    honour = Honour.objects.get(code="GOVERNMENT_FLAG")
    # 2023 flags were voted and sent in 2024, under Law 06/2022: still judged by 2023's rules.
    assert "91/2017" in rule_set_for(honour=honour, year=2023).legal_basis
    assert "98/2023" in rule_set_for(honour=honour, year=2024).legal_basis
    # Decree 152/2025 replaced 98/2023 on 01/07/2025: 31/12/2025 falls under it.
    assert "152/2025" in rule_set_for(honour=honour, year=2025).legal_basis
    assert rule_set_for(honour=honour, year=2010) is None


def test_a_2023_nomination_is_judged_by_2023_rules(
    rules_2023, seed_year_2022, seed_year_2023, officer_dak_lak
):
    with time_machine.travel(dt.datetime(2024, 3, 15, 9, tzinfo=VN), tick=False):
        in_2022 = manual(seed_year_2022, officer_dak_lak, name="Bà Lê Thị C")
        in_2023 = manual(seed_year_2023, officer_dak_lak, name="Bà Lê Thị C", achievements="Khác")
    assert in_2022.rule_set.effective_from == dt.date(2017, 10, 1)
    assert in_2023.rule_set == rules_2023
    missing_2022 = _codes(in_2022)[RuleCode.MISSING_DOCUMENTS].message
    missing_2023 = _codes(in_2023)[RuleCode.MISSING_DOCUMENTS].message
    assert "Xác nhận nghĩa vụ thuế" not in missing_2022
    assert "Xác nhận nghĩa vụ thuế" in missing_2023
    # The 2023 quota (one individual per province) applies to 2023 only.
    second = manual(seed_year_2023, officer_dak_lak, name="Ông Phạm Văn D")
    quota = _codes(second)[RuleCode.QUOTA]
    assert quota.level == HARD and "đây là đề nghị thứ 2 của tỉnh" in quota.message
    assert RuleCode.QUOTA not in _codes(
        manual(seed_year_2022, officer_dak_lak, name="Ông Phạm Văn D")
    )


def _split_2023(honour_code="PM_CERTIFICATE"):
    """An admin gives 2023 its own rules after nominations were made (the shipped set then ends 2022)."""
    honour = Honour.objects.get(code=honour_code)
    shipped = HonourRuleSet.objects.get(honour=honour, effective_from=dt.date(2017, 10, 1))
    shipped.effective_until = dt.date(2022, 12, 31)
    shipped.save(update_fields=["effective_until"])
    rules = HonourRuleSet.objects.create(
        honour=honour,
        effective_from=dt.date(2023, 1, 1),
        effective_until=dt.date(2023, 12, 31),
        legal_basis="Quy định thử nghiệm năm 2023",
    )
    RequiredDocument.objects.create(
        rule_set=rules, code="tax_certificate", title="Xác nhận nghĩa vụ thuế"
    )
    return rules


def test_submission_reads_the_rules_in_force_then(seed_year_2023, officer_dak_lak):
    nomination = manual(seed_year_2023, officer_dak_lak)
    complete(nomination, officer_dak_lak)
    shipped = nomination.rule_set
    _split_2023()
    with pytest.raises(RuleError, match="Xác nhận nghĩa vụ thuế"):
        nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer_dak_lak)
    nomination.refresh_from_db()
    assert nomination.status == S.DRAFT and nomination.rule_set == shipped  # rolled back


def test_editing_rules_repoints_open_nominations_only(seed_year_2023, officer_dak_lak):
    from awards.services.nominations import nomination_rule_sets_refresh

    open_one = manual(seed_year_2023, officer_dak_lak, name="Ông A")
    sent = manual(seed_year_2023, officer_dak_lak, name="Ông B")
    shipped = sent.rule_set
    set_status(sent, S.SUBMITTED)
    rules = _split_2023()
    assert nomination_rule_sets_refresh(honour=rules.honour) == 1
    open_one.refresh_from_db()
    sent.refresh_from_db()
    assert open_one.rule_set == rules
    # A dossier already sent stays judged by the rules it was sent under.
    assert sent.rule_set == shipped


def test_quota_of_the_cluster_vote_blocks_the_extra_flag(seed_year_2022):
    ballot = closed_ballot(
        seed_year_2022,
        {BallotHonour.GOVERNMENT_FLAG: ["Bình Định", "Đắk Nông", "Lâm Đồng"]},
    )
    created = {n.province.name: n for n in nominations_from_ballot(ballot_id=ballot.pk)}
    # 10 members × 20 % = 2 flags: the third in order is over the quota, the first two are not.
    assert RuleCode.QUOTA not in _codes(created["Bình Định"])
    assert RuleCode.QUOTA not in _codes(created["Đắk Nông"])
    check = _codes(created["Lâm Đồng"])[RuleCode.QUOTA]
    assert check.level == HARD
    assert "tối đa 2 Cờ thi đua của Chính phủ" in check.message and "thứ 3" in check.message


def test_quota_counts_only_standing_nominations(seed_year_2022):
    ballot = closed_ballot(
        seed_year_2022, {BallotHonour.GOVERNMENT_FLAG: ["Bình Định", "Đắk Nông", "Lâm Đồng"]}
    )
    created = {n.province.name: n for n in nominations_from_ballot(ballot_id=ballot.pk)}
    set_status(created["Bình Định"], S.NOT_APPROVED, not_approved_reason="x")
    assert RuleCode.QUOTA not in _codes(created["Lâm Đồng"])


def test_more_than_two_state_honours_for_one_subject_warns(seed_year_2022, officer_dak_lak):
    first = manual(seed_year_2022, officer_dak_lak, name="Ông Võ Văn E", achievements="A")
    manual(seed_year_2022, officer_dak_lak, name="ông  võ văn e", achievements="B")
    assert RuleCode.STATE_HONOURS not in _codes(first)
    manual(seed_year_2022, officer_dak_lak, name="Ông Võ Văn E", achievements="C")
    check = _codes(first)[RuleCode.STATE_HONOURS]
    assert (
        check.level == WARNING
        and "3 đề nghị khen thưởng cấp Nhà nước trong năm 2022" in check.message
    )


def test_a_provincial_honour_does_not_count_as_state_level(seed_year_2022, officer_dak_lak):
    first = manual(seed_year_2022, officer_dak_lak, name="Ông Võ Văn E", achievements="A")
    manual(seed_year_2022, officer_dak_lak, name="Ông Võ Văn E", achievements="B")
    manual(
        seed_year_2022,
        officer_dak_lak,
        honour="PROVINCIAL_CERTIFICATE",
        name="Ông Võ Văn E",
        achievements="C",
    )
    assert RuleCode.STATE_HONOURS not in _codes(first)


def test_the_same_achievement_honoured_twice_warns(seed_year_2022, seed_year_2023, officer_dak_lak):
    text = "Hoàn thành xuất sắc nhiệm vụ năm 2022, dẫn đầu phong trào thi đua."
    first = manual(
        seed_year_2022,
        officer_dak_lak,
        name="Tổ sản xuất số 1",
        kind="collective",
        achievements=text,
    )
    assert RuleCode.DUPLICATE_ACHIEVEMENT not in _codes(first)
    # Proposed again next year with the very same achievements.
    again = manual(
        seed_year_2023,
        officer_dak_lak,
        name="Tổ sản xuất số 1",
        kind="collective",
        achievements=text.upper(),
    )
    check = _codes(again)[RuleCode.DUPLICATE_ACHIEVEMENT]
    assert check.level == WARNING and "Bằng khen của Thủ tướng Chính phủ (2022)" in check.message
    # And in the same year for another honour.
    other = manual(
        seed_year_2022,
        officer_dak_lak,
        honour="PROVINCIAL_CERTIFICATE",
        name="Tổ sản xuất số 1",
        kind="collective",
        achievements="Thành tích khác",
    )
    assert RuleCode.DUPLICATE_ACHIEVEMENT in _codes(other)


def test_missing_documents_is_hard_and_cannot_be_overridden(nominations_2022, board_reviewer):
    nomination = set_status(nominations_2022["Đắk Lắk"], S.IN_REVIEW)
    check = _codes(nomination)[RuleCode.MISSING_DOCUMENTS]
    assert check.level == HARD and "Báo cáo thành tích" in check.message
    with pytest.raises(RuleError, match="quy định bắt buộc, không thể bỏ qua"):
        rule_override_add(
            nomination=nomination,
            actor=board_reviewer,
            rule_code=RuleCode.MISSING_DOCUMENTS,
            reason="x",
        )
    with pytest.raises(RuleError, match="Chưa chấp nhận được"):
        nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)
    assert not RuleOverride.objects.exists()


def test_a_late_dossier_warns_and_needs_a_recorded_reason(
    ballot_2022, seed_year_2022, officer_dak_lak, board_reviewer
):
    ballot_2022.closed_at = dt.datetime(2023, 3, 30, 16, tzinfo=VN)
    ballot_2022.save(update_fields=["closed_at"])
    nomination = {n.province.name: n for n in nominations_from_ballot(ballot_id=ballot_2022.pk)}[
        "Đắk Lắk"
    ]
    assert nomination.deadline == dt.date(2023, 4, 29)
    complete(nomination, officer_dak_lak)
    with time_machine.travel(dt.datetime(2023, 4, 29, 20, tzinfo=VN), tick=False):
        assert RuleCode.DEADLINE not in _codes(nomination)
    with time_machine.travel(dt.datetime(2023, 5, 10, 9, tzinfo=VN), tick=False):
        check = _codes(nomination)[RuleCode.DEADLINE]
        assert check.level == WARNING and "29/04/2023" in check.message
        # A warning does not stop the province sending the dossier.
        nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer_dak_lak)
        nomination_transition(nomination=nomination, to_status=S.IN_REVIEW, actor=board_reviewer)
        with pytest.raises(RuleError, match="cảnh báo cần ghi lý do"):
            nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)
        with pytest.raises(PermissionDenied):
            rule_override_add(
                nomination=nomination,
                actor=officer_dak_lak,
                rule_code=RuleCode.DEADLINE,
                reason="x",
            )
        with pytest.raises(RuleError, match="ghi lý do"):
            rule_override_add(
                nomination=nomination,
                actor=board_reviewer,
                rule_code=RuleCode.DEADLINE,
                reason="  ",
            )
        rule_override_add(
            nomination=nomination,
            actor=board_reviewer,
            rule_code=RuleCode.DEADLINE,
            reason="Cụm đã báo cáo lý do chậm bằng văn bản",
        )
        check = _codes(nomination)[RuleCode.DEADLINE]
        assert (
            check.overridden and check.override_reason == "Cụm đã báo cáo lý do chậm bằng văn bản"
        )
        nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)
    nomination.refresh_from_db()
    assert nomination.status == S.ACCEPTED


def test_a_hard_deadline_blocks_the_late_submission(nominations_2022, officer_dak_lak):
    nomination = nominations_2022["Đắk Lắk"]
    complete(nomination, officer_dak_lak)
    HonourRuleSet.objects.filter(pk=nomination.rule_set_id).update(deadline_hard=True)
    Nomination.objects.filter(pk=nomination.pk).update(deadline=dt.date(2023, 4, 29))
    with pytest.raises(RuleError, match="quá hạn nộp hồ sơ"):
        nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer_dak_lak)
    nomination.refresh_from_db()
    assert nomination.status == S.DRAFT


def test_a_file_to_be_changed_blocks_acceptance(nominations_2022, officer_dak_lak, board_reviewer):
    nomination = nominations_2022["Đắk Lắk"]
    complete(nomination, officer_dak_lak)
    Nomination.objects.filter(pk=nomination.pk).update(deadline=None)
    nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer_dak_lak)
    nomination_transition(nomination=nomination, to_status=S.IN_REVIEW, actor=board_reviewer)
    report = nomination.documents.get(requirement_code="achievement_report")
    review_note_add(
        nomination=nomination,
        actor=board_reviewer,
        verdict=Verdict.NEEDS_CHANGE,
        comment="Thiếu xác nhận",
        document=report,
    )
    with pytest.raises(RuleError, match="Báo cáo thành tích"):
        nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)
    # Returned, replaced and sent again: the new file carries no verdict, so it may be accepted.
    nomination_transition(
        nomination=nomination, to_status=S.RETURNED, actor=board_reviewer, comment="Sửa"
    )
    from awards.services.dossier import dossier_replace

    dossier_replace(document=report, upload=pdf("bao-cao-moi.pdf"), actor=officer_dak_lak)
    nomination_transition(nomination=nomination, to_status=S.RESUBMITTED, actor=officer_dak_lak)
    nomination_transition(nomination=nomination, to_status=S.IN_REVIEW, actor=board_reviewer)
    nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)


def test_a_line_marked_missing_blocks_acceptance_until_uploaded(
    nominations_2022, officer_dak_lak, board_reviewer
):
    nomination = nominations_2022["Đắk Lắk"]
    complete(nomination, officer_dak_lak)
    Nomination.objects.filter(pk=nomination.pk).update(deadline=None)
    nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer_dak_lak)
    nomination_transition(nomination=nomination, to_status=S.IN_REVIEW, actor=board_reviewer)
    review_note_add(
        nomination=nomination,
        actor=board_reviewer,
        verdict=Verdict.MISSING,
        requirement_code="prior_decisions",
    )
    with pytest.raises(RuleError, match="Bản sao quyết định"):
        nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)
    nomination_transition(
        nomination=nomination, to_status=S.RETURNED, actor=board_reviewer, comment="Bổ sung"
    )
    dossier_upload(
        nomination=nomination,
        requirement_code="prior_decisions",
        upload=pdf(),
        actor=officer_dak_lak,
    )
    nomination_transition(nomination=nomination, to_status=S.RESUBMITTED, actor=officer_dak_lak)
    nomination_transition(nomination=nomination, to_status=S.IN_REVIEW, actor=board_reviewer)
    nomination_transition(nomination=nomination, to_status=S.ACCEPTED, actor=board_reviewer)


@pytest.mark.parametrize(
    ("honour", "kind", "field"),
    [
        ("GOVERNMENT_FLAG", "collective", "honour"),  # only through the cluster's vote
        ("GOVERNMENT_FLAG", "individual", "subject_kind"),
        ("PROVINCIAL_FLAG", "individual", "subject_kind"),
    ],
)
def test_manual_nominations_respect_honour_and_recipients(
    seed_year_2022, officer_dak_lak, honour, kind, field
):
    with pytest.raises(RuleError) as info:
        manual(seed_year_2022, officer_dak_lak, honour=honour, kind=kind)
    assert field in info.value.message_dict
    assert not Nomination.objects.exists()


def test_a_year_without_rules_refuses_nominations(seed_year_2023, officer_dak_lak):
    cluster_year = year_like(seed_year_2023, 2016)
    with pytest.raises(RuleError, match="Chưa có quy định"):
        manual(cluster_year, officer_dak_lak)
