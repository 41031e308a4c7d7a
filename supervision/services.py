"""Writes of routine supervision: rounds, groups, sampling, visits with findings, and the rectification
state machine. Every rule lives here; pages and the API only call these functions."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import person_for
from branches.models import Branch, Role
from config.atomic_files import files_with_transaction, track
from config.concurrency import stale_error_for
from pairing.uploads import check_files, stored_content
from supervision.models import (
    Finding,
    FindingEvidence,
    GroupBranch,
    Rectification,
    RectificationEvidence,
    RectificationTransition,
    SupervisionGroup,
    SupervisionRound,
    Visit,
)

User = get_user_model()
State = Rectification.State
RECTIFICATION_DAYS = 30


# ---------------------------------------------------------------------------------------------
# Who may do what


def _require_org_admin(user) -> None:
    if not person_for(user).is_org_admin:
        raise PermissionDenied(_("只有组织部门可以进行此操作。"))


def is_group_inspector(user, group: SupervisionGroup) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    if not person_for(user).is_inspector:
        return False
    return group.leader_id == user.pk or group.members.filter(pk=user.pk).exists()


def can_record_visit(user, group: SupervisionGroup) -> bool:
    return person_for(user).is_org_admin or is_group_inspector(user, group)


def _reviewer_group(rectification: Rectification) -> SupervisionGroup | None:
    if rectification.finding_id is None:
        return None
    return rectification.finding.visit.group


def can_review(user, rectification: Rectification) -> bool:
    """Inspectors of the group that found the shortcoming (or the organisation department) close or reopen."""
    if person_for(user).is_org_admin:
        return True
    group = _reviewer_group(rectification)
    return group is not None and is_group_inspector(user, group)


def can_answer(user, rectification: Rectification) -> bool:
    """The owner branch's secretary (or committee member) works on the rectification and submits it."""
    return rectification.branch_id in person_for(user).branch_ids


# ---------------------------------------------------------------------------------------------
# Rounds and groups


def _inspector_ids(users: Iterable) -> set[int]:
    ids = {u.pk for u in users}
    return set(Role.objects.filter(user_id__in=ids, kind=Role.Kind.INSPECTOR).values_list("user_id", flat=True))


@transaction.atomic
def create_round(*, year: int, name: str, scope: str = "", by) -> SupervisionRound:
    _require_org_admin(by)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写督导轮次名称。")})
    if SupervisionRound.objects.filter(year=year, name=name).exists():
        raise ValidationError({"name": _("%(year)s 年已有名为“%(name)s”的督导轮次。") % {"year": year, "name": name}})
    supervision_round = SupervisionRound(year=year, name=name, scope=scope or "", created_by=by)
    supervision_round.full_clean()
    supervision_round.save()
    return supervision_round


ROUND_STATUS_FLOW = {
    SupervisionRound.Status.PLANNED: {SupervisionRound.Status.IN_PROGRESS},
    SupervisionRound.Status.IN_PROGRESS: {SupervisionRound.Status.CLOSED},
    SupervisionRound.Status.CLOSED: {SupervisionRound.Status.IN_PROGRESS},
}


def leads_a_group_of(user, supervision_round: SupervisionRound) -> bool:
    return (person_for(user).is_inspector
            and supervision_round.groups.filter(leader_id=getattr(user, "pk", None)).exists())


def can_open_round(user, supervision_round: SupervisionRound) -> bool:
    """The organisation department, or the leader of one of the round's groups, starts (or reopens) a round."""
    return person_for(user).is_org_admin or leads_a_group_of(user, supervision_round)


@transaction.atomic
def set_round_status(*, supervision_round: SupervisionRound, status: str, by) -> SupervisionRound:
    if not person_for(by).is_org_admin:
        if status != SupervisionRound.Status.IN_PROGRESS or not leads_a_group_of(by, supervision_round):
            raise PermissionDenied(_("只有组织部门或本轮督导组组长可以启动督导。"))
    if status not in ROUND_STATUS_FLOW.get(supervision_round.status, set()):
        raise ValidationError(
            {"status": _("督导轮次当前为“%(current)s”，不能改为“%(target)s”。") % {
                "current": supervision_round.get_status_display(),
                "target": dict(SupervisionRound.Status.choices).get(status, status),
            }}
        )
    supervision_round.status = status
    supervision_round.save(update_fields=["status"])
    return supervision_round


