"""Writes of pairs and partnerships. Pages, the API, imports and the demo data all come through here,
so the seeds' rules are enforced in one place."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import person_for
from branches.models import Branch, ExternalOrganization, Member
from branches.periods import Quarter, validate_year
from config.atomic_files import files_with_transaction, track
from config.concurrency import StaleRecordError, save_versioned
from pairing import uploads
from pairing.models import (
    Activity,
    ActivityKind,
    AnnualPlan,
    Evidence,
    InformationExchange,
    JointMeeting,
    KeyProject,
    Pair,
    PairGrassroots,
    Partnership,
    Problem,
    ProjectTask,
)


@transaction.atomic
def save_pair(
    *,
    year: int,
    lead_branch: Branch,
    grassroots_branches: Sequence[Branch],
    name: str = "",
    pair: Pair | None = None,
) -> Pair:
    """Create or change a pair: one office/direct branch with one or two grassroots branches."""
    validate_year(year)
    errors: dict[str, list[str]] = {}
    grassroots = list(dict.fromkeys(grassroots_branches))
    if not lead_branch.is_pair_lead_kind:
        errors.setdefault("lead_branch", []).append(_("共建对子的一方必须是机关党支部或直属党支部。"))
    if not 1 <= len(grassroots) <= 2:
        errors.setdefault("grassroots_branches", []).append(_("每个共建对子结对一至两个基层党支部（“一对一”或“一对二”）。"))
    for branch in grassroots:
        if branch.kind != Branch.Kind.GRASSROOTS:
            errors.setdefault("grassroots_branches", []).append(
                _("“%(branch)s”不是基层党支部，不能作为结对的基层一方。") % {"branch": branch.name}
            )
    other_pairs = Pair.objects.filter(year=year)
    if pair is not None and pair.pk:
        other_pairs = other_pairs.exclude(pk=pair.pk)
    if other_pairs.filter(lead_branch=lead_branch).exists():
        errors.setdefault("lead_branch", []).append(
            _("“%(branch)s”在 %(year)s 年已有共建对子。") % {"branch": lead_branch.name, "year": year}
        )
    taken = PairGrassroots.objects.filter(pair__in=other_pairs, branch__in=grassroots).select_related("branch")
    for link in taken:
        errors.setdefault("grassroots_branches", []).append(
            _("“%(branch)s”在 %(year)s 年已与其他机关党支部结对。") % {"branch": link.branch.name, "year": year}
        )
    if errors:
        raise ValidationError(errors)

    name = (name or "").strip()
    change = ""
    if pair is None:
        pair = Pair(year=year)
    elif pair.pk:
        old_lead = Branch.objects.get(pk=Pair.objects.values_list("lead_branch_id", flat=True).get(pk=pair.pk))
        old_grassroots = list(Branch.objects.filter(pk__in=PairGrassroots.objects.filter(pair=pair)
                                                    .values("branch_id")).order_by("code"))
        # A name that was only made from the branches follows them; a name someone chose stays.
        if name == pair.name and pair.name == pair_auto_name(old_lead, old_grassroots):
            name = ""
        before = [old_lead.pk, *sorted(b.pk for b in old_grassroots)]
        if before != [lead_branch.pk, *sorted(b.pk for b in grassroots)]:
            change = _("结对支部调整：%(old)s → %(new)s") % {
                "old": pair_auto_name(old_lead, old_grassroots), "new": pair_auto_name(lead_branch, grassroots)}
    pair.year = year
    pair.lead_branch = lead_branch
    pair.name = name or pair_auto_name(lead_branch, grassroots)
    pair.full_clean()
    if change:
        pair._change_reason = change[:100]
    pair.save()
    PairGrassroots.objects.filter(pair=pair).exclude(branch__in=grassroots).delete()
    for branch in grassroots:
        PairGrassroots.objects.update_or_create(pair=pair, branch=branch, defaults={"year": year})
    return pair


def pair_auto_name(lead_branch: Branch, grassroots: Sequence[Branch]) -> str:
    """The name a pair gets from its branches when nobody chose one."""
    others = sorted(grassroots, key=lambda b: b.code or "")
    return _("%(lead)s—%(others)s") % {"lead": lead_branch.name, "others": "、".join(b.name for b in others)}


def rename_pairs_after_branch(*, branch: Branch, old_name: str) -> int:
    """After a branch is renamed, the pairs named from their branches take the new name (with the reason in their
    history); pairs someone named keep their name."""
    renamed = 0
    pairs = (Pair.objects.filter(Q(lead_branch=branch) | Q(grassroots_links__branch=branch)).distinct()
             .select_related("lead_branch"))
    for pair in pairs:
        grassroots = list(pair.grassroots_branches.order_by("code"))

        def named(b: Branch) -> Branch:
            return Branch(pk=b.pk, code=b.code, name=old_name) if b.pk == branch.pk else b

        if pair.name != pair_auto_name(named(pair.lead_branch), [named(g) for g in grassroots]):
            continue
        pair.name = pair_auto_name(pair.lead_branch, grassroots)
        pair._change_reason = (_("党支部更名：%(old)s → %(new)s") % {"old": old_name, "new": branch.name})[:100]
        pair.save(update_fields=["name"])
        renamed += 1
    return renamed


@transaction.atomic
def save_partnership(
    *, year: int, branch: Branch, external_org: ExternalOrganization, partnership: Partnership | None = None
) -> Partnership:
    """Create or change a partnership; only with an outside unit where 5+ of the branch's members work."""
    validate_year(year)
    partnership = partnership or Partnership()
    partnership.year = year
    partnership.branch = branch
    partnership.external_org = external_org
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def copy_pairs_from_year(*, source_year: int, target_year: int) -> list[Pair]:
    """Copy last year's pairs to a new year, skipping any branch already paired in the target year."""
    validate_year(target_year)
    created: list[Pair] = []
    for source in Pair.objects.filter(year=source_year).prefetch_related("grassroots_branches"):
        try:
            created.append(
                save_pair(year=target_year, lead_branch=source.lead_branch,
                          grassroots_branches=list(source.grassroots_branches.all()), name=source.name)
            )
        except ValidationError:
            continue
    return created


