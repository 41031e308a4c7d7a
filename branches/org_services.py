"""Writes of the organisation tree below the branch: party groups 党小组 and committee members 支委."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from branches.models import Branch, CommitteeMember, Member, PartyGroup


def _save(instance):
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError(_("保存失败：与已有记录重复。"))
    return instance


@transaction.atomic
def save_party_group(*, group: PartyGroup | None = None, branch: Branch, name: str, leader: Member | None = None,
                     is_temporary: bool = False, members: Iterable[Member] | None = None) -> PartyGroup:
    """Create or change a party group; `members` (when given) become exactly its members, all of the branch."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append(_("请填写党小组名称。"))
    elif PartyGroup.objects.filter(branch=branch, name=name).exclude(pk=getattr(group, "pk", None)).exists():
        errors.setdefault("name", []).append(_("本支部已有名为“%(name)s”的党小组。") % {"name": name})
    chosen = list(members) if members is not None else None
    for m in chosen or []:
        if m.branch_id != branch.pk:
            errors.setdefault("members", []).append(_("“%(name)s”不是本支部党员。") % {"name": m.name})
    if leader is not None and leader.branch_id != branch.pk:
        errors.setdefault("leader", []).append(_("组长必须是本支部党员。"))
    if errors:
        raise ValidationError(errors)
    group = group or PartyGroup()
    if group.pk and group.branch_id != branch.pk:
        raise ValidationError({"branch": _("党小组不能移到其他党支部。")})
    group.branch, group.name, group.leader, group.is_temporary = branch, name, leader, is_temporary
    _save(group)
    if chosen is not None:
        if leader is not None and leader not in chosen:
            chosen.append(leader)
        # Saved one by one, not with update(), so each member's history records the move.
        for m in Member.objects.filter(party_group=group).exclude(pk__in=[c.pk for c in chosen]):
            m.party_group = None
            m.save(update_fields=["party_group"])
        for m in chosen:
            if m.party_group_id != group.pk:
                m.party_group = group
                m.save(update_fields=["party_group"])
    return group


@transaction.atomic
def delete_party_group(*, group: PartyGroup) -> None:
    for m in Member.objects.filter(party_group=group):
        m.party_group = None
        m.save(update_fields=["party_group"])
    group.delete()


def save_committee_member(*, committee_member: CommitteeMember | None = None, branch: Branch, member: Member,
                          post: str, since: date | None = None) -> CommitteeMember:
    if post not in CommitteeMember.Post.values:
        raise ValidationError({"post": _("请选择有效的职务。")})
    if CommitteeMember.objects.filter(branch=branch, member=member).exclude(
            pk=getattr(committee_member, "pk", None)).exists():
        raise ValidationError({"member": _("“%(name)s”已是本支部支委。") % {"name": member.name}})
    cm = committee_member or CommitteeMember()
    cm.branch, cm.member, cm.post, cm.since = branch, member, post, since
    return _save(cm)


def delete_committee_member(*, committee_member: CommitteeMember) -> None:
    committee_member.delete()
