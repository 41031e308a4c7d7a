"""Writes of the organisation department's console and the departments' 党建+业务 pages.

Each function validates with the model's own ``full_clean()`` (so the rules live in one place) and raises
``ValidationError`` with Chinese messages keyed by field. Pages, the REST API and imports call these.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import freshness, reminders
from branches.models import (
    REMINDER_KINDS,
    AssessmentContent,
    Branch,
    Duty,
    DutyEvidence,
    ExternalOrganization,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    MutedReminder,
    Notification,
    PartyGroup,
    Role,
    Unit,
    YearSettings,
)
from branches.periods import validate_year
from config.concurrency import expect_version, save_versioned

logger = logging.getLogger(__name__)
User = get_user_model()


def _full_clean_and_save(instance, *, exclude: list[str] | None = None):
    instance.full_clean(exclude=exclude)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError(_("保存失败：与已有记录重复。"))
    return instance


# --------------------------------------------------------------------------------------------- organisation


def save_unit(*, unit: Unit | None = None, code: str, name: str, kind: str, parent: Unit | None,
              sort_order: int = 0) -> Unit:
    unit = unit or Unit()
    if unit.pk and parent is not None and parent.pk == unit.pk:
        raise ValidationError({"parent": _("上级不能是本单位。")})
    unit.code, unit.name, unit.kind, unit.parent, unit.sort_order = code.strip(), name.strip(), kind, parent, sort_order
    return _full_clean_and_save(unit)


def save_branch(*, branch: Branch | None = None, code: str, name: str, unit: Unit, secretary: Member | None = None,
                is_active: bool = True) -> Branch:
    branch = branch or Branch()
    branch.code, branch.name, branch.unit, branch.secretary = code.strip(), name.strip(), unit, secretary
    branch.mark_active(is_active, today=timezone.localdate())
    if branch.unit_id:
        branch.kind = Branch.KIND_BY_UNIT.get(unit.kind, Branch.Kind.GRASSROOTS)
    return _full_clean_and_save(branch)


def save_member(
    *,
    member: Member | None = None,
    branch: Branch,
    employee_no: str,
    name: str,
    status: str = Member.Status.ON_POST,
    place: str = Member.Place.DONGYING,
    outside_org: ExternalOrganization | None = None,
    gender: str = "",
    phone: str = "",
    joined_party_on: date | None = None,
    place_detail: str = "",
    party_group: PartyGroup | None = None,
    is_active: bool = True,
) -> Member:
    member = member or Member()
    member.branch = branch
    member.employee_no = (employee_no or "").strip()
    member.name = (name or "").strip()
    member.status = status
    member.place = place
    member.outside_org = outside_org
    member.gender = gender or ""
    member.phone = (phone or "").strip()
    member.joined_party_on = joined_party_on
    member.place_detail = (place_detail or "").strip()
    member.party_group = party_group
    member.is_active = is_active
    return _full_clean_and_save(member)


def save_external_org(*, org: ExternalOrganization | None = None, name: str, outside_unit: str, location: str = "",
                      contact_person: str = "", contact_phone: str = "") -> ExternalOrganization:
    org = org or ExternalOrganization()
    org.name, org.outside_unit, org.location = name.strip(), outside_unit.strip(), (location or "").strip()
    org.contact_person, org.contact_phone = (contact_person or "").strip(), (contact_phone or "").strip()
    return _full_clean_and_save(org)


def _clean_role(role: Role) -> Role:
    role.full_clean(exclude=["user"] if role.user_id is None else None)
    return role


@transaction.atomic
def create_user_with_role(
    *,
    username: str,
    full_name: str,
    password: str,
    kind: str,
    email: str = "",
    branch: Branch | None = None,
    unit: Unit | None = None,
    member: Member | None = None,
) -> Role:
    """A new login with its first role; the role is checked before the user is created."""
    role = Role(kind=kind, branch=branch, unit=unit, member=member)
    errors: dict[str, list] = {}
    try:
        role.full_clean(exclude=["user"], validate_unique=False)
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, []).extend(msgs)
    user = User(username=(username or "").strip(), first_name=(full_name or "").strip(), email=(email or "").strip())
    try:
        user.full_clean(exclude=["password", "last_login", "date_joined"])
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, []).extend(msgs)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    role.user = user
    role.save()
    return role


def save_role(*, role: Role | None = None, user, kind: str, branch: Branch | None = None, unit: Unit | None = None,
              member: Member | None = None) -> Role:
    """Give a person a role, or change one: the scope follows the role (branch for secretaries and
    committee members, a department for department heads, none for company-wide roles)."""
    role = role or Role()
    role.user = user
    role.kind = kind
    role.branch = branch if kind in Role.BRANCH_SCOPED else None
    role.unit = unit if kind == Role.Kind.DEPARTMENT else None
    role.member = member if kind in Role.BRANCH_SCOPED else None
    duplicate = Role.objects.filter(user=user, kind=kind, branch=role.branch, unit=role.unit)
    if role.pk:
        duplicate = duplicate.exclude(pk=role.pk)
    if duplicate.exists():
        raise ValidationError({"kind": _("该用户已有此角色。")})
    return _full_clean_and_save(role)


def delete_role(*, role: Role) -> None:
    role.delete()


# --------------------------------------------------------------------------------------------- year setup


def save_year_settings(*, year: int, plan_deadline: date, expected_version: int | None = None) -> YearSettings:
    validate_year(year)
    row = YearSettings.objects.filter(year=year).first() or YearSettings(year=year)
    expect_version(row, expected_version)
    row.plan_deadline = plan_deadline
    return _full_clean_and_save(row)


def save_assessment_content(
    *,
    content: AssessmentContent | None = None,
    unit: Unit,
    year: int,
    title: str,
    duty: Duty | None = None,
    description: str = "",
    weight: Decimal | None = None,
) -> AssessmentContent:
    content = content or AssessmentContent()
    content.unit, content.year, content.title, content.duty = unit, year, (title or "").strip(), duty
    content.description, content.weight = description or "", weight
    return _full_clean_and_save(content)


def delete_assessment_content(*, content: AssessmentContent) -> None:
    content.delete()


@dataclass
class CopyReport:
    created: list = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"pair": source pair, "reasons": [..]}


@transaction.atomic
def copy_pairs_with_report(*, source_year: int, target_year: int) -> CopyReport:
    """Copy a year's pairs to another year through ``pairing.services.save_pair`` (which enforces the seed
    rules), and say which were skipped and why (already paired, branch no longer active, ...)."""
    from pairing.models import Pair
    from pairing.services import pair_auto_name, save_pair

    validate_year(source_year)
    validate_year(target_year)
    if source_year == target_year:
        raise ValidationError({"source_year": _("复制来源年度不能与目标年度相同。")})
    report = CopyReport()
    sources = Pair.objects.filter(year=source_year).select_related("lead_branch").prefetch_related("grassroots_branches")
    for source in sources.order_by("lead_branch__code"):
        grassroots = list(source.grassroots_branches.all())
        inactive = [b.name for b in [source.lead_branch, *grassroots] if not b.is_active]
        if inactive:
            report.skipped.append({"pair": source, "reasons": [
                _("党支部已撤销：%(names)s") % {"names": "、".join(inactive)}]})
            continue
        try:
            chosen = "" if source.name == pair_auto_name(source.lead_branch, grassroots) else source.name
            report.created.append(save_pair(year=target_year, lead_branch=source.lead_branch,
                                            grassroots_branches=grassroots, name=chosen))
        except ValidationError as exc:
            report.skipped.append({"pair": source, "reasons": exc.messages})
    return report


# --------------------------------------------------------------------------------------------- departments


def _check_department(unit: Unit) -> None:
    if unit.kind != Unit.Kind.DEPARTMENT:
        raise ValidationError({"unit": _("“党建+业务”只适用于机关部门。")})


def save_duty_evidence(
    *,
    evidence: DutyEvidence | None = None,
    unit: Unit,
    year: int,
    duty: Duty,
    stage: str,
    date: date,
    description: str,
    standard: str = "",
    supervision_responsibility: str = "",
    assessment_method: str = "",
    file=None,
    user=None,
) -> DutyEvidence:
    evidence = evidence or DutyEvidence(created_by=user)
    evidence.unit, evidence.year, evidence.duty, evidence.stage, evidence.date = unit, year, duty, stage, date
    evidence.description = description or ""
    evidence.standard = standard or ""
    evidence.supervision_responsibility = supervision_responsibility or ""
    evidence.assessment_method = assessment_method or ""
    if file is not None:
        from branches.imports import check_evidence_file

        check_evidence_file(file)
        evidence.file = file
    return _full_clean_and_save(evidence)


def delete_duty_evidence(*, evidence: DutyEvidence) -> None:
    if evidence.file:
        evidence.file.delete(save=False)
    evidence.delete()


def save_key_work_plan(
    *,
    plan: KeyWorkPlan | None = None,
    unit: Unit,
    year: int,
    title: str,
    document=None,
    expected_version: int | None = None,
) -> KeyWorkPlan:
    """The department's plan; its first save files it (the filing date is the system's, kept after)."""
    _check_department(unit)
    validate_year(year)
    if plan is None and KeyWorkPlan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("本部门 %(year)s 年度已有重点工作方案。") % {"year": year}})
    plan = plan or KeyWorkPlan(unit=unit, year=year)
    plan.title = (title or "").strip()
    plan.mark_submitted()
    if document is not None:
        from branches.imports import check_evidence_file

        check_evidence_file(document, field="document")
        plan.document = document
    plan.full_clean(exclude=["version"])
    save_versioned(plan, expected_version=expected_version)
    return plan


def save_key_work_task(*, task: KeyWorkTask | None = None, plan: KeyWorkPlan, number: int, title: str,
                       duty: Duty | None = None, owner: str = "") -> KeyWorkTask:
    task = task or KeyWorkTask()
    task.plan, task.number, task.title, task.duty, task.owner = plan, number, (title or "").strip(), duty, owner or ""
    return _full_clean_and_save(task)


def target_month_start(*, year: int | None, month: int | None) -> date | None:
    """The first day of a monthly target's month: the day that decides whether a published quarter locks it
    (the quarter's share of targets on schedule is scored from these records)."""
    if not year or isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        return None
    return date(year, month, 1)


def _ensure_target_open(*, year: int | None, month: int | None) -> None:
    """Refuse a monthly target of a published quarter with the workspace's message, keyed by `month` as the
    workspace keys its records by `date` (the rule itself lives in scoring.locks)."""
    from pairing.services import ensure_open

    ensure_open(target_month_start(year=year, month=month), "month")


def _ensure_stored_target_open(target: MonthlyTarget) -> None:
    """A stored target of a published quarter keeps what the ranking counted: no change of text, month or status."""
    if not target.pk:
        return
    stored = MonthlyTarget.objects.filter(pk=target.pk).values("task__plan__year", "month").first()
    if stored is not None:
        _ensure_target_open(year=stored["task__plan__year"], month=stored["month"])


@transaction.atomic
def save_monthly_target(*, target: MonthlyTarget | None = None, task: KeyWorkTask, month: int, text: str,
                        user=None) -> MonthlyTarget:
    """Add (or change) a task's target of a month; refused when the old or the new month lies in a quarter
    whose ranking is published."""
    if target is not None:
        _ensure_stored_target_open(target)
    _ensure_target_open(year=task.plan.year, month=month)
    target = target or MonthlyTarget()
    target.task, target.month, target.target, target.updated_by = task, month, (text or "").strip(), user
    return _full_clean_and_save(target)


@transaction.atomic
def update_target_status(*, target: MonthlyTarget, status: str, note: str = "", user=None) -> MonthlyTarget:
    """Mark a month's target done, behind or overdue (a note is required for behind and overdue); refused
    once the month's quarter is published."""
    _ensure_stored_target_open(target)
    if status not in MonthlyTarget.Status.values:
        raise ValidationError({"status": _("请选择有效的状态。")})
    if status == MonthlyTarget.Status.DONE and target.status != MonthlyTarget.Status.DONE:
        target.completed_on = timezone.localdate()
    elif status != MonthlyTarget.Status.DONE:
        target.completed_on = None
    target.status, target.note, target.updated_by = status, (note or "").strip(), user
    return _full_clean_and_save(target)


# --------------------------------------------------------------------------------------------- reminders


@dataclass
class ReminderResult:
    items: int = 0
    recipients: int = 0
    created: int = 0
    users: int = 0
    emailed: int = 0


def week_label(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso[0]}W{iso[1]:02d}"


def _recipients(items) -> dict[int, set[int]]:
    """User ids to notify per item index: officers (secretary, committee) of the item's branches and heads
    of its departments, in one query."""
    branch_ids = {b for item in items for b in item.branch_ids}
    unit_ids = {u for item in items for u in item.unit_ids}
    by_branch: dict[int, set[int]] = defaultdict(set)
    by_unit: dict[int, set[int]] = defaultdict(set)
    roles = Role.objects.filter(user__is_active=True).filter(
        Q(kind__in=Role.BRANCH_SCOPED, branch_id__in=branch_ids)
        | Q(kind=Role.Kind.DEPARTMENT, unit_id__in=unit_ids)
    ).values_list("user_id", "kind", "branch_id", "unit_id")
    for user_id, kind, branch_id, unit_id in roles:
        if kind == Role.Kind.DEPARTMENT:
            by_unit[unit_id].add(user_id)
        else:
            by_branch[branch_id].add(user_id)
    result = {}
    for index, item in enumerate(items):
        users: set[int] = set()
        for b in item.branch_ids:
            users |= by_branch.get(b, set())
        for u in item.unit_ids:
            users |= by_unit.get(u, set())
        users |= set(item.user_ids)
        result[index] = users
    return result


@transaction.atomic
def notify(*, items, today: date) -> ReminderResult:
    """Create one notification per (user, item, week); an item already notified this week is skipped, so
    running again sends nothing new. E-mails the new ones when a mail server is configured."""
    week = week_label(today)
    recipients = _recipients(items)
    muted = set(MutedReminder.objects.filter(user_id__in={u for users in recipients.values() for u in users})
                .values_list("user_id", "kind"))
    wanted: dict[tuple[int, str], Notification] = {}
    for index, item in enumerate(items):
        key = f"{item.kind}:{item.item_key}:{week}"
        for user_id in recipients[index]:
            if (user_id, item.kind) in muted:
                continue
            wanted[(user_id, key)] = Notification(
                user_id=user_id, kind=item.kind, key=key, title=str(item.title)[:200], body=str(item.body),
                link=item.link[:300],
            )
    result = ReminderResult(items=len(items), recipients=len(wanted))
    if not wanted:
        return result
    existing = set(
        Notification.objects.filter(user_id__in={u for u, _k in wanted}, key__in={k for _u, k in wanted})
        .values_list("user_id", "key")
    )
    new = [n for pair, n in wanted.items() if pair not in existing]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    freshness.touch_users({n.user_id for n in new})  # bulk_create sends no signals: the unread counts
    result.created = len(new)
    result.users = len({n.user_id for n in new})
    if new and getattr(settings, "EMAIL_HOST", ""):
        result.emailed = _email(new)
    return result


def _email(new: list[Notification]) -> int:
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in new:
        by_user[n.user_id].append(n)
    users = {u.pk: u for u in User.objects.filter(pk__in=by_user).exclude(email="")}
    sent_users = []
    for user_id, notes in by_user.items():
        user = users.get(user_id)
        if user is None:
            continue
        site = settings.SITE_URL.rstrip("/")
        body = "\n\n".join(f"{n.title}\n{n.body}" + (f"\n{site}{n.link}" if n.link else "") for n in notes)
        body += "\n\n" + _("不想再收到某类提醒，可在“通知”页面关闭：%(url)s") % {
            "url": site + reverse("branches:notifications")}
        try:
            send_mail(_("党建工作提醒（%(n)s 条）") % {"n": len(notes)}, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except (smtplib.SMTPException, OSError):  # a mail failure must not lose the in-app notifications
            logger.exception("reminder e-mail to user %s failed", user_id)
            continue
        sent_users.append(user_id)
    if sent_users:
        keys = {n.key for n in new}
        Notification.objects.filter(user_id__in=sent_users, key__in=keys, emailed_at__isnull=True).update(
            emailed_at=timezone.now())
    return len(sent_users)


def send_reminders(*, today: date | None = None) -> ReminderResult:
    """The beat's job: remind everyone of everything behind pace, due or overdue (each once a week)."""
    today = today or timezone.localdate()
    return notify(items=reminders.all_reminder_items(today=today), today=today)


def remind_missing_plans(*, year: int, today: date | None = None) -> ReminderResult:
    """The filing board's action: remind those whose annual plan is still missing."""
    today = today or timezone.localdate()
    return notify(items=reminders.plan_missing_items(year=year, today=today), today=today)


def mark_notification_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    freshness.touch_users([user.pk])  # update() sends no signals
    return marked


def set_muted_reminders(*, user, kinds) -> set[str]:
    """A person's own choice of the reminder kinds they no longer receive (in the app or by e-mail)."""
    chosen = {k for k in kinds if k in REMINDER_KINDS}
    unknown = set(kinds) - chosen
    if unknown:
        raise ValidationError({"kinds": _("未知的提醒类型。")})
    with transaction.atomic():
        MutedReminder.objects.filter(user=user).exclude(kind__in=chosen).delete()
        for kind in chosen:
            MutedReminder.objects.get_or_create(user=user, kind=kind)
    return chosen
