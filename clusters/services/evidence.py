"""Evidence files (minh chứng): checked by content, stored privately, never deleted.

The type is decided from the file's first bytes (and, for DOCX/XLSX, the
parts inside the ZIP), never from its name. Files live under MEDIA_ROOT with
random names; no URL serves MEDIA_ROOT: only ``evidence_download`` streams a
file after the access check. Replacing or removing a file marks the old row
superseded and keeps the file, with its SHA-256, for history.
"""

import hashlib
import zipfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record

from ..models import Evidence, Result
from .errors import RuleError
from .results import _require_officer_entry

PDF, DOCX, XLSX, JPEG, PNG = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/jpeg",
    "image/png",
)
ALLOWED_LABEL = "PDF, DOCX, XLSX, JPG, PNG"


def sniff_content_type(upload) -> str | None:
    """The file's real type from its content, or None if it is not an allowed kind."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def upload_checked(upload: UploadedFile) -> tuple[str, str]:
    """Size limit, type from the content, SHA-256: (content type, hex digest) or a RuleError."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise RuleError(
            _("Tệp “%(name)s” lớn hơn giới hạn %(mb)s MB.")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise RuleError(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise RuleError(
            _(
                "Tệp “%(name)s” không đúng định dạng cho phép (%(allowed)s); định dạng được kiểm tra theo nội dung tệp."
            )
            % {"name": upload.name, "allowed": ALLOWED_LABEL}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def _store(result: Result, upload: UploadedFile, actor) -> Evidence:
    content_type, sha256 = upload_checked(upload)
    evidence = Evidence(
        result=result,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_add(*, result: Result, upload: UploadedFile, actor) -> Evidence:
    """Attaches a file to the actor's own province's result."""
    _require_officer_entry(actor, result.cluster_year, result.province_id)
    evidence = _store(result, upload, actor)
    audit_record(
        actor=actor,
        obj=evidence,
        action="evidence_add",
        after={"name": evidence.original_name, "sha256": evidence.sha256},
    )
    return evidence


@transaction.atomic
def evidence_replace(*, evidence: Evidence, upload: UploadedFile, actor) -> Evidence:
    """Replaces a file; the old one stays in history, marked superseded."""
    old = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if old.superseded_at is not None:
        raise RuleError(_("Tệp này đã được thay thế hoặc gỡ trước đó."))
    _require_officer_entry(actor, old.result.cluster_year, old.result.province_id)
    new = _store(old.result, upload, actor)
    old.superseded_at = timezone.now()
    old.superseded_by = new
    old.save(update_fields=["superseded_at", "superseded_by"])
    audit_record(
        actor=actor,
        obj=new,
        action="evidence_replace",
        before={"name": old.original_name, "sha256": old.sha256},
        after={"name": new.original_name, "sha256": new.sha256},
    )
    return new


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> Evidence:
    """Removes a file from the result before submission; the file itself is kept for history."""
    old = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if old.superseded_at is not None:
        raise RuleError(_("Tệp này đã được thay thế hoặc gỡ trước đó."))
    _require_officer_entry(actor, old.result.cluster_year, old.result.province_id)
    old.superseded_at = timezone.now()
    old.save(update_fields=["superseded_at"])
    audit_record(
        actor=actor,
        obj=old,
        action="evidence_remove",
        before={"name": old.original_name},
        after={"name": None},
    )
    return old


__all__ = [
    "evidence_add",
    "evidence_remove",
    "evidence_replace",
    "sniff_content_type",
    "upload_checked",
]
