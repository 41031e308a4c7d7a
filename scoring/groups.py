"""Ranking groups as they were in force for a quarter, and their edits.

Groups come in sets, each in force from a quarter (year, valid_from) until a later set; the undated set
(year empty) is in force before any dated one. Compiling a quarter uses the set in force for it, so a
group added for 2026Q4 never moves a recompile of 2026Q3. A set a published ranking used is frozen: it
is copied into a new set from a later quarter and changed there. Every change is kept (simple-history).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from branches.periods import Quarter
from scoring.models import RankingGroup, RankingSnapshot, SnapshotEntry

SetKey = tuple[int | None, int]  # (year or None, valid_from)


def set_in_force(quarter: Quarter) -> SetKey | None:
    """The (year, valid_from) of the group set in force for a quarter, or None when there are no groups."""
    keys = set(RankingGroup.objects.filter(Q(year__isnull=True) | Q(year__lt=quarter.year)
                                           | Q(year=quarter.year, valid_from__lte=quarter.number))
               .values_list("year", "valid_from"))
    if not keys:
        return None
    return max(keys, key=lambda k: (k[0] is not None, k[0] or 0, k[1]))


def groups_for(quarter: Quarter, *, active_only: bool = True) -> list[RankingGroup]:
    key = set_in_force(quarter)
    if key is None:
        return []
    qs = RankingGroup.objects.filter(year=key[0], valid_from=key[1]) if key[0] is not None else \
        RankingGroup.objects.filter(year__isnull=True, valid_from=key[1])
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("sort_order", "id"))


def group_sets() -> list[dict]:
    """Every set, oldest first: {"key", "label", "groups": [...], "frozen"} (for the console)."""
    sets: dict[SetKey, list[RankingGroup]] = {}
    for g in RankingGroup.objects.prefetch_related("branches").order_by("year", "valid_from", "sort_order", "id"):
        sets.setdefault((g.year, g.valid_from), []).append(g)
    used = _used_group_ids()
    out = []
    for key in sorted(sets, key=lambda k: (k[0] is not None, k[0] or 0, k[1])):
        groups = sets[key]
        out.append({"key": key, "label": groups[0].in_force_from, "groups": groups,
                    "frozen": any(g.pk in used for g in groups)})
    return out


def _used_group_ids() -> set[int]:
    return set(SnapshotEntry.objects.filter(snapshot__status=RankingSnapshot.Status.PUBLISHED)
               .values_list("group_id", flat=True).distinct())


def _set_of(group: RankingGroup):
    return RankingGroup.objects.filter(year=group.year, valid_from=group.valid_from) if group.year is not None else \
        RankingGroup.objects.filter(year__isnull=True, valid_from=group.valid_from)


def is_frozen(group: RankingGroup) -> bool:
    """A group whose set scored a published ranking keeps what it was."""
    ids = list(_set_of(group).values_list("pk", flat=True)) if group.pk else []
    return SnapshotEntry.objects.filter(group_id__in=ids, snapshot__status=RankingSnapshot.Status.PUBLISHED).exists()


def _ensure_editable(group: RankingGroup) -> None:
    if group.pk and is_frozen(group):
        raise ValidationError(_("该组排名分组已用于已发布的排名，不能修改；请复制为从以后某季度起适用的新分组后修改。"))


@transaction.atomic
def save_group(*, group: RankingGroup, user=None, branches=None, **fields) -> RankingGroup:
    _ensure_editable(group)
    for name, value in fields.items():
        setattr(group, name, value)
    if group.year is not None:
        Quarter(group.year, group.valid_from)  # validates both
    group.full_clean()
    if not group.pk and group.year is not None and is_frozen(group):
        raise ValidationError(_("该季度起适用的分组已用于已发布的排名，不能再增加分组。"))
    group._history_user = user
    group.save()
    if branches is not None:
        group.branches.set(branches)
    return group


@transaction.atomic
def delete_group(*, group: RankingGroup, user=None) -> None:
    _ensure_editable(group)
    group._history_user = user
    group.delete()


@transaction.atomic
def copy_set(*, quarter: Quarter, user=None) -> list[RankingGroup]:
    """A new set in force from `quarter`: a copy of the set in force for it (empty when there is none)."""
    if RankingGroup.objects.filter(year=quarter.year, valid_from=quarter.number).exists():
        raise ValidationError(_("%(quarter)s 起适用的排名分组已存在。") % {"quarter": quarter})
    copies = []
    for group in groups_for(quarter, active_only=False):
        copy = RankingGroup(year=quarter.year, valid_from=quarter.number, name=group.name,
                            branch_kinds=list(group.branch_kinds or []), sort_order=group.sort_order,
                            is_active=group.is_active)
        copy._history_user = user
        copy.save()
        copy.branches.set(group.branches.all())
        copies.append(copy)
    return copies
