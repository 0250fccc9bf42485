"""Small helpers shared by the awards views."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def error_messages(exc: ValidationError) -> list[str]:
    """The plain messages of a ValidationError (dict or list form)."""
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def flash_errors(request, exc: ValidationError) -> None:
    for message in error_messages(exc):
        messages.error(request, message)


def form_add_service_error(form, exc: ValidationError) -> None:
    """Shows a service's refusal on the form (on the field the service names, when it has one)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)