def _ensure_round_open(supervision_round: SupervisionRound) -> None:
    if supervision_round.status == SupervisionRound.Status.CLOSED:
        raise ValidationError(_("督导轮次“%(name)s”已结束，不能再修改。") % {"name": supervision_round.name})


@transaction.atomic
def create_group(*, supervision_round: SupervisionRound, name: str, leader, members: Iterable = (), by) -> SupervisionGroup:
    _require_org_admin(by)
    _ensure_round_open(supervision_round)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写督导组名称。")})
    if supervision_round.groups.filter(name=name).exists():
        raise ValidationError({"name": _("本轮督导已有名为“%(name)s”的督导组。") % {"name": name}})
    members = list(members or [])
    people = members + ([leader] if leader else [])
    inspectors = _inspector_ids(people)
    not_inspectors = [str(u.get_full_name() or u.username) for u in people if u.pk not in inspectors]
    if not_inspectors:
        raise ValidationError(
            {"members": _("以下人员没有督导组成员角色：%(names)s。") % {"names": "、".join(sorted(set(not_inspectors)))}}
        )
    group = SupervisionGroup.objects.create(round=supervision_round, name=name, leader=leader)
    group.members.set({u.pk for u in people})
    return group


@transaction.atomic
def add_branch_to_group(*, group: SupervisionGroup, branch: Branch, by, seed: int | None = None) -> GroupBranch:
    """Hand adjustment of the sample: a branch joins a group, once per round."""
    _require_org_admin(by)
    _ensure_round_open(group.round)
    existing = GroupBranch.objects.filter(round_id=group.round_id, branch=branch).select_related("group").first()
    if existing:
        raise ValidationError(
            {"branch": _("“%(branch)s”本轮已由“%(group)s”督导，同一轮次不能重复抽取。") % {
                "branch": branch.name, "group": existing.group.name}}
        )
    return GroupBranch.objects.create(round_id=group.round_id, group=group, branch=branch, sampled_with_seed=seed)


@transaction.atomic
def remove_branch_from_group(*, group: SupervisionGroup, branch: Branch, by) -> None:
    _require_org_admin(by)
    _ensure_round_open(group.round)
    link = GroupBranch.objects.filter(group=group, branch=branch).first()
    if link is None:
        raise ValidationError({"branch": _("“%(branch)s”不在“%(group)s”的督导范围内。") % {
            "branch": branch.name, "group": group.name}})
    if Visit.objects.filter(group=group, branch=branch).exists():
        raise ValidationError({"branch": _("“%(branch)s”已有督导记录，不能移出督导范围。") % {"branch": branch.name}})
    link.delete()


# ---------------------------------------------------------------------------------------------
# Stratified sampling


def _count_for(kind: str, value, population: int) -> int:
    label = dict(Branch.Kind.choices)[kind]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError({"per_kind": _("“%(kind)s”的抽取数量须为整数或比例。") % {"kind": label}})
    if isinstance(value, int):
        if value < 0:
            raise ValidationError({"per_kind": _("“%(kind)s”的抽取数量不能为负数。") % {"kind": label}})
        return value
    if not (0 <= value <= 1):
        raise ValidationError({"per_kind": _("“%(kind)s”的抽取比例须在 0 到 1 之间。") % {"kind": label}})
    return math.ceil(round(value * population, 9))


