"""The JSON API: ``/api/v1/…`` from each app's ``api/urls.py``, the OpenAPI 3 schema and
its reference page (Swagger UI served from drf-spectacular-sidecar, no CDN).

API views authenticate with DRF (token or session) and answer 401/403 in the
API's error format themselves, so the site's LoginRequiredMiddleware (which
would redirect to the login page) is switched off for them.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def _public(patterns):
    """Marks every view of ``patterns`` as exempt from LoginRequiredMiddleware."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


v1 = [
    path("", include("provinces.api.urls")),
    path("", include("clusters.api.urls")),
]

urlpatterns = _public(
    [
        path("v1/", include(v1)),
        path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    ]
)