# =============================================================================================
# The branch workspace: activities and evidence, plans, key projects and task claim lists,
# problems, joint meetings and information exchanges. Pages and the API both call these, so each
# rule (permission, quarter lock, dates, roster, file types) lives here once.
# =============================================================================================

def _today() -> date:
    return timezone.localdate()


def _deny() -> PermissionDenied:
    return PermissionDenied(_("您没有修改该记录的权限：只能修改本支部及本支部所在共建对子、党建共建的记录。"))


def owner_branch_ids(owner: Pair | Partnership) -> set[int]:
    from pairing.selectors import pair_branch_ids

    return pair_branch_ids(owner) if isinstance(owner, Pair) else {owner.branch_id}


def can_edit_owner(user, owner: Pair | Partnership) -> bool:
    person = person_for(user)
    return person.is_org_admin or bool(owner_branch_ids(owner) & person.branch_ids)


def can_edit_activity(user, activity: Activity) -> bool:
    person = person_for(user)
    if person.can_edit_branch(activity.owner_branch_id):
        return True
    owner = activity.pair or activity.partnership
    return owner is not None and can_edit_owner(user, owner)


def _ensure_branch(user, branch: Branch) -> None:
    if not person_for(user).can_edit_branch(branch.pk):
        raise _deny()


def _ensure_owner(user, owner: Pair | Partnership) -> None:
    if not can_edit_owner(user, owner):
        raise _deny()


# --- quarter lock ------------------------------------------------------------------------------


def quarter_locked(quarter: Quarter) -> bool:
    """True once the quarter's ranking has been published (scoring owns the rule)."""
    from scoring.locks import quarter_is_locked

    return quarter_is_locked(quarter)


