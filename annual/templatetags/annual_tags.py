"""The department page's KPI card, drawn by the annual app (the department page sits lower and does not
import it): `{% load annual_tags %}{% department_kpis unit year %}`."""

from __future__ import annotations

from django import template
from django.utils import timezone

from annual.kpis import department_kpis as compute
from branches.access import person_for

register = template.Library()


@register.inclusion_tag("annual/_department_kpis.html", takes_context=True)
def department_kpis(context, unit, year):
    request = context["request"]
    return {"rows": compute(unit=unit, year=year, as_of=timezone.localdate()), "unit": unit, "year": year,
            "can_confirm": person_for(request.user).is_org_admin, "csrf_token": context.get("csrf_token")}
