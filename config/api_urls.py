"""The REST API under /api/: every app's viewsets on one router, the OpenAPI schema and its docs.

Each app lists its routes in `<app>/api.py` as ``ROUTES = [(prefix, viewset, basename), ...]``.
"""

from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

app_name = "api"

API_MODULES = ["branches.api", "pairing.api", "scoring.api", "supervision.api"]

router = DefaultRouter()
for module_name in API_MODULES:
    if find_spec(module_name) is None:
        continue
    for prefix, viewset, basename in import_module(module_name).ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served as a file (the split view), so the pages' CSP holds here too.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
    path("", include(router.urls)),
]
