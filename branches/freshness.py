"""Versions of what pages show, so a cached page is dropped as soon as a record behind it changes.

Each branch and each user has a version token in the cache; so does the whole organisation. A write to a
record bumps the versions of the branches it concerns (`BRANCHES_OF` maps each model to them); a write to
a record every page may show (a branch's name, the year's deadline, an activity kind) bumps the version of
the organisation. A cached entry keeps the versions it was computed under (`cached`), so a bump makes the
next request compute afresh; nothing has to find and delete old entries, which simply expire.

Tokens are bumped when the record is written and again when its transaction commits: a page computed by
another request between the two (from data not yet committed) cannot outlive the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

ORGANISATION = "fresh:org"


def _branch_key(branch_id: int) -> str:
    return f"fresh:branch:{branch_id}"


def _user_key(user_id: int) -> str:
    return f"fresh:user:{user_id}"


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _bump(keys: list[str]) -> None:
    if keys:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def _bump_now_and_on_commit(keys: list[str]) -> None:
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def touch_branches(branch_ids: Iterable[int | None]) -> None:
    _bump_now_and_on_commit(sorted({_branch_key(pk) for pk in branch_ids if pk}))


def touch_users(user_ids: Iterable[int | None]) -> None:
    _bump_now_and_on_commit(sorted({_user_key(pk) for pk in user_ids if pk}))


def touch_organisation() -> None:
    _bump_now_and_on_commit([ORGANISATION])


def empty_cache() -> None:
    """Remove this site's cached entries and nothing else: a Redis database may hold other sites' or runs'
    keys (another CACHE_KEY_PREFIX), which a FLUSHDB (`cache.clear()` on Redis) would remove too."""
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern("*")  # django-redis puts the key prefix and version in front of the pattern
    else:
        cache.clear()  # a memory cache belongs to this process alone


def _version_keys(branch_ids: Iterable[int], user_ids: Iterable[int]) -> list[str]:
    return [ORGANISATION, *(_branch_key(pk) for pk in branch_ids), *(_user_key(pk) for pk in user_ids)]


def cached(name: str, compute: Callable[[], object], *, branch_ids: Iterable[int] = (),
           user_ids: Iterable[int] = (), parts: Iterable[object] = ()):
    """compute(), or what it returned for the same parts within PAGE_CACHE_SECONDS if none of the
    versions it depends on (the organisation's, the branches' and the users') moved since.

    One round trip to the cache when the entry is fresh: the entry and the version tokens are read
    together, and the entry keeps the tokens it was computed under."""
    if not enabled():
        return compute()
    branch_ids, user_ids = list(branch_ids), list(user_ids)
    version_keys = _version_keys(branch_ids, user_ids)
    entry_key = ":".join(["page", name, "b", *map(str, branch_ids), "u", *map(str, user_ids), *map(str, parts)])
    found = cache.get_many([entry_key, *version_keys])
    missing = [key for key in version_keys if key not in found]
    if missing:
        # Never bumped or evicted: a new token, so it cannot match an entry computed under an older one.
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))  # another process may have added its token first
    tokens = tuple(found.get(key) for key in version_keys)
    entry = found.get(entry_key)
    if entry is not None and entry[0] == tokens:
        return entry[1]
    value = compute()
    cache.set(entry_key, (tokens, value), settings.PAGE_CACHE_SECONDS)
    return value


# ---- which branches a record concerns ---------------------------------------------------------------

def _pair_branch_ids(pair_id: int | None) -> set[int]:
    from pairing.models import Pair, PairGrassroots

    if not pair_id:
        return set()
    ids = set(PairGrassroots.objects.filter(pair_id=pair_id).values_list("branch_id", flat=True))
    ids.update(Pair.objects.filter(pk=pair_id).values_list("lead_branch_id", flat=True))
    return ids


def _partnership_branch_ids(partnership_id: int | None) -> set[int]:
    from pairing.models import Partnership

    if not partnership_id:
        return set()
    return set(Partnership.objects.filter(pk=partnership_id).values_list("branch_id", flat=True))


def _joint_branch_ids(record) -> set[int]:
    return _pair_branch_ids(getattr(record, "pair_id", None)) | _partnership_branch_ids(
        getattr(record, "partnership_id", None))


def _activity_branch_ids(activity) -> set[int]:
    from pairing.models import Activity

    ids = {activity.owner_branch_id} | _joint_branch_ids(activity)
    if activity.pk:
        ids.update(Activity.branches.through.objects.filter(activity_id=activity.pk)
                   .values_list("branch_id", flat=True))
    return ids


def _unit_branch_ids(unit_id: int | None) -> set[int]:
    from branches.models import Branch

    return set(Branch.objects.filter(unit_id=unit_id).values_list("pk", flat=True)) if unit_id else set()


def _project_task_branch_ids(task) -> set[int]:
    from pairing.models import KeyProject

    return _pair_branch_ids(KeyProject.objects.filter(pk=task.project_id).values_list("pair_id", flat=True).first())


def _key_work_task_branch_ids(task) -> set[int]:
    from branches.models import KeyWorkPlan

    return _unit_branch_ids(KeyWorkPlan.objects.filter(pk=task.plan_id).values_list("unit_id", flat=True).first())


def _monthly_target_branch_ids(target) -> set[int]:
    from branches.models import KeyWorkTask

    return _unit_branch_ids(
        KeyWorkTask.objects.filter(pk=target.task_id).values_list("plan__unit_id", flat=True).first())


def _branches_of() -> dict[str, Callable[[models.Model], set[int]]]:
    return {
        "pairing.activity": _activity_branch_ids,
        "pairing.pair": lambda pair: _pair_branch_ids(pair.pk) | {pair.lead_branch_id},
        "pairing.pairgrassroots": lambda link: _pair_branch_ids(link.pair_id) | {link.branch_id},
        "pairing.partnership": lambda partnership: {partnership.branch_id},
        "pairing.annualplan": _joint_branch_ids,
        "pairing.jointmeeting": _joint_branch_ids,
        "pairing.keyproject": _joint_branch_ids,
        "pairing.problem": _joint_branch_ids,
        "pairing.projecttask": _project_task_branch_ids,
        "pairing.informationexchange": lambda exchange: _partnership_branch_ids(exchange.partnership_id),
        "supervision.rectification": lambda rectification: {rectification.branch_id},
        "branches.keyworkplan": lambda plan: _unit_branch_ids(plan.unit_id),
        "branches.keyworktask": _key_work_task_branch_ids,
        "branches.monthlytarget": _monthly_target_branch_ids,
    }


# Records any page may show by name or that change every branch's obligations.
ORGANISATION_WIDE = {
    "branches.branch", "branches.unit", "branches.yearsettings", "branches.externalorganization",
    "branches.member", "pairing.activitykind",
}


def _on_write(sender, instance, **kwargs) -> None:
    label = sender._meta.label_lower
    if label in ORGANISATION_WIDE:
        touch_organisation()
        return
    branches_of = _BRANCHES_OF.get(label)
    if branches_of is not None:
        touch_branches(branches_of(instance))


def _before_edit(sender, instance, raw=False, **kwargs) -> None:
    """An edit may move a record to another owner (a pair's lead branch, a partnership's branch, an
    activity's pair): the branches it concerned before the edit are bumped too."""
    if raw or instance.pk is None:
        return
    branches_of = _BRANCHES_OF.get(sender._meta.label_lower)
    stored = sender._base_manager.filter(pk=instance.pk).first() if branches_of is not None else None
    if stored is not None:
        touch_branches(branches_of(stored))


def _before_role_edit(sender, instance, raw=False, **kwargs) -> None:
    """A role given to another user: the user who had it loses it at once."""
    if raw or instance.pk is None:
        return
    touch_users(sender._base_manager.filter(pk=instance.pk).values_list("user_id", flat=True))


def _on_activity_branches(sender, instance, action, pk_set, reverse, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear", "post_clear"}:
        return
    if reverse:  # a branch's list of activities changed
        touch_branches({instance.pk})
    else:
        touch_branches(_activity_branch_ids(instance) | set(pk_set or ()))


def _on_person(sender, instance, **kwargs) -> None:
    touch_users([getattr(instance, "user_id", None) or instance.pk])


_BRANCHES_OF: dict[str, Callable[[models.Model], set[int]]] = {}

# Records that concern exactly one branch by a field of their own (beyond the mapping above).
_OWN_BRANCH: dict[str, Callable[[models.Model], int | None]] = {
    "branches.branch": lambda branch: branch.pk,
    "branches.member": lambda member: member.branch_id,
    "branches.partygroup": lambda group: group.branch_id,
    "branches.role": lambda role: role.branch_id,
    "supervision.visit": lambda visit: visit.branch_id,
    "supervision.finding": lambda finding: finding.visit.branch_id,
}


def concerned_branch_ids(record: models.Model) -> set[int]:
    """The branches a record concerns (the same answer that decides whose cached pages it drops)."""
    label = record._meta.label_lower
    branches_of = _BRANCHES_OF.get(label)
    found = set(branches_of(record)) if branches_of is not None else set()
    if label in _OWN_BRANCH:
        found.add(_OWN_BRANCH[label](record))
    found.discard(None)
    return found


def connect() -> None:
    """Called once from BranchesConfig.ready()."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from branches.models import Notification, Role
    from pairing.models import Activity

    _BRANCHES_OF.update(_branches_of())
    for label in [*_BRANCHES_OF, *ORGANISATION_WIDE]:
        model = apps.get_model(label)
        uid = f"freshness:{label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid + ":save")
        pre_delete.connect(_on_write, sender=model, dispatch_uid=uid + ":delete")
        if label in _BRANCHES_OF:
            pre_save.connect(_before_edit, sender=model, dispatch_uid=uid + ":before")
    pre_save.connect(_before_role_edit, sender=Role, dispatch_uid="freshness:role:before")
    m2m_changed.connect(_on_activity_branches, sender=Activity.branches.through, dispatch_uid="freshness:ab")
    for model in (Role, Notification, get_user_model()):
        post_save.connect(_on_person, sender=model, dispatch_uid=f"freshness:{model._meta.label_lower}:save")
        post_delete.connect(_on_person, sender=model, dispatch_uid=f"freshness:{model._meta.label_lower}:del")
