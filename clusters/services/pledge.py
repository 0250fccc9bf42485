"""The pledge text, each member's targets, and signing (ký kết giao ước)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from accounts.audit import audit_record, snapshot
from accounts.formatting import number_text

from .. import access
from ..models import ClusterYear, Criterion, Phase, Pledge, PledgeSignature, Target
from .criteria import criteria_version_signed
from .errors import ConcurrentEditError, RuleError
from .phase import require_open

PLEDGE_FIELDS = ["title", "articles", "signing_place", "signing_date"]


@transaction.atomic
def pledge_save(
    *,
    cluster_year: ClusterYear,
    actor,
    title: str,
    articles: str,
    signing_place: str = "",
    signing_date: dt.date | None = None,
    expected_revision: int | None = None,
) -> Pledge:
    """The coordinator writes the pledge text, in the setup or pledge phase, before anyone signs."""
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(_("Chỉ Cụm trưởng hoặc quản trị viên được soạn giao ước."))
    if cluster_year.phase not in (Phase.SETUP, Phase.PLEDGE):
        raise RuleError(_("Nội dung giao ước chỉ được sửa trong giai đoạn chuẩn bị hoặc ký kết."))
    if cluster_year.signatures.exists():
        raise RuleError(_("Đã có tỉnh ký giao ước: không sửa nội dung được nữa."))
    pledge = Pledge.objects.select_for_update().filter(cluster_year=cluster_year).first()
    before = {}
    if pledge is None:
        pledge = Pledge(cluster_year=cluster_year, revision=0)
    else:
        if expected_revision is not None and pledge.revision != expected_revision:
            raise ConcurrentEditError(
                _(
                    "Đã có người cập nhật giao ước trong lúc bạn sửa. Nội dung hiện tại được hiển thị lại."
                ),
                current=pledge,
            )
        before = snapshot(pledge, PLEDGE_FIELDS)
    pledge.title = title.strip()
    pledge.articles = articles.strip()
    pledge.signing_place = signing_place.strip()
    pledge.signing_date = signing_date
    pledge.revision += 1
    pledge.updated_by = actor
    pledge.full_clean()
    pledge.save()
    audit_record(
        actor=actor,
        obj=pledge,
        action="pledge_save",
        before=before,
        after=snapshot(pledge, PLEDGE_FIELDS),
    )
    return pledge


def _check_own_province(actor, cluster_year: ClusterYear, province_id: int) -> None:
    if not roles.officer_of(actor, province_id):
        raise PermissionDenied(_("Bạn chỉ được nhập số liệu của tỉnh mình."))
    if not cluster_year.memberships.filter(province_id=province_id).exists():
        raise PermissionDenied(_("Tỉnh của bạn không phải là thành viên cụm trong năm này."))


@transaction.atomic
def target_set(
    *,
    cluster_year: ClusterYear,
    criterion: Criterion,
    actor,
    value: Decimal,
    note: str = "",
    expected_revision: int | None = None,
) -> Target:
    """A member's officer sets their own target for a quantitative criterion, in the pledge phase."""
    province_id = actor.province_id if roles.is_officer(actor) else None
    _check_own_province(actor, cluster_year, province_id)
    require_open(cluster_year, Phase.PLEDGE, what=_("Nhập chỉ tiêu"))
    if criterion.table.cluster_year_id != cluster_year.pk or not criterion.needs_target:
        raise RuleError(_("Tiêu chí này không có chỉ tiêu."))
    if cluster_year.signatures.filter(province_id=province_id).exists():
        raise RuleError(_("Tỉnh đã ký giao ước: không sửa chỉ tiêu được nữa."))
    target = (
        Target.objects.select_for_update()
        .filter(province_id=province_id, criterion=criterion)
        .first()
    )
    before = {}
    if target is None:
        target = Target(
            cluster_year=cluster_year, province_id=province_id, criterion=criterion, revision=0
        )
    else:
        if expected_revision is not None and target.revision != expected_revision:
            raise ConcurrentEditError(
                _("Đã có người cập nhật chỉ tiêu này (giá trị hiện tại: %(value)s).")
                % {"value": number_text(target.value)},
                current=target,
            )
        before = snapshot(target, ["value", "note"])
    target.value = value
    target.note = note.strip()
    target.revision += 1
    target.updated_by = actor
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        obj=target,
        action="target_set",
        before=before,
        after=snapshot(target, ["value", "note"]),
    )
    return target


def missing_targets(*, cluster_year: ClusterYear, province_id: int) -> list[Criterion]:
    """Quantitative criteria of the year still without this member's target."""
    return list(
        Criterion.objects.with_targets()
        .filter(table__cluster_year=cluster_year, retired=False)
        .exclude(targets__province_id=province_id)
        .order_by("group__position", "position", "code")
    )


@transaction.atomic
def pledge_sign(*, cluster_year: ClusterYear, actor) -> PledgeSignature:
    """A member signs the pledge through its officer: once, in the pledge phase, targets complete."""
    province_id = actor.province_id if roles.is_officer(actor) else None
    _check_own_province(actor, cluster_year, province_id)
    require_open(cluster_year, Phase.PLEDGE, what=_("Ký kết giao ước"))
    if not Pledge.objects.filter(cluster_year=cluster_year).exists():
        raise RuleError(_("Cụm trưởng chưa soạn nội dung giao ước."))
    table = getattr(cluster_year, "criteria_table", None)
    if table is None:
        raise RuleError(_("Năm thi đua chưa có bảng tiêu chí."))
    if PledgeSignature.objects.filter(cluster_year=cluster_year, province_id=province_id).exists():
        raise RuleError(_("Tỉnh của bạn đã ký giao ước."))
    missing = missing_targets(cluster_year=cluster_year, province_id=province_id)
    if missing:
        raise RuleError(
            ngettext(
                "Chưa nhập chỉ tiêu cho %(n)s tiêu chí: %(codes)s.",
                "Chưa nhập chỉ tiêu cho %(n)s tiêu chí: %(codes)s.",
                len(missing),
            )
            % {"n": len(missing), "codes": ", ".join(c.code for c in missing[:10])}
        )
    criteria_version_signed(table=table, actor=actor)
    try:
        with transaction.atomic():
            signature = PledgeSignature.objects.create(
                cluster_year=cluster_year,
                province_id=province_id,
                signed_by=actor,
                signer_name=actor.display_name,
                signer_position=actor.position,
            )
    except IntegrityError:
        # Two officers of one province pressed "Ký" at once: the constraint keeps one.
        raise RuleError(_("Tỉnh của bạn đã ký giao ước.")) from None
    audit_record(actor=actor, obj=signature, action="pledge_sign", after={"province": province_id})
    return signature
