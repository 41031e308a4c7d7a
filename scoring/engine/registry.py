"""The one registry of scoring methods and record sources.

A method says how an item's points are reached (its arithmetic, which parameters it takes and the sentence
that says what it counts); a source says which records are counted for every branch in one pass, the
records behind a branch's count (evidence) and which methods and counting parameters it supports.
The rubric's choices, the item form, validation, the compile, the rubric page and the API all read this
registry. Adding a method or a source is one entry in METHODS or SOURCES below.

An item's parameters are the fields `target` and `deduction`, and the JSON `params` (see PARAMS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from branches.periods import Quarter
from pairing.models import ActivityCategory, ActivityKind
from scoring.engine import methods
from scoring.engine import sources as src
from scoring.engine.sources import PLAIN, Context, Fact, Query

_ = gettext_lazy


@dataclass(frozen=True)
class Param:
    """A parameter of an item: `kind` is "decimal", "choice", "codes" (activity kinds or categories), "bool"."""

    name: str
    label: Promise
    kind: str
    choices: tuple[tuple[str, Promise], ...] = ()
    default: object = None
    help: Promise | str = ""


UNIT_LABELS = {"records": _("记录次数"), "months": _("覆盖的月份数"), "weeks": _("覆盖的周数"),
               "kinds": _("覆盖的活动类型数"), "categories": _("覆盖的活动类别数")}
WINDOW_LABELS = {"quarter": _("本季度"), "year": _("本年度（截至计分日）")}
NO_OBLIGATION_LABELS = {"zero": _("不得分"), "full": _("得满分"), "na": _("不适用，不计入满分")}

PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("target", _("目标数（每个对象）"), "decimal", help=_("按数量达标：每个共建对象（或本支部）的目标，超出不多计")),
    Param("deduction", _("每次扣分"), "decimal"),
    Param("unit", _("计数方式"), "choice", tuple(UNIT_LABELS.items()), "records"),
    Param("window", _("统计区间"), "choice", tuple(WINDOW_LABELS.items()), "quarter"),
    Param("kinds", _("限活动类型"), "codes", help=_("只统计这些活动类型；不选为不限")),
    Param("categories", _("限活动类别"), "codes", help=_("只统计属于这些类别的活动类型；不选为不限")),
    Param("share", _("多份时按份分摊"), "bool", default=False,
          help=_("有多个共建对象时，每份方案各占分值的一份；不选则按最差的一份计")),
    Param("late_share", _("逾期备案得分比例"), "decimal", default=Decimal("0.5"), help=_("0 到 1，默认 0.5（得一半）")),
)}
FIELD_PARAMS = ("target", "deduction")  # stored as model fields; the others in RubricItem.params


def param(item, name: str):
    """An item's value of a parameter (its default when not set)."""
    if name in FIELD_PARAMS:
        return getattr(item, name)
    value = (item.params or {}).get(name)
    spec = PARAMS[name]
    if value is None or value == "" or value == []:
        return spec.default
    if spec.kind == "decimal":
        return Decimal(str(value))
    return value


@dataclass(frozen=True)
class Env:
    """What every record item's score may use besides its facts."""

    quarter: Quarter
    deadline: date
    as_of: date

    @property
    def running(self) -> bool:
        return self.as_of < self.quarter.end


# --- methods ------------------------------------------------------------------------------------------

def _count(item, fact: Fact, env: Env) -> methods.Outcome:
    source = SOURCES[item.source]
    unit = param(item, "unit") if "unit" in source.params else "records"
    return methods.count_target(item.max_points, fact.counts, item.target, unit)


def _on_time(item, fact: Fact, env: Env) -> methods.Outcome:
    return methods.on_time(item.max_points, fact.filed, env.deadline, share=bool(param(item, "share")),
                           late_share=param(item, "late_share"), as_of=env.as_of)


def _ratio(item, fact: Fact, env: Env) -> methods.Outcome:
    return methods.ratio(item.max_points, fact.done, fact.due)


def _deduction(item, fact: Fact, env: Env) -> methods.Outcome:
    return methods.deduction_per(item.max_points, fact.instances, item.deduction or Decimal(0))


