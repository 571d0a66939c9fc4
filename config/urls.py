from django.contrib import admin
from django.urls import include, path

from config import views
from core.health import health

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("config.accounts_urls")),
    path("people/", include("clusters.account_urls")),
    path("", include("clusters.urls")),
    path("", include("agreements.urls")),
    path("", include("awards.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
