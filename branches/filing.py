"""Writes of plan filing 备案: the system dates a plan's filing at its first submission; the organisation
department receives it 受理 or returns it 退回 with a reason, and the plan's owners are told. A returned
plan edited again is submitted again and keeps its first filing date.

Used by the save services of each plan kind (branches.services.save_key_work_plan,
pairing.services.file_annual_plan) and by the console's filing board.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import FilingReview
from branches.selectors import FilingRow, ReminderItem, filing_board
from branches.services import notify

Review = FilingReview.Review


def plan_of(row: FilingRow) -> FilingReview | None:
    if row.plan_id is None:
        return None
    model = apps.get_model("branches", "KeyWorkPlan") if row.mode == "department" else apps.get_model(
        "pairing", "AnnualPlan")
    return model.objects.filter(pk=row.plan_id).first()


def _tell_owners(row: FilingRow, plan: FilingReview, *, kind: str, title: str, body: str) -> None:
    stamp = plan.reviewed_at.strftime("%Y%m%d%H%M%S")
    notify(items=[ReminderItem(kind=kind, item_key=f"{row.item_key}-{stamp}", title=title, body=body, link=row.link,
                               branch_ids=row.branch_ids, unit_ids=[row.unit_id] if row.unit_id else [])],
           today=timezone.localdate())


@transaction.atomic
def review_plan(*, year: int, item_key: str, action: str, user, reason: str = "") -> FilingReview:
    """受理 (`action="receive"`) or 退回 (`"return"`, with a reason) the plan of a filing board row."""
    row = next((r for r in filing_board(year=year)["rows"] if r.item_key == item_key), None)
    plan = plan_of(row) if row else None
    if plan is None:
        raise ValidationError(_("该方案尚未备案，不能受理或退回。"))
    reason = (reason or "").strip()
    if action == "return" and not reason:
        raise ValidationError({"reason": _("退回方案须填写退回理由。")})
    if action not in ("receive", "return"):
        raise ValidationError(_("未知的操作。"))
    plan.review_state = Review.RECEIVED if action == "receive" else Review.RETURNED
    plan.return_reason = reason if action == "return" else ""
    plan.reviewed_at = timezone.now()
    plan.reviewed_by = user
    plan.save(update_fields=["review_state", "return_reason", "reviewed_at", "reviewed_by"])
    if action == "receive":
        _tell_owners(row, plan, kind="plan_received", title=_("%(year)s 年度方案已受理：%(name)s") % {
            "year": year, "name": row.name}, body=_("组织部门已受理您备案的年度方案。"))
    else:
        _tell_owners(row, plan, kind="plan_returned", title=_("%(year)s 年度方案被退回：%(name)s") % {
            "year": year, "name": row.name}, body=_("退回理由：%(reason)s。请修改后重新提交，备案日期不变。") % {
            "reason": reason})
    return plan
