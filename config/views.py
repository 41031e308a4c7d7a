from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from branches.access import person_for
from branches.params import BadParameter
from config.api.exceptions import unreadable_body_message

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


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        # A connection that failed mid-request must not be reused by the next probe.
        connection.close_if_unusable_or_obsolete()
        return False


def _broker_reachable(url: str, timeout: float) -> bool:
    from kombu import Connection

    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return True
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether the database and (when one is configured) the Celery broker answer.

    Open to anonymous callers and exempt from the HTTPS redirect, so a load balancer can probe it;
    answers 503 when something is down. `"broker": null` means no broker is configured (tasks run
    in-process).
    """
    checks: dict[str, bool | None] = {"database": _database_reachable(), "broker": None}
    broker_url = getattr(settings, "CELERY_BROKER_URL", "")
    if broker_url and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        timeout = float(getattr(settings, "HEALTHZ_BROKER_TIMEOUT", 2.0))
        checks["broker"] = _broker_reachable(broker_url, timeout)
    ok = all(value is not False for value in checks.values())
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400 for pages and the API alike: the reason (in the reader's language) when it is a bad parameter."""
    message = exception.message if isinstance(exception, BadParameter) else ""
    if isinstance(exception, MultiPartParserError):
        message = unreadable_body_message(exception)
    if request.path.startswith("/api/"):
        name = exception.name if isinstance(exception, BadParameter) else "non_field_errors"
        return JsonResponse({name: [message or _("请求无效。")]}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
