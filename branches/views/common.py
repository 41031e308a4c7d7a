"""Access checks and small helpers shared by the console, dashboard and department pages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from branches import forms
from branches.access import person_for
from branches.params import parse_year
from config.concurrency import StaleRecordError, add_version_field, expect_form_version, show_stale


def org_admin_required(view):
    """The organisation department's pages: everyone else (viewers included) gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not person_for(request.user).is_org_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def dashboard_reader_required(view):
    """Pages the party committee's leaders read: org admins and viewers; viewers never write."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        person = person_for(request.user)
        if not (person.is_org_admin or person.is_viewer):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD") and not person.is_org_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def department_required(view):
    """Department heads (their own department) and the organisation department."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        person = person_for(request.user)
        if not (person.is_department or person.is_org_admin):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def year_param(request, default: int | None = None) -> int:
    """`year` of the query string or form; absent gives `default` (this year), not a year gives 400."""
    raw = request.GET.get("year") or request.POST.get("year")
    if not raw:
        return default or timezone.localdate().year
    return parse_year(raw)


def form_page(request, *, form, save, title: str, back_url: str, success: str, subtitle: str = "",
              record=None, history_of=None):
    """GET shows the form; POST parses it and hands it to the service, showing its errors on the form.

    The record being edited (a ModelForm's instance unless given) is saved only over the version the
    page was read at; a stale save shows what changed and keeps what was typed (config.concurrency).
    """
    record = record if record is not None else getattr(form, "instance", None)
    add_version_field(form, record)
    if request.method == "POST" and form.is_valid():
        try:
            expect_form_version(form, record)
            save(form.cleaned_data)
        except StaleRecordError as exc:
            show_stale(form, exc)
            forms.apply_errors(form, exc)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(back_url)
    history_of = history_of if history_of is not None else record
    return render(request, "branches/console/form.html", {
        "form": form, "title": title, "subtitle": subtitle, "back_url": back_url,
        "history_of": history_of if history_of is not None and history_of.pk else None,
    }, status=400 if request.method == "POST" else 200)


def paginate(request, queryset, per_page: int = 30):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
