from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import healthz

admin.site.site_header = _("媒体融合典型案例征集评选系统 · 管理后台")
admin.site.site_title = _("管理后台")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("applications.urls")),
    path("", include("reviews.urls")),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