@transaction.atomic
def draw_sample(*, round: SupervisionRound, per_kind: dict[str, int | float], seed: int | None = None,  # noqa: A002
                by=None) -> list[GroupBranch]:
    """Draw branches stratified by branch kind and share them among the round's groups round-robin.

    `per_kind` maps a branch kind to a number (int) or a share of that kind's active branches (float,
    0-1). Branches already covered in this round are never drawn again. The seed is recorded on the
    round; the same seed over the same organisation gives the same sample.
    """
    supervision_round = round
    if by is not None:
        _require_org_admin(by)
    _ensure_round_open(supervision_round)
    groups = list(supervision_round.groups.order_by("id"))
    if not groups:
        raise ValidationError({"groups": _("请先成立督导组，再抽取党支部。")})
    valid_kinds = dict(Branch.Kind.choices)
    unknown = [k for k in per_kind if k not in valid_kinds]
    if unknown:
        raise ValidationError({"per_kind": _("未知的党支部类型：%(kinds)s。") % {"kinds": "、".join(unknown)}})
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    rng = random.Random(seed)
    taken = set(GroupBranch.objects.filter(round=supervision_round).values_list("branch_id", flat=True))
    picks: list[Branch] = []
    for kind in [k for k in valid_kinds if k in per_kind]:  # fixed order of kinds: reproducible
        population = list(Branch.objects.filter(kind=kind, is_active=True).order_by("code"))
        wanted = _count_for(kind, per_kind[kind], len(population))
        pool = [b for b in population if b.pk not in taken]
        if isinstance(per_kind[kind], float):
            wanted = min(wanted, len(pool))
        elif wanted > len(pool):
            raise ValidationError(
                {"per_kind": _("%(kind)s本轮只剩 %(left)s 个未抽取，不能抽取 %(wanted)s 个。") % {
                    "kind": valid_kinds[kind], "left": len(pool), "wanted": wanted}}
            )
        chosen = rng.sample(pool, wanted)
        picks.extend(sorted(chosen, key=lambda b: b.code))
    offset = len(taken)
    created = [
        GroupBranch.objects.create(
            round=supervision_round, group=groups[(offset + i) % len(groups)], branch=branch, sampled_with_seed=seed
        )
        for i, branch in enumerate(picks)
    ]
    supervision_round.sample_seed = seed
    supervision_round.save(update_fields=["sample_seed"])
    return created


# ---------------------------------------------------------------------------------------------
# Published quarters
#
# Visits and their findings are scored records of the quarter of the visit's date (rubric items of the
# "常态化督导" mode count them), so once that quarter's ranking is published they are read-only, like the
# workspace's records; the rule and its message are the workspace's (pairing.services over scoring.locks).
# Rectifications are not: they are followed up across quarters, and the ranking keeps the ids of the
# overdue ones it counted, so their transitions and deadlines stay open.


def ensure_visit_day_open(*, day: date | None, field: str = "date") -> None:
    """Raise ValidationError({field: message}) when `day` lies in a quarter whose ranking is published."""
    from pairing.services import ensure_open

    ensure_open(day, field)


# ---------------------------------------------------------------------------------------------
# Visits and findings


def _branch_owner(branch: Branch):
    role = (
        Role.objects.filter(branch=branch, kind=Role.Kind.SECRETARY).select_related("user").order_by("id").first()
    )
    return role.user if role else None


def _store_files(model, files, *, by, already: int = 0, **link) -> list:
    """Evidence files checked by content with the workspace's upload rules (pairing.uploads)."""
    files = [f for f in (files or []) if f]
    max_files = settings.EVIDENCE_MAX_FILES
    if already + len(files) > max_files:
        raise ValidationError({"files": _("每项最多上传 %(max)s 个佐证文件（已有 %(already)s 个，本次选择了 %(count)s 个）。") % {
            "max": max_files, "already": already, "count": len(files)}})
    checked = check_files(files, field="files", max_files=already + len(files))
    created = []
    for item in checked:
        row = model.objects.create(
            file=stored_content(item), original_name=item.original_name, content_type=item.content_type,
            size=item.size, uploaded_by=by, **link,
        )
        track(row.file)
        created.append(row)
    return created


