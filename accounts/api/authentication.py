"""API authentication by personal token (``Authorization: Token <key>``) and throttling per token."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from ..models import ApiToken
from ..tokens import token_authenticate, token_touch


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A personal API token; a revoked, unknown or malformed token is a 401."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization không hợp lệ."))
        try:
            plaintext = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Tiêu đề Authorization không hợp lệ.")
            ) from None
        token = token_authenticate(plaintext)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ hoặc đã bị thu hồi."))
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenRateThrottle(throttling.UserRateThrottle):
    """The user rate, counted per token (each script its own budget), per user for sessions."""

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
        return super().get_cache_key(request, view)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token header in the OpenAPI schema."""

    target_class = "accounts.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("Khóa API cá nhân, dạng: Token <khóa>"),
        }
