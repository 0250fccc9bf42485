"""Root URLs. Each app owns its own urls module."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Quản trị Cổng thông tin Cụm thi đua")
admin.site.site_title = _("Quản trị Cụm thi đua")
admin.site.index_title = _("Dữ liệu và người dùng")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("provinces/", include("provinces.urls")),
    path("clusters/", include("clusters.urls")),
    path("awards/", include("awards.urls")),
    path("api/", include("emulation.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