@dataclass(frozen=True)
class Method:
    key: str
    label: Promise
    params: tuple[str, ...]  # required ones first; the rest optional
    required: tuple[str, ...]
    score: Callable[..., methods.Outcome] | None  # (item, fact, env); None: scored by hand
    says: Callable[[object, dict], str]  # (item, names) -> the sentence of what it counts
    deducts: bool = False  # points are a deduction: not part of the base maximum

    @property
    def from_records(self) -> bool:
        return self.score is not None


def _says_count(item, names: dict) -> str:
    source = SOURCES[item.source]
    q = source.query(item)
    unit = UNIT_LABELS[q.unit] if "unit" in source.params else UNIT_LABELS["records"]
    limits = []
    if q.categories:
        limits.append(gettext("限类别：%(names)s") % {"names": "、".join(names.get(("category", c), c)
                                                                       for c in q.categories)})
    if q.kinds:
        limits.append(gettext("限类型：%(names)s") % {"names": "、".join(names.get(("kind", c), c) for c in q.kinds)})
    return gettext("统计%(window)s%(what)s%(limits)s的%(unit)s，每个%(owner)s目标 %(target)s（超出不多计），"
                   "按完成比例计分。") % {
        "window": WINDOW_LABELS[q.window], "what": source.label, "limits": f"（{'；'.join(limits)}）" if limits else "",
        "unit": unit, "owner": source.owner, "target": methods.fmt(item.target)}


def _says_on_time(item, names: dict) -> str:
    late = param(item, "late_share")
    several = gettext("有多份时每份各占分值的一份") if param(item, "share") else gettext("有多份时按最差的一份计")
    return gettext("%(what)s：截止日前备案得满分，逾期备案得 %(late)s 倍分值，未备案不得分；%(several)s。") % {
        "what": SOURCES[item.source].label, "late": methods.fmt(late), "several": several}


def _says_ratio(item, names: dict) -> str:
    return gettext("%(what)s：截至计分日已到期的事项中按期完成的比例乘以分值；已有对象但无到期事项得满分。") % {
        "what": SOURCES[item.source].label}


def _says_deduction(item, names: dict) -> str:
    return gettext("%(what)s：每项扣 %(per)s 分，最多扣 %(max)s 分。") % {
        "what": SOURCES[item.source].label, "per": methods.fmt(item.deduction), "max": methods.fmt(item.max_points)}


def _says_manual(item, names: dict) -> str:
    return gettext("组织部门人工评分并写明理由；未评分暂计 0 分。")


METHODS: dict[str, Method] = {m.key: m for m in (
    Method("count_target", _("按数量达标"), ("target",), ("target",), _count, _says_count),
    Method("on_time", _("按时备案"), ("share", "late_share"), (), _on_time, _says_on_time),
    Method("ratio", _("完成比例"), (), (), _ratio, _says_ratio),
    Method("deduction_per", _("按次扣分"), ("deduction",), ("deduction",), _deduction, _says_deduction,
           deducts=True),
    Method("manual", _("人工评分"), (), (), None, _says_manual),
)}


# --- sources ------------------------------------------------------------------------------------------

ACTIVITY_QUERY = ("kinds", "categories", "unit", "window")
DATED_QUERY = ("unit", "window")


@dataclass(frozen=True)
class Source:
    key: str
    label: Promise
    owner: Promise  # what one obligation is: a pair, a partnership, the branch itself
    methods: tuple[str, ...]
    compute: Callable[[Context, Query], dict[int, Fact]]
    evidence: Callable[[Quarter, int, dict], list[dict]]
    params: tuple[str, ...] = ()  # counting parameters it understands
    units: tuple[str, ...] = ("records",)

    def query(self, item) -> Query:
        if not self.params:
            return PLAIN
        return Query(kinds=tuple(param(item, "kinds") or ()) if "kinds" in self.params else (),
                     categories=tuple(param(item, "categories") or ()) if "categories" in self.params else (),
                     unit=param(item, "unit") if "unit" in self.params else "records",
                     window=param(item, "window") if "window" in self.params else "quarter")


ALL_UNITS = ("records", "months", "weeks", "kinds", "categories")
DATED_UNITS = ("records", "months", "weeks")

SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("pair_joint_activities", _("结对共建活动"), _("共建对子"), ("count_target",), src.pair_joint_activities,
           lambda q, b, s: src._activities_evidence(q, "pair", s.get("pairs", []), s), ACTIVITY_QUERY, ALL_UNITS),
    Source("partnership_joint_activities", _("党建共建活动"), _("共建对象"), ("count_target",),
           src.partnership_joint_activities,
           lambda q, b, s: src._activities_evidence(q, "partnership", s.get("partnerships", []), s), ACTIVITY_QUERY,
           ALL_UNITS),
    Source("branch_activities", _("支部活动"), _("支部"), ("count_target",), src.branch_activities,
           src._branch_activities_evidence, ACTIVITY_QUERY, ALL_UNITS),
    Source("pair_plan_filed", _("结对共建实施方案备案"), _("共建对子"), ("on_time",), src.pair_plan_filed,
           lambda q, b, s: src._plans_evidence(q, "pair", s.get("pairs", []), s)),
    Source("partnership_plan_filed", _("党建共建方案备案"), _("共建对象"), ("on_time",), src.partnership_plan_filed,
           lambda q, b, s: src._plans_evidence(q, "partnership", s.get("partnerships", []), s)),
    Source("department_plan_filed", _("部门年度重点工作方案备案"), _("部门"), ("on_time",), src.department_plan_filed,
           src._department_plan_evidence),
    Source("duty_targets_met", _("党建+业务月度目标完成"), _("部门"), ("ratio",), src.duty_targets_met,
           src._duty_targets_evidence),
    Source("project_tasks_on_time", _("领办任务按期完成"), _("共建对子"), ("ratio",), src.project_tasks_on_time,
           src._project_tasks_evidence),
    Source("problems_solved", _("共建难题解决"), _("共建对子"), ("count_target",), src.problems_solved,
           src._problems_evidence, DATED_QUERY, DATED_UNITS),
    Source("information_exchanges", _("信息互通"), _("共建对象"), ("count_target",), src.information_exchanges,
           src._exchanges_evidence, DATED_QUERY, ("records", "months")),
    Source("joint_meetings", _("联席会"), _("共建对子或共建对象"), ("count_target",), src.joint_meetings,
           src._meetings_evidence, DATED_QUERY, DATED_UNITS),
    Source("overdue_rectifications", _("逾期未整改问题"), _("支部"), ("deduction_per",), src.overdue_rectifications,
           src._overdue_evidence),
)}


def method_choices() -> list[tuple[str, Promise]]:
    return [(m.key, m.label) for m in METHODS.values()]


def source_choices() -> list[tuple[str, Promise]]:
    return [(s.key, s.label) for s in SOURCES.values()]


# --- an item: its parameters, its sentence, its score ---------------------------------------------------

def item_params(item) -> tuple[str, ...]:
    """The parameters an item takes: its method's and, for a counting item, its source's."""
    method = METHODS.get(item.method)
    names = list(method.params) if method else []
    source = SOURCES.get(item.source)
    if source and method and method.from_records:
        names += [p for p in source.params if p not in names]
    return tuple(names)


def validate(item) -> dict[str, str]:
    """Errors of an item's method, source and parameters, by field."""
    errors: dict[str, str] = {}
    method = METHODS.get(item.method)
    if method is None:
        return {"method": gettext("未知的计分方式：%(method)s") % {"method": item.method}}
    if method.from_records and not item.source:
        errors["source"] = gettext("按记录计分的评分项必须选择数据来源。")
    elif not method.from_records and item.source:
        errors["source"] = gettext("人工评分项不选择数据来源。")
    elif item.source and item.source not in SOURCES:
        errors["source"] = gettext("未知的数据来源：%(source)s") % {"source": item.source}
    elif item.source and item.method not in SOURCES[item.source].methods:
        source = SOURCES[item.source]
        errors["method"] = gettext("数据来源“%(source)s”只支持：%(methods)s。") % {
            "source": source.label, "methods": "、".join(str(METHODS[m].label) for m in source.methods)}
    for name in method.required:
        if getattr(item, name) is None:
            errors[name] = {"target": gettext("按数量达标计分须填写季度目标数（0 表示不设下限，得满分）。"),
                            "deduction": gettext("按次扣分须填写每次扣分。")}.get(name, gettext("请填写此项。"))
    params = item.params if isinstance(item.params, dict) else None
    if params is None:
        errors["params"] = gettext("计分参数格式无效。")
        return errors
    allowed = set(item_params(item)) - set(FIELD_PARAMS)
    unknown = sorted(k for k, v in params.items() if k not in allowed and v not in (None, "", [], False))
    if unknown:
        errors["params"] = gettext("该计分方式与数据来源不使用参数：%(names)s。") % {
            "names": "、".join(str(PARAMS[k].label) if k in PARAMS else k for k in unknown)}
        return errors
    source = SOURCES.get(item.source)
    for name, value in params.items():
        if name not in allowed or value in (None, "", []):
            continue
        message = _param_error(PARAMS[name], value, source)
        if message:
            errors["params"] = message
            break
    return errors


