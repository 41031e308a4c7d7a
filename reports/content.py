"""The reports, drafted from the records with the same selectors the pages use, so their numbers are the
pages' numbers: a branch secretary's 述职 report, a responsible unit's quarterly report for the party work
meeting, and the year-end report to the party committee."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from annual import selectors as annual_selectors
from branches.models import Branch, MonthlyTarget, Unit
from branches.periods import Quarter, quarters_of_year
from branches.selectors import dashboard_data
from pairing.models import Activity, KeyProject, Problem
from pairing.selectors import branch_obligations
from reports import charts
from reports.document import Report
from scoring import selectors as cup
from supervision.models import Rectification
from supervision.selectors import supervision_summary


def _as_of(year: int, today: date) -> date:
    return min(today, date(year, 12, 31))


def quarter_results(branch_ids: list[int], year: int, upto: int = 4) -> dict[int, dict[int, dict]]:
    """{quarter number: {branch: entry values}} from each quarter's published ranking (as the rankings page)."""
    out: dict[int, dict[int, dict]] = {}
    for q in quarters_of_year(year)[:upto]:
        snapshot = cup.latest_snapshot(quarter=q, published_only=True)
        if snapshot is None:
            continue
        sizes = Counter(snapshot.entries.values_list("group_name", flat=True))
        out[q.number] = {e["branch_id"]: {**e, "size": sizes[e["group_name"]], "version": snapshot.version}
                         for e in snapshot.entries.filter(branch_id__in=branch_ids).values(
                             "branch_id", "total", "rank", "group_name")}
    return out


def _rectifications(branch_ids: list[int], year: int, as_of: date) -> dict:
    qs = Rectification.objects.filter(branch_id__in=branch_ids, finding__visit__group__round__year=year)
    return qs.aggregate(total=Count("id"), closed=Count("id", filter=Q(state=Rectification.State.CLOSED)),
                        open=Count("id", filter=~Q(state=Rectification.State.CLOSED)),
                        overdue=Count("id", filter=~Q(state=Rectification.State.CLOSED) & Q(deadline__lt=as_of)))


def _joint_done(*, as_of: date, **owner) -> int:
    """Joint activities of a pair or partnership from the start of its year to `as_of` (a past quarter's
    report counts to that quarter's end, not to today)."""
    return Activity.objects.filter(kind__counts_as_joint=True, date__year=as_of.year, date__lte=as_of,
                                   **owner).count()


def _mode(row: dict) -> str:
    if row["pair_id"]:
        return _("结对共建")
    if row["partnership_id"]:
        return _("党建共建")
    return _("支部活动")


# --- the secretary's 述职 report ------------------------------------------------------------------------

