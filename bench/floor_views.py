"""The floor of the page measurements: the least a Django view can do under the same server,
settings and middleware. Wired at /bench/floor/ only when BENCH_FLOOR_VIEW=1 (see config/urls.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = b"ok"


def constant(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="text/plain")


urlpatterns = [path("floor/", constant, name="bench_floor")]
