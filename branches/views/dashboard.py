"""The dashboard for a chosen year and quarter (org admins and the party committee's viewers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from branches import selectors
from branches.periods import Quarter, quarters_of_year
from branches.shared_cache import computed_once
from branches.views.common import dashboard_reader_required


def chosen_quarter(request) -> Quarter:
    """`?quarter=2026Q3`, or `?year=2025` (its last quarter, or this quarter for the current year)."""
    today = timezone.localdate()
    raw = request.GET.get("quarter")
    if raw:
        try:
            return Quarter.parse(raw)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    year = request.GET.get("year")
    if year and year.isdigit():
        try:
            return selectors.pace_quarter(year=int(year), today=today)
        except ValidationError:
            pass
    return Quarter.of(today)


@dashboard_reader_required
def dashboard(request):
    today = timezone.localdate()
    quarter = chosen_quarter(request)
    show_all = request.GET.get("all") == "1"

    def content() -> str:
        data = selectors.dashboard_data(quarter=quarter, today=today, show_all=show_all)
        try:
            rankings_url = reverse("scoring:rankings")
        except NoReverseMatch:
            rankings_url = ""
        options = [Quarter(y, n) for y in range(today.year - 3, today.year + 2) for n in (1, 2, 3, 4)]
        if quarter not in options:
            options.append(quarter)
        return render_to_string("branches/_dashboard_content.html", {
            **data,
            "chart_data": selectors.dashboard_chart_data(data),
            "quarters": quarters_of_year(quarter.year),
            "quarter_code": str(quarter),
            "quarter_options": [(str(q), _("%(y)s 年第 %(n)s 季度") % {"y": q.year, "n": q.number})
                                for q in sorted(options)],
            "rankings_url": rankings_url,
            "today": today,
        })

    # The figures are the same for every reader: the bounded page is computed once per
    # DASHBOARD_CACHE_SECONDS for a quarter, day and language, and says when ("数据更新于").
    if show_all:
        html = content()
    else:
        # One process at a time computes it when it expires (the others show the previous one meanwhile).
        key = f"branches:dashboard:v3:{quarter}:{today.isoformat()}:{get_language()}"
        html = computed_once(key, content, timeout=selectors.DASHBOARD_CACHE_SECONDS)
    return render(request, "branches/dashboard.html", {"quarter": quarter, "content": mark_safe(html)})  # noqa: S308
