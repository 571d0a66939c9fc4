"""Composition-root pages: the dashboard gathers from every app through the registry."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.dashboard import tasks_for


@require_GET
@login_required
def dashboard(request):
    return render(request, "dashboard.html", {"tasks": tasks_for(request.user)})


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
