from django.contrib import admin
from django.urls import include, path

from config import views
from core.health import health
from core.prepared_views import job_detail, job_download

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", health, name="health"),
    path("files/<int:pk>/", job_detail, name="prepared_file"),
    path("files/<int:pk>/download/", job_download, name="prepared_file_download"),
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
