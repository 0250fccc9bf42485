"""Personal API tokens: create (plaintext shown once, SHA-256 stored) and revoke."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import ApiToken

PREFIX_LENGTH = 8
MAX_ACTIVE_TOKENS = 20


def token_hash(plaintext: str) -> str:
    """The SHA-256 (hex) stored in place of the token."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Creates a named token for ``user``; returns it with its plaintext (shown only once)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Vui lòng đặt tên cho khóa API.")})
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("Bạn đã có %(n)s khóa API đang dùng; hãy thu hồi bớt trước khi tạo thêm.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    plaintext = prefix + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=prefix, key_hash=token_hash(plaintext))
    token.full_clean()
    token.save()
    audit_record(actor=user, obj=token, action="api_token_create", after={"name": name})
    return token, plaintext


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revokes a token of the actor's own; it never authenticates again."""
    if token.user_id != actor.pk:
        raise PermissionDenied(_("Bạn chỉ được thu hồi khóa API của mình."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, obj=token, action="api_token_revoke")
    return token


def token_authenticate(plaintext: str) -> ApiToken | None:
    """The active token with this plaintext (its user loaded), or None.

    Rows are found by prefix, then the hashes are compared in constant time.
    """
    if len(plaintext) <= PREFIX_LENGTH:
        return None
    digest = token_hash(plaintext)
    candidates = (
        ApiToken.objects.active().select_related("user").filter(prefix=plaintext[:PREFIX_LENGTH])
    )
    for token in candidates:
        if secrets.compare_digest(token.key_hash, digest):
            return token
    return None


def token_touch(token: ApiToken) -> None:
    """Records the last use, at most once a minute (no write on every request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