def add_finding(*, visit: Visit, kind: str, title: str, text: str = "", mode: str = Finding.Mode.BASE,
                files: Iterable = (), deadline: date | None = None, by) -> Finding:
    if not can_record_visit(by, visit.group):
        raise PermissionDenied(_("只有本督导组成员可以记录督导发现。"))
    _ensure_round_open(visit.group.round)
    ensure_visit_day_open(day=visit.date, field="visit")
    title = (title or "").strip()
    errors = {}
    if kind not in Finding.Kind.values:
        errors["kind"] = _("请选择类别：短板、长板或典型经验。")
    if not title:
        errors["title"] = _("请填写标题。")
    if mode not in Finding.Mode.values:
        errors["mode"] = _("请选择所属模式。")
    if deadline and deadline < visit.date:
        errors["deadline"] = _("整改期限不能早于督导日期。")
    if errors:
        raise ValidationError(errors)
    with files_with_transaction():
        finding = Finding.objects.create(visit=visit, kind=kind, title=title, text=text or "", mode=mode)
        _store_files(FindingEvidence, files, by=by, finding=finding)
        if kind == Finding.Kind.SHORTCOMING:
            rectification = Rectification.objects.create(
                finding=finding, branch=visit.branch, title=title,
                deadline=deadline or visit.date + timedelta(days=RECTIFICATION_DAYS),
                state=State.OPEN, owner=_branch_owner(visit.branch),
            )
            RectificationTransition.objects.create(
                rectification=rectification, from_state="", to_state=State.OPEN, by=by, at=timezone.now(),
                note=_("督导发现短板，生成整改事项"),
            )
    return finding


@transaction.atomic
def record_visit(*, group: SupervisionGroup, branch: Branch, date: date, form: str = Visit.Form.ON_SITE,
                 notes: str = "", findings: Iterable[dict] = (), by) -> Visit:
    """An inspector records a visit to a branch their group covers, with its findings at once."""
    if not can_record_visit(by, group):
        raise PermissionDenied(_("只有本督导组成员可以记录督导。"))
    _ensure_round_open(group.round)
    errors = {}
    if not GroupBranch.objects.filter(group=group, branch=branch).exists():
        errors["branch"] = _("“%(branch)s”不在“%(group)s”的督导范围内。") % {"branch": branch.name, "group": group.name}
    if date is None:
        errors["date"] = _("请填写督导日期。")
    elif date > timezone.localdate():
        errors["date"] = _("督导日期不能晚于今天。")
    elif date.year != group.round.year:
        errors["date"] = _("督导日期须在 %(year)s 年度内。") % {"year": group.round.year}
    else:
        try:
            ensure_visit_day_open(day=date)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if form not in Visit.Form.values:
        errors["form"] = _("请选择督导形式。")
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(group=group, branch=branch, date=date, form=form, notes=notes or "", created_by=by)
    for item in findings:
        add_finding(visit=visit, by=by, **item)
    return visit


# ---------------------------------------------------------------------------------------------
# The rectification state machine

# (from, to) -> who: "branch" (the owner branch's secretary) or "review" (the group's inspectors / org admin)
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.OPEN, State.RECTIFYING): "branch",
    (State.REOPENED, State.RECTIFYING): "branch",
    (State.RETURNED, State.RECTIFYING): "branch",
    (State.RECTIFYING, State.SUBMITTED): "branch",
    (State.RETURNED, State.SUBMITTED): "branch",
    (State.SUBMITTED, State.CLOSED): "review",
    (State.SUBMITTED, State.RETURNED): "review",
    (State.CLOSED, State.REOPENED): "review",
}

ACTION_LABELS = {
    State.RECTIFYING: _("开始整改"),
    State.SUBMITTED: _("提交整改情况"),
    State.CLOSED: _("审核通过并销号"),
    State.RETURNED: _("退回重新整改"),
    State.REOPENED: _("回头看：重新整改"),
}


def allowed_targets(state: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == state]


def allowed_targets_for(user, rectification: Rectification) -> list[str]:
    """The transitions this user may make now (the buttons a page shows)."""
    result = []
    for to in allowed_targets(rectification.state):
        who = TRANSITIONS[(rectification.state, to)]
        if (who == "branch" and can_answer(user, rectification)) or (who == "review" and can_review(user, rectification)):
            result.append(to)
    return result


def _state_label(state: str) -> str:
    return str(dict(State.choices).get(state, state))