def secretary_report(*, branch: Branch, year: int, today: date) -> Report:
    as_of = _as_of(year, today)
    report = Report(_("%(branch)s %(year)s 年度党支部书记抓党建工作述职报告") % {"branch": branch.name, "year": year},
                    _("（根据系统记录生成，截至 %(day)s）") % {"day": as_of.isoformat()})
    obligations = branch_obligations(branch=branch, year=year, today=as_of)
    report.heading(_("一、基本情况"))
    report.paragraph(_("%(branch)s隶属%(unit)s，现有党员 %(members)s 名。本年度支部共开展活动 %(n)s 次。") % {
        "branch": branch.name, "unit": branch.unit.name, "members": branch.members.count(),
        "n": obligations["activities"]["year"]})

    report.heading(_("二、活动开展情况（按类型和模式）"))
    rows = list(Activity.objects.filter(branches=branch, date__year=year, date__lte=as_of).values(
        "kind__name", "pair_id", "partnership_id").annotate(n=Count("id")).order_by("kind__name"))
    by_kind: Counter = Counter()
    for r in rows:
        by_kind[(r["kind__name"], _mode(r))] += r["n"]
    report.table([_("活动类型"), _("模式"), _("次数")], [[k, m, n] for (k, m), n in sorted(by_kind.items())]
                 or [[_("无"), "", 0]], caption=_("表1 本年度活动统计"))

    report.heading(_("三、结对共建与党建共建"))
    pair_rows = []
    for item in obligations["pairs"]:
        pair = item["pair"]
        problems = Problem.objects.filter(pair=pair)
        pair_rows.append(["、".join(b.name for b in item["partners"]), item["activities"]["done"],
                          item["activities"]["minimum"], KeyProject.objects.filter(pair=pair).count(),
                          problems.count(), problems.filter(status=Problem.Status.SOLVED).count()])
    if pair_rows:
        report.table([_("结对党支部"), _("共建活动"), _("年度下限"), _("重点共建项目"), _("共建难题"), _("已解决")],
                     pair_rows, caption=_("表2 结对共建情况"))
        for item in obligations["pairs"]:
            for project in KeyProject.objects.filter(pair=item["pair"]).order_by("pk"):
                report.paragraph(_("重点共建项目：%(title)s（%(status)s）。") % {
                    "title": project.title, "status": project.get_status_display()})
    partnership_rows = [[p["partnership"].external_org.name, p["activities"]["done"], p["activities"]["minimum"]]
                        for p in obligations["partnerships"]]
    if partnership_rows:
        report.table([_("共建对象"), _("共建活动"), _("年度下限")], partnership_rows, caption=_("表3 党建共建情况"))
    if not pair_rows and not partnership_rows:
        report.paragraph(_("本年度支部未参加结对共建或党建共建。"))

    report.heading(_("四、党建提质杯季度得分与年度考核"))
    quarters = quarter_results([branch.pk], year)
    q_rows = []
    for q in quarters_of_year(year):
        e = quarters.get(q.number, {}).get(branch.pk)
        q_rows.append([str(q), str(e["total"]) if e else _("未发布"), f"{e['rank']}/{e['size']}" if e else "-"])
    report.table([_("季度"), _("总分"), _("组内名次")], q_rows, caption=_("表4 季度得分"))
    report.chart(charts.bars([r[0] for r in q_rows], [[quarters.get(n, {}).get(branch.pk, {}).get("total") or 0
                                                      for n in (1, 2, 3, 4)]]), _("图1 季度得分"))
    entry = annual_selectors.entry_of_branch(year=year, branch_id=branch.pk)
    if entry is not None:
        report.paragraph(_("年度考核：总分 %(total)s 分，组内第 %(rank)s 名，评为%(grade)s。%(why)s") % {
            "total": entry.total, "rank": entry.rank, "grade": entry.grade, "why": entry.grade_explanation})
    else:
        report.paragraph(_("年度考核结果尚未发布。"))

    report.heading(_("五、督导整改情况"))
    rect = _rectifications([branch.pk], year, as_of)
    report.paragraph(_("本年度督导发现问题整改事项 %(total)s 项，已销号 %(closed)s 项，未销号 %(open)s 项，"
                       "其中逾期 %(overdue)s 项。") % rect)

    report.heading(_("六、存在的问题和不足"))
    report.placeholder(_("（请书记填写：对照职责查找的问题和不足。）"))
    report.heading(_("七、下一步工作打算"))
    report.placeholder(_("（请书记填写：下一年度的工作思路和措施。）"))
    return report


# --- a responsible unit's quarterly report ---------------------------------------------------------------

