from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.static import serve

from branches.access import person_for

# Where each role lands after logging in, most specific first.
LANDING_BY_ROLE = [
    ("is_org_admin", ["branches:console", "branches:dashboard", "admin:index"]),
    ("is_branch_officer", ["pairing:home"]),
    ("is_department", ["branches:department_home"]),
    ("is_inspector", ["supervision:home"]),
    ("is_viewer", ["branches:dashboard", "scoring:rankings"]),
]


def _first_reversible(names: list[str]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    for flag, names in LANDING_BY_ROLE:
        if getattr(person, flag):
            target = _first_reversible(names)
            if target:
                return redirect(target)
    return redirect("no_role") if _first_reversible(["no_role"]) else HttpResponse(status=403)


@login_required
def protected_media(request: HttpRequest, path: str, document_root: str) -> HttpResponse:
    return serve(request, path, document_root=document_root)


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = True
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        pass
    return JsonResponse({"ok": all(checks.values()), **checks}, status=200 if all(checks.values()) else 503)
