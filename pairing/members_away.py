"""A branch's members working away 外闯, by outside unit: units with 5 or more are co-built with (党建共建);
the scattered ones (fewer than 5 in a unit) meet centrally in Dongying (集中) or study online (网络)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Member
from pairing.models import PARTNERSHIP_MIN_MEMBERS_AWAY, Partnership

STUDY_LABELS = {Member.Place.DONGYING: _("集中学习（东营）"), Member.Place.ELSEWHERE: _("网络学习")}


def study_mode(member: Member) -> str:
    """Where a scattered member studies: centrally when they live in Dongying, else online."""
    return "central" if member.place == Member.Place.DONGYING else "online"


def members_away(*, branch: Branch, year: int) -> dict:
    members = list(Member.objects.filter(branch=branch, status=Member.Status.WORKING_AWAY, is_active=True)
                   .select_related("outside_org", "party_group").order_by("outside_org__name", "employee_no"))
    partnered = dict(Partnership.objects.filter(year=year, branch=branch).values_list("external_org_id", "pk"))
    by_org: dict[int | None, list[Member]] = {}
    for m in members:
        by_org.setdefault(m.outside_org_id, []).append(m)
    units, scattered = [], []
    for org_id, people in by_org.items():
        org = people[0].outside_org
        entry = {"org": org, "members": people, "count": len(people), "partnership_id": partnered.get(org_id),
                 "eligible": len(people) >= PARTNERSHIP_MIN_MEMBERS_AWAY}
        units.append(entry)
        if not entry["eligible"]:
            for m in people:
                m.study = study_mode(m)
                m.study_label = STUDY_LABELS[m.place] if m.place in STUDY_LABELS else STUDY_LABELS[Member.Place.ELSEWHERE]
                scattered.append(m)
    units.sort(key=lambda u: (-u["count"], u["org"].name if u["org"] else ""))
    return {
        "units": units, "scattered": scattered, "total": len(members),
        "central": sum(1 for m in scattered if m.study == "central"),
        "online": sum(1 for m in scattered if m.study == "online"),
        "minimum": PARTNERSHIP_MIN_MEMBERS_AWAY,
    }