def unit_quarter_report(*, unit: Unit, quarter: Quarter, today: date) -> Report:
    as_of = min(today, quarter.end)
    report = Report(_("%(unit)s %(quarter)s 党建工作“三种模式”推进情况汇报") % {"unit": unit.name, "quarter": quarter},
                    _("（党建工作例会季度专题汇报，截至 %(day)s）") % {"day": as_of.isoformat()})
    branches = list(unit.branches.filter(is_active=True).order_by("code"))
    report.heading(_("一、党建+业务"))
    targets = MonthlyTarget.objects.filter(task__plan__unit=unit, task__plan__year=quarter.year,
                                           month__in=quarter.months)
    status = dict(targets.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    if targets.exists():
        report.paragraph(_("本季度月度目标 %(total)s 项：已完成 %(done)s 项，滞后 %(behind)s 项，逾期 %(overdue)s 项，"
                           "未到期 %(pending)s 项。") % {
            "total": sum(status.values()), "done": status.get("done", 0), "behind": status.get("behind", 0),
            "overdue": status.get("overdue", 0), "pending": status.get("pending", 0)})
    else:
        report.paragraph(_("本单位本季度无党建+业务月度目标。"))
    report.heading(_("二、结对共建与党建共建"))
    rows = []
    for branch in branches:
        ob = branch_obligations(branch=branch, year=quarter.year, today=as_of)
        for item in ob["pairs"]:
            rows.append([branch.name, _("结对共建"), "、".join(b.name for b in item["partners"]),
                         item["activities"]["in_quarter"], _joint_done(pair=item["pair"], as_of=as_of),
                         item["activities"]["expected"]])
        for item in ob["partnerships"]:
            rows.append([branch.name, _("党建共建"), item["partnership"].external_org.name,
                         item["activities"]["in_quarter"], _joint_done(partnership=item["partnership"], as_of=as_of),
                         item["activities"]["expected"]])
    report.table([_("党支部"), _("模式"), _("共建对象"), _("本季度活动"), _("截至季度末累计"), _("进度要求")],
                 rows or [[_("无"), "", "", 0, 0, 0]], caption=_("表1 共建活动进度"))
    report.heading(_("三、党建提质杯本季度排名"))
    results = quarter_results([b.pk for b in branches], quarter.year, upto=quarter.number).get(quarter.number, {})
    q_rows = [[b.name, str(results[b.pk]["total"]) if b.pk in results else _("未发布"),
               f"{results[b.pk]['rank']}/{results[b.pk]['size']}" if b.pk in results else "-"] for b in branches]
    report.table([_("党支部"), _("总分"), _("组内名次")], q_rows or [[_("无"), "", ""]], caption=_("表2 季度排名"))
    if results:
        report.chart(charts.bars([b.code for b in branches], [[results.get(b.pk, {}).get("total") or 0
                                                              for b in branches]]), _("图1 本季度得分"))
    report.heading(_("四、存在问题和下季度打算"))
    report.placeholder(_("（请填写：本季度存在的问题、下季度工作安排。）"))
    return report


# --- the year-end report to the party committee -----------------------------------------------------------

def year_end_report(*, year: int, today: date) -> Report:
    as_of = _as_of(year, today)
    report = Report(_("%(year)s 年度党建工作目标任务完成情况报告") % {"year": year},
                    _("（向公司党委报告，截至 %(day)s）") % {"day": as_of.isoformat()})
    data = dashboard_data(quarter=Quarter(year, 4), today=as_of, show_all=True)
    t = data["totals"]
    report.heading(_("一、总体情况"))
    report.paragraph(_("全年共建对子 %(pairs)s 个、党建共建 %(partnerships)s 个，开展活动 %(activities)s 次，其中共建活动 "
                       "%(joint)s 次；提出共建难题 %(problems)s 个，已解决 %(solved)s 个；机关部门月度目标到期 %(due)s 项，"
                       "已完成 %(done)s 项。") % {
        "pairs": t["pairs"], "partnerships": t["partnerships"], "activities": t["activities"],
        "joint": t["joint_activities"], "problems": t["problems"], "solved": t["problems_solved"],
        "due": t["targets_due"], "done": t["targets_done"]})
    months = data["by_month"]
    report.chart(charts.bars([str(m["month"]) for m in months], [[m["all"] for m in months], [m["joint"] for m in months]]),
                 _("图1 各月活动（左：全部活动，右：共建活动）"))
    report.heading(_("二、年度考核排名与等次"))
    snapshot = annual_selectors.shown_snapshot(year=year, published_only=True)
    if snapshot is None:
        report.paragraph(_("年度考核结果尚未发布。"))
    else:
        counts = annual_selectors.grade_counts(snapshot=snapshot)
        report.table([_("排名分组"), _("等次"), _("党支部数")], [[c["group"], c["grade"], c["count"]] for c in counts],
                     caption=_("表1 年度考核等次分布（第 %(v)s 版）") % {"v": snapshot.version})
        report.table([_("排名分组"), _("名次"), _("党支部"), _("年度总分"), _("连带奖扣"), _("等次")],
                     [[e.group_name, e.rank, e.branch_name, e.total, e.joint_points, e.grade]
                      for e in snapshot.entries.order_by("group_sort", "position")], caption=_("表2 年度考核排名"))
    report.heading(_("三、进度滞后的单位"))
    behind = data["behind"]
    report.table([_("模式"), _("名称"), _("原因")], [[b["mode"], b["name"], "；".join(b["reasons"])] for b in behind]
                 or [[_("无"), "", ""]], caption=_("表3 进度滞后"))
    report.heading(_("四、常态化督导"))
    s = supervision_summary(year=year, today=as_of)
    report.paragraph(_("全年督导 %(visits)s 次，覆盖党支部 %(branches)s 个；发现短板 %(short)s 项、长板 %(strength)s 项、"
                       "典型经验 %(typical)s 项；整改事项 %(total)s 项，已销号 %(closed)s 项，未销号 %(open)s 项，逾期 "
                       "%(overdue)s 项。") % {
        "visits": s["visits"], "branches": s["branches_visited"], "short": s["findings"].get("shortcoming", 0),
        "strength": s["findings"].get("strength", 0), "typical": s["findings"].get("typical_experience", 0),
        **s["rectifications"]})
    report.heading(_("五、下一步工作"))
    report.placeholder(_("（请组织部门填写：下一年度工作安排。）"))
    return report