def lock_message(quarter: Quarter) -> str:
    return _("%(quarter)s 的党建提质杯排名已发布，该季度的记录已锁定为只读。") % {"quarter": str(quarter)}


def _lock_errors(day: date | None, field: str = "date") -> dict:
    if day is None:
        return {}
    from scoring.locks import ensure_quarter_open

    try:
        ensure_quarter_open(day)
    except ValidationError as exc:
        messages = exc.message_dict.get("date") if hasattr(exc, "error_dict") else exc.messages
        return {field: messages or [lock_message(Quarter.of(day))]}
    return {}


def _add_lock_errors(errors: dict, day: date | None, field: str = "date") -> None:
    for name, items in _lock_errors(day, field).items():
        errors.setdefault(name, []).extend(items)


def ensure_open(day: date | None, field: str = "date") -> None:
    errors = _lock_errors(day, field)
    if errors:
        raise ValidationError(errors)


def record_is_locked(day: date | None) -> bool:
    return bool(day) and quarter_locked(Quarter.of(day))


# --- shared checks -----------------------------------------------------------------------------


def _add(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def _merge(errors: dict, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, items in exc.error_dict.items():
            errors.setdefault(field, []).extend(items)
    else:
        errors.setdefault("__all__", []).extend(exc.error_list)


def _check_past_date(errors: dict, day: date | None, field: str, *, required: bool = True,
                     year: int | None = None) -> None:
    if day is None:
        if required:
            _add(errors, field, _("请填写日期。"))
        return
    if day > _today():
        _add(errors, field, _("日期不能晚于今天（%(today)s）。") % {"today": _today().isoformat()})
    if year and day.year != year:
        _add(errors, field, _("日期必须在 %(year)s 年度内。") % {"year": year})


def _checked_document(errors: dict, file: UploadedFile | None, field: str) -> uploads.CheckedFile | None:
    """The attachment checked by content (None when none was sent); its errors go to `errors`."""
    try:
        return uploads.check_document(file, field=field)
    except ValidationError as exc:
        _merge(errors, exc)
        return None


def _author(user):
    """The user to record as author; None for callers without an account (imports, demo data)."""
    return user if getattr(user, "pk", None) else None


def _text(data: dict, key: str) -> str:
    return (data.get(key) or "").strip()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- activities and evidence -------------------------------------------------------------------


def evidence_kinds(checked: Sequence[uploads.CheckedFile], kinds: Sequence[str] | None,
                   field: str = "files") -> list[str]:
    """The type of each file (现场照片 / 签到表 / 文件) in the order sent; a file without one is a photo
    when it is an image, else a document."""
    allowed = set(Evidence.Kind.values)
    kinds = list(kinds or [])
    bad = [k for k in kinds if k and k not in allowed]
    if bad:
        raise ValidationError({field: [_("佐证类别“%(kind)s”无效，应为现场照片、签到表或文件。") % {"kind": bad[0]}]})
    result = []
    for index, item in enumerate(checked):
        given = kinds[index] if index < len(kinds) else ""
        result.append(given or (Evidence.Kind.PHOTO if item.is_image else Evidence.Kind.DOCUMENT))
    return result


def _store_evidence(*, activity: Activity, checked: Sequence[uploads.CheckedFile], user,
                    kinds: Sequence[str] | None = None) -> list[Evidence]:
    """Write the files and their rows; the files are removed again if the transaction rolls back."""
    created = []
    for item, kind in zip(checked, evidence_kinds(checked, kinds), strict=True):
        evidence = Evidence(activity=activity, original_name=item.original_name, content_type=item.content_type,
                            size=item.size, uploaded_by=user, kind=kind)
        evidence.file.save(item.stored_name(), uploads.stored_content(item), save=False)
        track(evidence.file)
        thumbnail = uploads.make_thumbnail(item)
        if thumbnail is not None:
            evidence.thumbnail.save(thumbnail.name, thumbnail, save=False)
            track(evidence.thumbnail)
        evidence.save()
        created.append(evidence)
    return created


def _delete_files_on_commit(*fields) -> None:
    names = [(f.storage, f.name) for f in fields if f]

    def remove() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                pass

    transaction.on_commit(remove)


def _apply_activity(activity: Activity, *, user, branch: Branch, data: dict,
                    files: Iterable[UploadedFile] | None, existing_files: int,
                    file_kinds: Sequence[str] | None = None) -> Activity:
    from pairing.selectors import pair_branch_ids, pair_of_branch

    errors: dict = {}
    day = data.get("date")
    title = _text(data, "title")
    kind: ActivityKind | None = data.get("kind")
    pair: Pair | None = data.get("pair")
    partnership: Partnership | None = data.get("partnership")
    _check_past_date(errors, day, "date")
    if not title:
        _add(errors, "title", _("请填写活动标题。"))
    if kind is None:
        _add(errors, "kind", _("请选择活动类型。"))
    elif not kind.is_active and kind.pk != activity.kind_id:
        _add(errors, "kind", _("该活动类型已停用，请另选。"))
    if pair and partnership:
        _add(errors, "pair", _("一项活动只能属于一个共建对子或一个党建共建。"))

    year = day.year if day else _today().year
    branch_pair = pair_of_branch(branch, year)
    allowed_ids = pair_branch_ids(branch_pair) if branch_pair else {branch.pk}
    chosen = {b.pk: b for b in (data.get("branches") or [])}
    chosen[branch.pk] = branch
    stray = [b.name for pk, b in chosen.items() if pk not in allowed_ids]
    if stray:
        _add(errors, "branches", _("只能选择本支部和 %(year)s 年结对的支部；“%(names)s”不在其中。")
             % {"year": year, "names": "、".join(stray)})
    if pair is not None:
        pair_ids = pair_branch_ids(pair)
        if branch.pk not in pair_ids:
            _add(errors, "pair", _("本支部不在所选的共建对子中。"))
        else:
            if len(set(chosen) & pair_ids) < 2:
                # Choosing the pair says who took part: when no partner branch was ticked, all of them join.
                chosen.update({b.pk: b for b in Branch.objects.filter(pk__in=pair_ids - set(chosen))})
            if len(set(chosen) & pair_ids) < 2:
                _add(errors, "branches", _("共建活动须有结对支部共同参加，请勾选结对支部。"))
    elif partnership is None and branch_pair is not None and len(set(chosen) & allowed_ids) > 1:
        # Partner branches took part: this is the pair's joint activity.
        pair = branch_pair
    if partnership is not None and partnership.branch_id != branch.pk:
        _add(errors, "partnership", _("所选党建共建不属于本支部。"))
    owner = pair or partnership
    if day and owner is not None and day.year != owner.year:
        _add(errors, "date", _("日期必须在 %(year)s 年度内（所属共建的年度）。") % {"year": owner.year})

    attendees = list(data.get("attendees") or [])
    outside = [m.name for m in attendees if m.branch_id not in chosen or not m.is_active]
    if outside:
        _add(errors, "attendees", _("参加党员须是参加支部的在册党员：“%(names)s”不是。") % {"names": "、".join(outside)})
    guest_count = data.get("guest_count") or 0
    if not isinstance(guest_count, int) or guest_count < 0:
        _add(errors, "guest_count", _("其他参加人数须为不小于 0 的整数。"))
        guest_count = 0
    checked = []
    if files:
        try:
            checked = uploads.check_files(files, already=existing_files)
            evidence_kinds(checked, file_kinds)
        except ValidationError as exc:
            _merge(errors, exc)
            checked = []
    _add_lock_errors(errors, day)
    _raise(errors)

    activity.date = day
    activity.title = title
    activity.kind = kind
    activity.pair = pair
    activity.partnership = partnership
    activity.guest_count = guest_count
    activity.location = _text(data, "location")
    activity.summary = _text(data, "summary")
    activity.full_clean()
    activity.save()
    activity.branches.set(list(chosen.values()))
    activity.attendees.set(attendees)
    _store_evidence(activity=activity, checked=checked, user=user, kinds=file_kinds)
    return activity


@files_with_transaction()
def log_activity(*, user, branch: Branch, data: dict, files: Iterable[UploadedFile] | None = None,
                 file_kinds: Sequence[str] | None = None) -> Activity:
    """Log an activity of `branch`. `data`: date, kind, title, branches, pair?, partnership?, attendees,
    guest_count, location, summary. The own branch always takes part; partner branches make it the
    pair's joint activity, and choosing the pair with none of its partner branches ticked adds them."""
    _ensure_branch(user, branch)
    activity = Activity(owner_branch=branch, created_by=_author(user))
    return _apply_activity(activity, user=user, branch=branch, data=data, files=files, existing_files=0,
                           file_kinds=file_kinds)


@files_with_transaction()
def update_activity(*, user, activity: Activity, data: dict, files: Iterable[UploadedFile] | None = None,
                    file_kinds: Sequence[str] | None = None) -> Activity:
    if not can_edit_activity(user, activity):
        raise _deny()
    stored = Activity.objects.select_for_update().get(pk=activity.pk)
    ensure_open(stored.date)
    return _apply_activity(activity, user=user, branch=activity.owner_branch, data=data, files=files,
                           existing_files=stored.evidence.count(), file_kinds=file_kinds)


@transaction.atomic
def delete_activity(*, user, activity: Activity) -> None:
    if not can_edit_activity(user, activity):
        raise _deny()
    ensure_open(activity.date)
    files = []
    for evidence in activity.evidence.all():
        files += [evidence.file, evidence.thumbnail]
    _delete_files_on_commit(*files)
    activity.delete()


@files_with_transaction()
def add_evidence(*, user, activity: Activity, files: Iterable[UploadedFile],
                 file_kinds: Sequence[str] | None = None) -> list[Evidence]:
    if not can_edit_activity(user, activity):
        raise _deny()
    ensure_open(activity.date)
    files = [f for f in (files or []) if f]
    if not files:
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    checked = uploads.check_files(files, already=activity.evidence.count())
    return _store_evidence(activity=activity, checked=checked, user=user, kinds=file_kinds)


@transaction.atomic
def delete_evidence(*, user, evidence: Evidence) -> None:
    activity = evidence.activity
    if not can_edit_activity(user, activity):
        raise _deny()
    ensure_open(activity.date)
    _delete_files_on_commit(evidence.file, evidence.thumbnail)
    evidence.delete()


# --- annual plans ------------------------------------------------------------------------------

PLAN_FIELDS = ("goals", "measures", "timeline", "lead_responsibilities", "partner_responsibilities")


@files_with_transaction()
def file_annual_plan(*, user, owner: Pair | Partnership, data: dict, document: UploadedFile | None = None,
                     expected_version: int | None = None) -> AnnualPlan:
    """File (备案) or revise the annual plan of a pair or partnership. The filing date is set the first
    time and never moves; a revision made from a stale page is refused (optimistic concurrency)."""
    _ensure_owner(user, owner)
    owner_field = "pair" if isinstance(owner, Pair) else "partnership"
    plan = AnnualPlan.objects.filter(**{owner_field: owner}).first()
    if plan is None:
        plan = AnnualPlan(**{owner_field: owner}, year=owner.year)
    elif expected_version is None:
        # The page was opened before anyone filed the plan: someone filed it meanwhile. Sending the
        # form again (it then carries this version) applies what was typed over their filing.
        raise StaleRecordError(current_version=plan.version)
    errors: dict = {}
    if not _text(data, "goals"):
        _add(errors, "goals", _("请填写工作目标。"))
    checked = _checked_document(errors, document, "document")
    _raise(errors)
    for field in PLAN_FIELDS:
        setattr(plan, field, _text(data, field))
    plan.year = owner.year
    plan.mark_submitted(today=_today(), user=_author(user))
    old_document = plan.document if plan.pk and plan.document else None
    if checked is not None:
        plan.document.save(checked.stored_name(), uploads.stored_content(checked), save=False)
        track(plan.document)
        if old_document:
            _delete_files_on_commit(old_document)
    plan.full_clean()
    save_versioned(plan, expected_version=expected_version)
    return plan


# --- key projects and task claim lists ---------------------------------------------------------


@transaction.atomic
def save_key_project(*, user, pair: Pair, data: dict, project: KeyProject | None = None) -> KeyProject:
    _ensure_owner(user, pair)
    project = project or KeyProject(pair=pair)
    if project.pair_id != pair.pk:
        raise _deny()
    errors: dict = {}
    if not _text(data, "title"):
        _add(errors, "title", _("请填写项目名称。"))
    _raise(errors)
    project.title = _text(data, "title")
    project.kind = data.get("kind") or KeyProject.Kind.PROJECT
    project.goal = _text(data, "goal")
    project.description = _text(data, "description")
    project.status = data.get("status") or project.status or KeyProject.Status.ACTIVE
    project.full_clean()
    project.save()
    return project


def _task_lock(task: ProjectTask) -> None:
    """A task completed in a published quarter keeps what the ranking saw."""
    if task.completed_on:
        ensure_open(task.completed_on, "__all__")


@transaction.atomic
def add_task(*, user, project: KeyProject, data: dict) -> ProjectTask:
    _ensure_owner(user, project.pair)
    errors: dict = {}
    if not _text(data, "title"):
        _add(errors, "title", _("请填写任务内容。"))
    due = data.get("due_date")
    if due and due.year != project.pair.year:
        _add(errors, "due_date", _("完成时限必须在 %(year)s 年度内。") % {"year": project.pair.year})
    _raise(errors)
    task = ProjectTask(project=project, title=_text(data, "title"), due_date=due)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def claim_task(*, user, task: ProjectTask, claimant: Member | None, commitment: str,
               claimed_on: date | None = None) -> ProjectTask:
    """A member of either side of the pair claims the task and signs a commitment (任务领办)."""
    _ensure_owner(user, task.project.pair)
    if task.status == ProjectTask.Status.DONE:
        raise ValidationError({"__all__": [_("该任务已完成，不能再领办。")]})
    claimed_on = claimed_on or _today()
    errors: dict = {}
    if claimant is None:
        _add(errors, "claimant", _("请选择领办党员。"))
    elif not claimant.is_active:
        _add(errors, "claimant", _("“%(name)s”不是在册党员。") % {"name": claimant.name})
    if not (commitment or "").strip():
        _add(errors, "commitment", _("领办任务须填写承诺内容。"))
    _check_past_date(errors, claimed_on, "claimed_on")
    errors.update({k: v for k, v in _lock_errors(claimed_on, "claimed_on").items() if k not in errors})
    _raise(errors)
    task.claimant = claimant
    task.commitment = commitment.strip()
    task.claimed_on = claimed_on
    if task.status == ProjectTask.Status.OPEN:
        task.status = ProjectTask.Status.CLAIMED
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def update_task_progress(*, user, task: ProjectTask, progress_note: str) -> ProjectTask:
    _ensure_owner(user, task.project.pair)
    if task.status == ProjectTask.Status.OPEN or not task.claimant_id:
        raise ValidationError({"progress_note": [_("请先由党员领办该任务，再填写进展。")]})
    if task.status == ProjectTask.Status.DONE:
        _task_lock(task)
    if not (progress_note or "").strip():
        raise ValidationError({"progress_note": [_("请填写进展情况。")]})
    task.progress_note = progress_note.strip()
    if task.status == ProjectTask.Status.CLAIMED:
        task.status = ProjectTask.Status.IN_PROGRESS
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def complete_task(*, user, task: ProjectTask, completed_on: date | None = None,
                  progress_note: str = "") -> ProjectTask:
    _ensure_owner(user, task.project.pair)
    if task.status == ProjectTask.Status.OPEN or not task.claimant_id:
        raise ValidationError({"completed_on": [_("请先由党员领办该任务，再标记完成。")]})
    completed_on = completed_on or _today()
    errors: dict = {}
    _check_past_date(errors, completed_on, "completed_on")
    if task.claimed_on and completed_on < task.claimed_on:
        _add(errors, "completed_on", _("完成日期不能早于领办日期。"))
    _add_lock_errors(errors, completed_on, "completed_on")
    _raise(errors)
    task.completed_on = completed_on
    task.status = ProjectTask.Status.DONE
    if (progress_note or "").strip():
        task.progress_note = progress_note.strip()
    task.full_clean()
    task.save()
    return task


# --- problems ----------------------------------------------------------------------------------


@transaction.atomic
def raise_problem(*, user, pair: Pair, data: dict) -> Problem:
    _ensure_owner(user, pair)
    problem = Problem(pair=pair)
    return _apply_problem(problem, data)


def _apply_problem(problem: Problem, data: dict) -> Problem:
    pair = problem.pair
    errors: dict = {}
    raised_by = data.get("raised_by")
    if raised_by is None:
        _add(errors, "raised_by", _("请选择提出方。"))
    elif raised_by.pk not in owner_branch_ids(pair):
        _add(errors, "raised_by", _("提出方必须是结对双方之一。"))
    if not _text(data, "title"):
        _add(errors, "title", _("请填写难题。"))
    raised_on = data.get("raised_on")
    _check_past_date(errors, raised_on, "raised_on", year=pair.year)
    status = data.get("status") or Problem.Status.OPEN
    if status == Problem.Status.SOLVED and problem.status != Problem.Status.SOLVED:
        _add(errors, "status", _("请通过“登记解决”填写解决措施和日期。"))
    _add_lock_errors(errors, raised_on, "raised_on")
    _raise(errors)
    problem.raised_by = raised_by
    problem.title = _text(data, "title")
    problem.description = _text(data, "description")
    problem.raised_on = raised_on
    problem.status = status
    problem.full_clean()
    problem.save()
    return problem


@transaction.atomic
def update_problem(*, user, problem: Problem, data: dict) -> Problem:
    _ensure_owner(user, problem.pair)
    ensure_open(problem.raised_on, "raised_on")
    if problem.solved_on:
        ensure_open(problem.solved_on, "__all__")
    return _apply_problem(problem, data)


@transaction.atomic
def solve_problem(*, user, problem: Problem, solution: str, solved_on: date | None = None) -> Problem:
    _ensure_owner(user, problem.pair)
    if problem.solved_on:
        ensure_open(problem.solved_on, "__all__")
    solved_on = solved_on or _today()
    errors: dict = {}
    if not (solution or "").strip():
        _add(errors, "solution", _("请填写解决措施。"))
    _check_past_date(errors, solved_on, "solved_on")
    if problem.raised_on and solved_on < problem.raised_on:
        _add(errors, "solved_on", _("解决日期不能早于提出日期。"))
    _add_lock_errors(errors, solved_on, "solved_on")
    _raise(errors)
    problem.solution = solution.strip()
    problem.solved_on = solved_on
    problem.status = Problem.Status.SOLVED
    problem.full_clean()
    problem.save()
    return problem


# --- joint meetings ----------------------------------------------------------------------------

MEETING_FIELDS = ("topic", "attendees", "minutes", "decisions")


@files_with_transaction()
def record_meeting(*, user, owner: Pair | Partnership | None = None, data: dict,
                   file: UploadedFile | None = None, meeting: JointMeeting | None = None) -> JointMeeting:
    """Record (or correct) a joint meeting 联席会 of a pair or partnership."""
    if meeting is not None:
        owner = meeting.owner
        _ensure_owner(user, owner)
        ensure_open(meeting.date)
    else:
        _ensure_owner(user, owner)
        meeting = JointMeeting(**{"pair" if isinstance(owner, Pair) else "partnership": owner},
                               created_by=_author(user))
    errors: dict = {}
    day = data.get("date")
    _check_past_date(errors, day, "date", year=owner.year)
    if not _text(data, "topic"):
        _add(errors, "topic", _("请填写会议议题。"))
    checked = _checked_document(errors, file, "file")
    _add_lock_errors(errors, day)
    _raise(errors)
    meeting.date = day
    for field in MEETING_FIELDS:
        setattr(meeting, field, _text(data, field))
    if checked is not None:
        if meeting.file:
            _delete_files_on_commit(meeting.file)
        meeting.file.save(checked.stored_name(), uploads.stored_content(checked), save=False)
        track(meeting.file)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def delete_meeting(*, user, meeting: JointMeeting) -> None:
    _ensure_owner(user, meeting.owner)
    ensure_open(meeting.date)
    _delete_files_on_commit(meeting.file)
    meeting.delete()


# --- information exchanges ---------------------------------------------------------------------


@files_with_transaction()
def record_information_exchange(*, user, partnership: Partnership | None = None, data: dict,
                                file: UploadedFile | None = None,
                                exchange: InformationExchange | None = None) -> InformationExchange:
    """Record 信息互通 with a partner organisation: assessment, thinking dynamics, attendance; each
    kind once a month at most, at least once a quarter."""
    if exchange is not None:
        partnership = exchange.partnership
        _ensure_owner(user, partnership)
        ensure_open(exchange.quarter.start, "__all__")
    else:
        _ensure_owner(user, partnership)
        exchange = InformationExchange(partnership=partnership,
                                       created_by=_author(user))
    errors: dict = {}
    kind = data.get("kind")
    if kind not in InformationExchange.Kind.values:
        _add(errors, "kind", _("请选择互通类别。"))
    period_year = data.get("period_year") or partnership.year
    month = data.get("period_month")
    if period_year != partnership.year:
        _add(errors, "period_year", _("所属年度必须与共建年度一致（%(year)s）。") % {"year": partnership.year})
    if not isinstance(month, int) or not 1 <= month <= 12:
        _add(errors, "period_month", _("请选择所属月份。"))
    exchanged_on = data.get("exchanged_on")
    _check_past_date(errors, exchanged_on, "exchanged_on")
    if not _text(data, "content"):
        _add(errors, "content", _("请填写互通内容。"))
    if not errors.get("period_month") and not errors.get("period_year"):
        period_start = date(period_year, month, 1)
        _add_lock_errors(errors, period_start, "period_month")
        if exchanged_on and exchanged_on < period_start:
            _add(errors, "exchanged_on", _("互通日期不能早于所属月份。"))
        duplicate = InformationExchange.objects.filter(
            partnership=partnership, kind=kind, period_year=period_year, period_month=month
        ).exclude(pk=exchange.pk)
        if kind and duplicate.exists():
            _add(errors, "period_month", _("%(year)s 年 %(month)s 月的“%(kind)s”已登记，请修改原记录。") % {
                "year": period_year, "month": month, "kind": InformationExchange.Kind(kind).label})
    checked = _checked_document(errors, file, "file")
    _raise(errors)
    exchange.kind = kind
    exchange.period_year = period_year
    exchange.period_month = month
    exchange.exchanged_on = exchanged_on
    exchange.content = _text(data, "content")
    if checked is not None:
        if exchange.file:
            _delete_files_on_commit(exchange.file)
        exchange.file.save(checked.stored_name(), uploads.stored_content(checked), save=False)
        track(exchange.file)
    exchange.full_clean()
    try:
        with transaction.atomic():
            exchange.save()
    except IntegrityError:
        raise ValidationError({"period_month": [_("该月份的同类信息互通已登记。")]})
    return exchange
