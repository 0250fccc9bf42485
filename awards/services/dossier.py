"""Dossier files (hồ sơ): checked by content, stored privately, never deleted.

The same rules as the results' evidence (``clusters.services.evidence``): the
type comes from the file's first bytes (and the parts inside a DOCX/XLSX),
never from its name; the size limit is ``EVIDENCE_MAX_BYTES``; files live
under MEDIA_ROOT with random names and are streamed only by a view that checks
access; replacing or removing a file marks the old row superseded and keeps
the file with its SHA-256. Only the proposing province's officers change a
dossier, and only while it is a draft or returned.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import audit_record
from clusters.services.errors import RuleError
from clusters.services.evidence import upload_checked

from ..models import DossierDocument, Nomination, RequiredDocument

OTHER_CODE = "other"


def require_province_edit(actor, nomination: Nomination) -> None:
    """The actor is an officer of the proposing province and the dossier is open to them."""
    if roles.is_reviewer(actor):
        raise PermissionDenied(
            _(
                "Chuyên viên thẩm định không sửa nội dung hồ sơ do tỉnh gửi. "
                "Vui lòng ghi ý kiến thẩm định hoặc trả lại hồ sơ để tỉnh sửa."
            )
        )
    if not roles.officer_of(actor, nomination.province_id):
        raise PermissionDenied(_("Bạn chỉ được sửa hồ sơ đề nghị của tỉnh mình."))
    if not nomination.is_editable:
        raise RuleError(
            _(
                "Hồ sơ đang ở trạng thái “%(status)s”: chỉ sửa được khi đang chuẩn bị hoặc bị trả lại."
            )
            % {"status": nomination.get_status_display()}
        )


def _locked(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("rule_set").get(pk=nomination.pk)


def requirement_codes(nomination: Nomination) -> set[str]:
    """Checklist codes of the nomination's rule set, plus "other" for anything else."""
    codes = set(
        RequiredDocument.objects.filter(rule_set_id=nomination.rule_set_id).values_list(
            "code", flat=True
        )
    )
    return codes | {OTHER_CODE}


def _store(nomination: Nomination, code: str, upload: UploadedFile, actor) -> DossierDocument:
    content_type, sha256 = upload_checked(upload)
    document = DossierDocument(
        nomination=nomination,
        requirement_code=code,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


@transaction.atomic
def dossier_upload(
    *, nomination: Nomination, requirement_code: str, upload: UploadedFile, actor
) -> DossierDocument:
    """Attaches a file to one line of the dossier checklist."""
    nomination = _locked(nomination)
    require_province_edit(actor, nomination)
    if requirement_code not in requirement_codes(nomination):
        raise RuleError(
            _("Thành phần hồ sơ không có trong danh mục của hình thức khen thưởng này.")
        )
    document = _store(nomination, requirement_code, upload, actor)
    audit_record(
        actor=actor,
        obj=document,
        action="dossier_upload",
        after={"code": requirement_code, "name": document.original_name, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def dossier_replace(*, document: DossierDocument, upload: UploadedFile, actor) -> DossierDocument:
    """Replaces a file (an uploaded one or one the portal made); the old one stays in history."""
    old = DossierDocument.objects.select_for_update().get(pk=document.pk)
    nomination = _locked(old.nomination)
    require_province_edit(actor, nomination)
    if old.superseded_at is not None:
        raise RuleError(_("Tệp này đã được thay thế hoặc gỡ trước đó."))
    new = _store(nomination, old.requirement_code, upload, actor)
    old.superseded_at = timezone.now()
    old.superseded_by = new
    old.save(update_fields=["superseded_at", "superseded_by"])
    audit_record(
        actor=actor,
        obj=new,
        action="dossier_replace",
        before={"name": old.original_name, "sha256": old.sha256},
        after={"name": new.original_name, "sha256": new.sha256},
    )
    return new


@transaction.atomic
def dossier_remove(*, document: DossierDocument, actor) -> DossierDocument:
    """Takes a file out of the dossier; the file itself is kept for history."""
    old = DossierDocument.objects.select_for_update().get(pk=document.pk)
    nomination = _locked(old.nomination)
    require_province_edit(actor, nomination)
    if old.superseded_at is not None:
        raise RuleError(_("Tệp này đã được thay thế hoặc gỡ trước đó."))
    old.superseded_at = timezone.now()
    old.save(update_fields=["superseded_at"])
    audit_record(
        actor=actor,
        obj=old,
        action="dossier_remove",
        before={"name": old.original_name},
        after={"name": None},
    )
    return old


def dossier_attach_generated(
    *, nomination: Nomination, requirement_code: str, name: str, content: bytes, content_type: str
) -> DossierDocument | None:
    """Attaches a document the portal made (tờ trình, biên bản) to an open dossier.

    Replaces an earlier generated version; never touches a line where the
    province has uploaded its own file, nor a dossier already sent. Returns
    None when it attached nothing. Call inside the caller's transaction.
    """
    if not nomination.is_editable:
        return None
    current = list(
        DossierDocument.objects.select_for_update()
        .current()
        .filter(nomination=nomination, requirement_code=requirement_code)
    )
    if any(not doc.generated for doc in current):
        return None
    document = DossierDocument(
        nomination=nomination,
        requirement_code=requirement_code,
        original_name=name[:255],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        generated=True,
    )
    document.file.save("generated", ContentFile(content), save=False)
    document.save()
    now = timezone.now()
    for old in current:
        old.superseded_at = now
        old.superseded_by = document
        old.save(update_fields=["superseded_at", "superseded_by"])
    audit_record(
        actor=None,
        obj=document,
        action="dossier_generate",
        after={"code": requirement_code, "name": document.original_name, "sha256": document.sha256},
    )
    return document