def _param_error(spec: Param, value, source: Source | None) -> str:
    if spec.kind == "choice":
        allowed = dict(spec.choices)
        if spec.name == "unit" and source is not None:
            allowed = {k: v for k, v in allowed.items() if k in source.units}
        if value not in allowed:
            return gettext("“%(param)s”只能是：%(values)s。") % {
                "param": spec.label, "values": "、".join(str(v) for v in allowed.values())}
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            return gettext("“%(param)s”应为是或否。") % {"param": spec.label}
    elif spec.kind == "decimal":
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return gettext("“%(param)s”应为数字。") % {"param": spec.label}
        if spec.name == "late_share" and not (0 <= number <= 1):
            return gettext("“%(param)s”应在 0 到 1 之间。") % {"param": spec.label}
    elif spec.kind == "codes":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return gettext("“%(param)s”应为编码列表。") % {"param": spec.label}
        model = ActivityKind if spec.name == "kinds" else ActivityCategory
        known = set(model.objects.filter(code__in=value).values_list("code", flat=True))
        missing = [v for v in value if v not in known]
        if missing:
            return gettext("“%(param)s”中没有这些编码：%(codes)s。") % {"param": spec.label, "codes": "、".join(missing)}
    return ""


def code_names() -> dict[tuple[str, str], str]:
    """{("kind" | "category", code): name}, for the sentences (2 queries)."""
    names = {("kind", c): n for c, n in ActivityKind.objects.values_list("code", "name")}
    names.update({("category", c): n for c, n in ActivityCategory.objects.values_list("code", "name")})
    return names


def says(item, names: dict | None = None) -> str:
    """The sentence that says what an item counts, in the active language, with what it gives a branch that
    has no such obligation."""
    method = METHODS.get(item.method)
    if method is None or (method.from_records and item.source not in SOURCES):
        return ""
    text = method.says(item, names if names is not None else code_names())
    if method.from_records:
        text += gettext("无此项对应关系时：%(what)s。") % {"what": NO_OBLIGATION_LABELS.get(item.no_obligation, "")}
    return text


def score(item, fact: Fact, env: Env) -> methods.Outcome:
    """A record item's outcome from its facts: the branch's obligation first (the same rule for every
    method), then the method; a quarter still running says up to which day it counted."""
    if not fact.obligated:
        outcome = methods.no_obligation(item.max_points, item.no_obligation)
    else:
        outcome = METHODS[item.method].score(item, fact, env)
    return methods.as_of(outcome, env.as_of) if env.running else outcome


def query_key(item) -> tuple[str, Query]:
    """Items asking their source the same query share one pass over the records."""
    source = SOURCES[item.source]
    return (item.source, source.query(item))


def evidence_for(stored, *, quarter: Quarter, branch_id: int) -> list[dict]:
    """The labelled records behind a stored item score: a list is returned as stored (manual scores, and
    snapshots written before evidence was re-derived); {"source": key, **scope} is listed again by query."""
    if isinstance(stored, list):
        return stored
    if not isinstance(stored, dict) or stored.get("source") not in SOURCES:
        return []
    return SOURCES[stored["source"]].evidence(quarter, branch_id, stored)
