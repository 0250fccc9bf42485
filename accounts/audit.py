"""The audit trail: every change a user makes is kept with who, when, before and after."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def snapshot(obj, fields: list[str]) -> dict:
    """The values of ``fields`` on ``obj``, as JSON-ready plain values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def audit_record(*, actor, obj, action: str, before: dict | None = None, after: dict | None = None):
    """Writes one audit entry with the fields that changed (all of ``after`` when created)."""
    before = before or {}
    after = after or {}
    changes = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        changes=changes,
    )


def history_for(obj):
    """Audit entries of one object, newest first, with their actors."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    ).select_related("actor")