def transition_rectification(*, rectification: Rectification, to_state: str, by, note: str = "",
                             response: str | None = None, files: Iterable = (),
                             at: datetime | None = None, recheck_on: date | None = None,
                             expected_version: int | None = None) -> Rectification:
    """Move a rectification to `to_state`, recording who and when; refuses transitions not allowed."""
    with files_with_transaction():
        current = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if expected_version is not None and current.version != expected_version:
            # Someone moved it meanwhile (the state machine may still allow this step: not silently).
            raise stale_error_for(rectification, read_version=expected_version)
        key = (current.state, to_state)
        if key not in TRANSITIONS:
            allowed = [_state_label(s) for s in allowed_targets(current.state)]
            raise ValidationError(
                {"state": _("整改事项当前状态为“%(current)s”，不能变更为“%(target)s”；当前允许：%(allowed)s。") % {
                    "current": _state_label(current.state),
                    "target": _state_label(to_state),
                    "allowed": "、".join(allowed) if allowed else _("无"),
                }},
                code="invalid_transition",
            )
        who = TRANSITIONS[key]
        if who == "branch" and not can_answer(by, current):
            raise PermissionDenied(_("只有责任党支部的书记或支委可以“%(action)s”。") % {"action": ACTION_LABELS[to_state]})
        if who == "review" and not can_review(by, current):
            raise PermissionDenied(
                _("只有本督导组成员或组织部门可以“%(action)s”。") % {"action": ACTION_LABELS[to_state]}
            )
        note = (note or "").strip()
        when = at or timezone.now()
        if to_state == State.SUBMITTED:
            text = (response if response is not None else current.response or "").strip()
            if not text:
                raise ValidationError({"response": _("请填写整改情况（做了什么、效果如何）后再提交。")})
            current.response = text
            current.submitted_at = when
        if to_state == State.REOPENED and not note:
            raise ValidationError({"note": _("回头看重新整改时请写明回头看发现的问题。")})
        if to_state == State.RETURNED and not note:
            raise ValidationError({"note": _("退回时请写明退回理由。")})
        if to_state == State.CLOSED and recheck_on is not None:
            if recheck_on < timezone.localdate():
                raise ValidationError({"recheck_on": _("回头看日期不能早于今天。")})
            current.recheck_on = recheck_on
        if to_state == State.REOPENED:
            current.recheck_on = None
        from_state = current.state
        current.state = to_state
        if to_state == State.CLOSED:
            current.closed_at = when
        elif to_state == State.REOPENED:
            current.closed_at = None
        current.save()
        record = RectificationTransition.objects.create(
            rectification=current, from_state=from_state, to_state=to_state, by=by, at=when, note=note
        )
        if to_state == State.SUBMITTED:
            _store_files(RectificationEvidence, files, by=by, rectification=current, transition=record,
                         already=current.evidence.count())
    rectification.refresh_from_db()
    return rectification


@transaction.atomic
def set_recheck_date(*, rectification: Rectification, recheck_on: date | None, by) -> Rectification:
    """The date the group re-checks (回头看) a closed rectification; the reminders announce it."""
    if not can_review(by, rectification):
        raise PermissionDenied(_("只有本督导组成员或组织部门可以安排回头看。"))
    if rectification.state != State.CLOSED:
        raise ValidationError({"recheck_on": _("销号后才能安排回头看。")})
    if recheck_on is not None and recheck_on < timezone.localdate():
        raise ValidationError({"recheck_on": _("回头看日期不能早于今天。")})
    rectification.recheck_on = recheck_on
    rectification.save(update_fields=["recheck_on"])
    return rectification


@transaction.atomic
def set_rectification_deadline(*, rectification: Rectification, deadline: date, by) -> Rectification:
    if not can_review(by, rectification):
        raise PermissionDenied(_("只有本督导组成员或组织部门可以调整整改期限。"))
    if deadline is None:
        raise ValidationError({"deadline": _("请填写整改期限。")})
    if rectification.state == State.CLOSED:
        raise ValidationError({"deadline": _("整改事项已销号，不能调整期限。")})
    if rectification.finding_id and deadline < rectification.finding.visit.date:
        raise ValidationError({"deadline": _("整改期限不能早于督导日期。")})
    rectification.deadline = deadline
    rectification.save(update_fields=["deadline"])
    return rectification
