"""The pages' permissions for the API: scope by `branches.access`, 404 outside scope, 403 on writes
a person may read but not make (a viewer, an inspector reading a branch's activities, ...)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from branches.access import person_for


class ScopedRolePermission(BasePermission):
    """Reads: any signed-in person (the queryset is already scoped, so others' ids answer 404).
    Writes: the view's `may_write(person)` (coarse, per role) and `may_write_object(person, obj)`."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return bool(view.may_write(person_for(request.user)))

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(view.may_write_object(person_for(request.user), obj))
