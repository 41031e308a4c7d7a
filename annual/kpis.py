"""Department KPIs 通用考核指标: each office department's 考核内容 of the year, with its result from mode 1's
records. A content tied to a duty counts that duty's 四同 evidence (how many of the four stages were
recorded) and the monthly targets of the key-work tasks carrying that duty (done of those due by the end
of the period); a content without a duty counts all the plan's targets and every duty's stages. The two
halves weigh equally; the weight of the content turns the share into points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from annual.models import KpiConfirmation
from branches.models import AssessmentContent, DutyEvidence, MonthlyTarget, Unit
from scoring.engine.methods import fmt, q2

STAGES = len(DutyEvidence.Stage.values)


@dataclass
class KpiResult:
    content: AssessmentContent
    stages: int
    stages_expected: int
    done: int
    due: int
    percent: Decimal
    points: Decimal | None
    explanation: str
    confirmation: KpiConfirmation | None


def _last_month(year: int, as_of: date) -> int:
    if as_of.year > year:
        return 12
    return as_of.month if as_of.year == year else 0


def department_kpis(*, unit: Unit, year: int, as_of: date) -> list[KpiResult]:
    contents = list(AssessmentContent.objects.filter(unit=unit, year=year).select_related("duty").order_by("id"))
    if not contents:
        return []
    stages: dict[int | None, set[str]] = {}
    for duty_id, stage in DutyEvidence.objects.filter(unit=unit, year=year, date__lte=as_of).values_list(
            "duty_id", "stage").distinct():
        stages.setdefault(duty_id, set()).add(stage)
    duties_with_any = len(stages)
    targets: dict[int | None, list[int]] = {}
    last = _last_month(year, as_of)
    for duty_id, status in MonthlyTarget.objects.filter(task__plan__unit=unit, task__plan__year=year,
                                                        month__lte=last).values_list("task__duty_id", "status"):
        counts = targets.setdefault(duty_id, [0, 0])
        counts[1] += 1
        counts[0] += status == MonthlyTarget.Status.DONE
    confirmations = {c.content_id: c for c in KpiConfirmation.objects.filter(content__in=contents)}
    out = []
    for content in contents:
        if content.duty_id:
            got, expected = len(stages.get(content.duty_id, ())), STAGES
            done, due = targets.get(content.duty_id, [0, 0])
        else:
            got, expected = sum(len(s) for s in stages.values()), STAGES * max(duties_with_any, 1)
            done, due = sum(v[0] for v in targets.values()), sum(v[1] for v in targets.values())
        evidence_share = Decimal(got) / expected if expected else Decimal(1)
        target_share = Decimal(done) / due if due else Decimal(1)
        percent = q2((evidence_share + target_share) / 2 * 100)
        points = q2(content.weight * percent / 100) if content.weight is not None else None
        text = _("“四同”记录 %(got)s/%(expected)s 个环节；月度目标按期完成 %(done)s/%(due)s 项；完成率 %(pct)s%%") % {
            "got": got, "expected": expected, "done": done, "due": due, "pct": fmt(percent)}
        if points is not None:
            text += _("，折合 %(points)s 分（权重 %(weight)s 分）") % {"points": fmt(points), "weight": fmt(content.weight)}
        out.append(KpiResult(content, got, expected, done, due, percent, points, text + _("。"),
                             confirmations.get(content.pk)))
    return out


def confirm(*, content: AssessmentContent, as_of: date, note: str = "", user=None) -> KpiConfirmation:
    """The organisation department confirms the result as computed now (confirming again replaces it)."""
    result = next((r for r in department_kpis(unit=content.unit, year=content.year, as_of=as_of)
                   if r.content.pk == content.pk), None)
    if result is None:
        raise ValidationError(_("该考核内容不存在。"))
    confirmation, _created = KpiConfirmation.objects.update_or_create(
        content=content, defaults={"result_percent": result.percent, "points": result.points,
                                   "explanation": result.explanation, "note": (note or "").strip(),
                                   "confirmed_by": user})
    return confirmation
