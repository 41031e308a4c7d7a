"""The console's lists of party-building duties and activity kinds (kept here, not in the Django admin)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from branches import catalogue, forms
from branches.models import Duty
from branches.views.common import form_page, org_admin_required
from pairing.models import ActivityKind


@org_admin_required
def catalogue_home(request):
    return render(request, "branches/console/catalogue.html", {
        "duties": Duty.objects.order_by("sort_order", "code"),
        "kinds": ActivityKind.objects.prefetch_related("categories").order_by("sort_order", "code"),
    })


@org_admin_required
def duty_edit(request, pk: int | None = None):
    duty = get_object_or_404(Duty, pk=pk) if pk else None
    form = forms.DutyForm(request.POST or None, instance=duty)

    def save(data):
        catalogue.save_duty(duty=duty, code=data["code"], name=data["name"], description=data.get("description") or "",
                            sort_order=data.get("sort_order") or 0, is_active=data.get("is_active", False))

    return form_page(request, form=form, save=save, title=_("编辑党建职责") if duty else _("新增党建职责"),
                     back_url=reverse("branches:catalogue"), success=_("党建职责已保存。"), record=duty)


@org_admin_required
def activity_kind_edit(request, pk: int | None = None):
    kind = get_object_or_404(ActivityKind, pk=pk) if pk else None
    form = forms.ActivityKindForm(request.POST or None, instance=kind)

    def save(data):
        catalogue.save_activity_kind(
            kind=kind, code=data["code"], name=data["name"], category=data["category"],
            counts_as_joint=data.get("counts_as_joint", False), categories=data.get("categories") or [],
            sort_order=data.get("sort_order") or 0, is_active=data.get("is_active", False))

    return form_page(request, form=form, save=save, title=_("编辑活动类型") if kind else _("新增活动类型"),
                     back_url=reverse("branches:catalogue") + "#kinds", success=_("活动类型已保存。"), record=kind)
