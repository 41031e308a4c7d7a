"""Supervision's reminders: rectifications due soon or overdue (to the owner branch), re-checks due (to the
group's inspectors). Registered with branches.reminders when the app is ready."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from branches.selectors import ReminderItem
from supervision.models import Rectification, SupervisionGroup

State = Rectification.State
DAYS_AHEAD = 7


def rectification_items(today: date) -> list[ReminderItem]:
    items = []
    soon = today + timedelta(days=DAYS_AHEAD)
    for r in (Rectification.objects.exclude(state=State.CLOSED).filter(deadline__lte=soon)
              .select_related("branch").order_by("deadline", "id")):
        link = reverse("supervision:rectification_detail", args=[r.pk])
        if r.deadline < today:
            title = _("整改事项逾期：%(title)s") % {"title": r.title}
            body = _("整改期限 %(deadline)s，已逾期 %(days)s 天（%(state)s）。") % {
                "deadline": r.deadline.isoformat(), "days": (today - r.deadline).days, "state": r.get_state_display()}
        else:
            title = _("整改期限将到：%(title)s") % {"title": r.title}
            body = _("整改期限 %(deadline)s，还有 %(days)s 天（%(state)s）。") % {
                "deadline": r.deadline.isoformat(), "days": (r.deadline - today).days, "state": r.get_state_display()}
        items.append(ReminderItem(kind="rectification_due", item_key=f"rect{r.pk}", title=title, body=body, link=link,
                                  branch_ids=[r.branch_id]))
    rechecks = list(Rectification.objects.filter(state=State.CLOSED, recheck_on__isnull=False, recheck_on__lte=soon)
                    .select_related("branch", "finding__visit__group").order_by("recheck_on", "id"))
    group_ids = {r.finding.visit.group_id for r in rechecks if r.finding_id}
    inspectors: dict[int, set[int]] = {}
    for group in SupervisionGroup.objects.filter(pk__in=group_ids).prefetch_related("members"):
        inspectors[group.pk] = {u.pk for u in group.members.all()} | ({group.leader_id} if group.leader_id else set())
    for r in rechecks:
        users = sorted(inspectors.get(r.finding.visit.group_id, set())) if r.finding_id else []
        if not users:
            continue
        items.append(ReminderItem(
            kind="recheck_due", item_key=f"recheck{r.pk}:{r.recheck_on.isoformat()}",
            title=_("回头看到期：%(title)s") % {"title": r.title},
            body=_("%(branch)s 的整改事项应于 %(day)s 回头看。") % {"branch": r.branch.name, "day": r.recheck_on.isoformat()},
            link=reverse("supervision:rectification_detail", args=[r.pk]), user_ids=users,
        ))
    return items
