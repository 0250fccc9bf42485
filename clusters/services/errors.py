"""Errors the services raise; views turn them into messages, the API into 4xx answers."""

from django.core.exceptions import PermissionDenied, ValidationError


class RuleError(ValidationError):
    """A request that breaks a rule of the competition (wrong phase, past the deadline…)."""


class ConcurrentEditError(ValidationError):
    """Somebody saved the same row since the form was opened ("đã có người cập nhật")."""

    def __init__(self, message, *, current=None):
        super().__init__(message)
        self.current = current


__all__ = ["ConcurrentEditError", "PermissionDenied", "RuleError"]
