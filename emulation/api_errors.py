"""One error format for the whole API: ``{"error": {"code", "message", "fields"}}``.

Services raise Django's ``ValidationError`` (``RuleError``), ``ConcurrentEditError``
and ``PermissionDenied``; DRF raises its own exceptions. All of them become a
4xx answer here, with messages in the request's language (LocaleMiddleware has
already activated the ``Accept-Language`` one). Anything else is a bug and
stays a 500.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from clusters.services.errors import ConcurrentEditError


def _messages(detail) -> list[str] | dict:
    """DRF error details as plain strings: a list, or a dict of them (nested for rows)."""
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        if any(isinstance(item, dict) for item in detail):
            return [_messages(item) for item in detail]
        return [str(item) for item in detail]
    return [str(detail)]


def django_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ``ValidationError`` as field → messages (non-field messages under ``__all__``)."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(message) for message in DjangoValidationError(items).messages]
            for field, items in error.error_dict.items()
        }
    return {}


def error_response(
    code: str, message: str, fields: dict | None = None, *, status_code: int = 400, headers=None
) -> Response:
    return Response(
        {"error": {"code": code, "message": str(message), "fields": fields or {}}},
        status=status_code,
        headers=headers,
    )


def api_exception_handler(exc, context):
    if isinstance(exc, ConcurrentEditError):
        return error_response(
            "conflict", " ".join(exc.messages), django_fields(exc), status_code=409
        )
    if isinstance(exc, DjangoValidationError):
        return error_response("invalid", " ".join(exc.messages), django_fields(exc))
    if isinstance(exc, Http404):
        return error_response("not_found", _("Không tìm thấy."), status_code=404)
    if isinstance(exc, PermissionDenied):
        message = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        return error_response("permission_denied", message, status_code=403)
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        key: value
        for key, value in response.headers.items()
        if key in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _messages(detail) if isinstance(detail, dict) else {}
        message = (
            _("Dữ liệu gửi lên không hợp lệ.")
            if isinstance(detail, dict)
            else " ".join(_messages(detail))
        )
        return error_response("invalid", message, fields, headers=headers)
    if isinstance(exc, exceptions.ParseError):
        code = "malformed"
        message = _("Nội dung yêu cầu không phải JSON hợp lệ.")
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = "not_authenticated"
        message = str(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        code = "throttled"
        message = str(exc.detail)
    else:
        code = getattr(exc, "default_code", "error")
        message = str(getattr(exc, "detail", exc))
    return error_response(code, message, status_code=response.status_code, headers=headers)
