"""The project's URLs plus pages that fail on purpose, for the error-page tests."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path

from clusters.models import Unit
from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urls
from core.admin import ServiceAdmin


def boom(request):
    raise RuntimeError("a bug on purpose")


def forbidden(request):
    raise PermissionDenied


def refuse(*, actor, **kwargs):
    """A service whose rules refuse every change (as a frozen record's would)."""
    raise ValidationError("Bản ghi đã khóa, không thể sửa.")


class RefusingUnitAdmin(ServiceAdmin):
    create_service = refuse
    update_service = refuse
    update_kwarg = "unit"
    fields = ["name", "short_name"]


refusing_site = admin.AdminSite(name="refusing")
refusing_site.register(Unit, RefusingUnitAdmin)

urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-admin/", refusing_site.urls),
    *project_urls,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
