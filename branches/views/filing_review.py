"""The filing board's receipt 受理 and return 退回 of a filed plan (the rule lives in branches.filing)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import filing
from branches.views.common import org_admin_required, year_param


@org_admin_required
@require_POST
def filing_review(request):
    year = year_param(request)
    action = request.POST.get("action", "")
    try:
        filing.review_plan(year=year, item_key=request.POST.get("item", ""), action=action, user=request.user,
                           reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("方案已受理。") if action == "receive" else _("方案已退回，已通知其负责人。"))
    return redirect(reverse("branches:filing") + f"?year={year}")
