"""Who may see and change what: one place for role and organisation scoping.

Pages and the API both ask these functions; a record outside a person's scope answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from branches import freshness
from branches.models import Branch, Member, Role


@dataclass(frozen=True)
class Person:
    user_id: int | None
    is_superuser: bool = False
    kinds: frozenset[str] = frozenset()
    branch_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    roles: tuple[Role, ...] = field(default_factory=tuple)

    @property
    def is_org_admin(self) -> bool:
        return self.is_superuser or Role.Kind.ORG_ADMIN in self.kinds

    @property
    def is_viewer(self) -> bool:
        return Role.Kind.VIEWER in self.kinds

    @property
    def is_inspector(self) -> bool:
        return Role.Kind.INSPECTOR in self.kinds

    @property
    def is_department(self) -> bool:
        return Role.Kind.DEPARTMENT in self.kinds

    @property
    def is_branch_officer(self) -> bool:
        """A secretary or committee member of at least one branch."""
        return bool(self.branch_ids)

    @property
    def sees_everything(self) -> bool:
        return self.is_org_admin or self.is_viewer

    @property
    def primary_role(self) -> Role | None:
        order = [Role.Kind.ORG_ADMIN, Role.Kind.SECRETARY, Role.Kind.COMMITTEE, Role.Kind.DEPARTMENT,
                 Role.Kind.INSPECTOR, Role.Kind.VIEWER]
        return min(self.roles, key=lambda r: order.index(r.kind), default=None)

    def member_in(self, branch_ids) -> Member | None:
        """This person's own party-member record, if it belongs to one of `branch_ids` (from the roles)."""
        ids = set(branch_ids)
        return next((r.member for r in self.roles if r.member_id and r.member.branch_id in ids), None)

    @property
    def own_branches(self) -> list[Branch]:
        """The branches the person is secretary or committee member of, by code (loaded with the roles)."""
        return sorted({r.branch_id: r.branch for r in self.roles
                       if r.kind in Role.BRANCH_SCOPED and r.branch_id}.values(), key=lambda b: b.code)

    def can_edit_branch(self, branch_id: int | None) -> bool:
        return self.is_org_admin or (branch_id is not None and branch_id in self.branch_ids)

    def can_edit_unit(self, unit_id: int | None) -> bool:
        return self.is_org_admin or (unit_id is not None and unit_id in self.unit_ids)


ANONYMOUS = Person(user_id=None)


def person_for(user) -> Person:
    """The person behind a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_person_cache", None)
    if cached is not None:
        return cached
    person = freshness.cached("person", lambda: _person(user), user_ids=[user.pk])
    user._person_cache = person
    return person


def _person(user) -> Person:
    roles = tuple(Role.objects.filter(user_id=user.pk).select_related("branch__unit", "unit", "member"))
    return Person(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        kinds=frozenset(r.kind for r in roles),
        branch_ids=frozenset(r.branch_id for r in roles if r.kind in Role.BRANCH_SCOPED and r.branch_id),
        unit_ids=frozenset(r.unit_id for r in roles if r.kind == Role.Kind.DEPARTMENT and r.unit_id),
        roles=roles,
    )


def visible_branches(user) -> QuerySet[Branch]:
    """Branches a person may read records of."""
    person = person_for(user)
    if person.sees_everything or person.is_inspector:
        return Branch.objects.all()
    if person.branch_ids or person.unit_ids:
        from django.db.models import Q

        return Branch.objects.filter(Q(pk__in=person.branch_ids) | Q(unit_id__in=person.unit_ids))
    return Branch.objects.none()


def get_branch_or_404(user, branch_id: int) -> Branch:
    branch = visible_branches(user).filter(pk=branch_id).first()
    if branch is None:
        raise Http404
    return branch


_UNIT_OF = {
    "branches.keyworkplan": lambda plan: plan.unit_id,
    "branches.keyworktask": lambda task: task.plan.unit_id,
    "branches.monthlytarget": lambda target: target.task.plan.unit_id,
    "branches.dutyevidence": lambda evidence: evidence.unit_id,
    "branches.assessmentcontent": lambda content: content.unit_id,
}


def _record_unit_id(record) -> int | None:
    """The office department a department-work record belongs to (None for other records)."""
    unit_of = _UNIT_OF.get(record._meta.label_lower)
    return unit_of(record) if unit_of is not None else None


def may_read_history(person: Person, record) -> bool:
    """Who reads a record's history 修改记录: the organisation department every record's; a branch's
    secretary or committee member the records that concern their branch; a department head their
    department's work. A deleted record's history stays with the organisation department."""
    if person.is_org_admin:
        return True
    if record is None:
        return False
    if person.branch_ids and freshness.concerned_branch_ids(record) & person.branch_ids:
        return True
    unit_id = _record_unit_id(record) if person.unit_ids else None
    return unit_id is not None and unit_id in person.unit_ids
