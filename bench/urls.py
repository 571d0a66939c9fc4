"""The application's URLs plus /_bench/hello/, the bare page every ratio is measured against."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@require_GET
def hello(request):
    """A bare template, rendered through the same middleware as every page."""
    return render(request, "bench/hello.html", {"name": "Thi đua"})


urlpatterns = [path("_bench/hello/", hello, name="bench_hello"), *urlpatterns]
