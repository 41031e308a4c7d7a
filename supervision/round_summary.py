"""A supervision round's summary: per group what it covered, visited and found, and every rectification of the
round with its state; read by the page and the Excel export (an inspector sees only their groups)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exports import Exporter, Sheet
from supervision.models import Finding, GroupBranch, Rectification, SupervisionRound, Visit

State = Rectification.State


def round_summary(*, supervision_round: SupervisionRound, group_ids: list[int] | None = None,
                  today: date | None = None) -> dict:
    today = today or timezone.localdate()
    groups = supervision_round.groups.select_related("leader").order_by("id")
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    groups = list(groups)
    ids = [g.pk for g in groups]
    covered = dict(GroupBranch.objects.filter(group_id__in=ids).values("group_id").annotate(n=Count("id"))
                   .values_list("group_id", "n"))
    visits = {r["group_id"]: r for r in Visit.objects.filter(group_id__in=ids).values("group_id")
              .annotate(n=Count("id"), branches=Count("branch", distinct=True))}
    findings: dict[int, dict[str, int]] = {}
    for row in Finding.objects.filter(visit__group_id__in=ids).values("visit__group_id", "kind").annotate(n=Count("id")):
        findings.setdefault(row["visit__group_id"], {})[row["kind"]] = row["n"]
    rect_qs = Rectification.objects.filter(finding__visit__group_id__in=ids)
    rect = {r["finding__visit__group_id"]: r for r in rect_qs.values("finding__visit__group_id").annotate(
        total=Count("id"), closed=Count("id", filter=Q(state=State.CLOSED)),
        overdue=Count("id", filter=~Q(state=State.CLOSED) & Q(deadline__lt=today)))}
    rows = []
    for g in groups:
        r = rect.get(g.pk, {})
        rows.append({
            "group": g.name, "leader": (g.leader.get_full_name() or g.leader.username) if g.leader else "",
            "covered": covered.get(g.pk, 0), "visits": visits.get(g.pk, {}).get("n", 0),
            "visited": visits.get(g.pk, {}).get("branches", 0),
            **{kind: findings.get(g.pk, {}).get(kind, 0) for kind in Finding.Kind.values},
            "rectifications": r.get("total", 0), "closed": r.get("closed", 0),
            "open": r.get("total", 0) - r.get("closed", 0), "overdue": r.get("overdue", 0),
        })
    rectifications = list(rect_qs.select_related("branch", "finding__visit__group").order_by(
        "finding__visit__group_id", "branch__code", "deadline", "id"))
    return {"round": supervision_round, "groups": rows, "rectifications": rectifications, "today": today}


class RoundSummaryExporter(Exporter):
    def __init__(self, summary: dict, *, language: str | None = None):
        self.summary = summary
        self.language = language

    def filename(self, ext: str) -> str:
        with self._language():
            return f"{_('督导汇总')}_{self.summary['round'].name}.{ext}"

    def sheets(self) -> Iterator[Sheet]:
        kinds = Finding.Kind.choices
        yield Sheet(_("督导组"), [_("督导组"), _("组长"), _("覆盖党支部"), _("督导次数"), _("已督导党支部"),
                                 *[str(label) for _v, label in kinds], _("整改事项"), _("已销号"), _("未销号"),
                                 _("逾期")],
                    [[g["group"], g["leader"], g["covered"], g["visits"], g["visited"], *[g[v] for v, _l in kinds],
                      g["rectifications"], g["closed"], g["open"], g["overdue"]] for g in self.summary["groups"]])
        today = self.summary["today"]
        yield Sheet(_("整改事项"), [_("督导组"), _("责任党支部"), _("整改事项"), _("整改期限"), _("状态"), _("逾期"),
                                   _("销号时间"), _("回头看日期")],
                    [[r.finding.visit.group.name if r.finding_id else "", r.branch.name, r.title,
                      r.deadline.isoformat(), r.get_state_display(), r.is_overdue(today),
                      timezone.localtime(r.closed_at).strftime("%Y-%m-%d") if r.closed_at else "",
                      r.recheck_on.isoformat() if r.recheck_on else ""] for r in self.summary["rectifications"]])
