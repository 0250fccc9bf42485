"""Narrative sections of the year-end report, written by the coordinator."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record, snapshot

from .. import access
from ..models import ClusterYear, NarrativeSection, Phase
from .errors import RuleError

FIELDS = ["title", "body", "position"]


@transaction.atomic
def narrative_save(
    *,
    cluster_year: ClusterYear,
    actor,
    title: str,
    body: str,
    position: int = 0,
    section: NarrativeSection | None = None,
) -> NarrativeSection:
    """Adds or edits a section (coordinator or admin; not once the year is closed)."""
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(_("Chỉ Cụm trưởng hoặc quản trị viên được soạn nội dung báo cáo."))
    if cluster_year.phase == Phase.CLOSED:
        raise RuleError(_("Năm thi đua đã kết thúc; không sửa nội dung báo cáo được nữa."))
    before = snapshot(section, FIELDS) if section else {}
    if section is None:
        section = NarrativeSection(cluster_year=cluster_year)
    section.title, section.body, section.position = title.strip(), body.strip(), position
    section.updated_by = actor
    section.full_clean()
    section.save()
    audit_record(
        actor=actor,
        obj=section,
        action="narrative_save",
        before=before,
        after=snapshot(section, FIELDS),
    )
    return section


@transaction.atomic
def narrative_delete(*, section: NarrativeSection, actor) -> None:
    if not access.can_manage_cluster_year(actor, section.cluster_year):
        raise PermissionDenied
    if section.cluster_year.phase == Phase.CLOSED:
        raise RuleError(_("Năm thi đua đã kết thúc; không sửa nội dung báo cáo được nữa."))
    audit_record(
        actor=actor,
        obj=section,
        action="narrative_delete",
        before=snapshot(section, FIELDS),
        after={},
    )
    section.delete()
