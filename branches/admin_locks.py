"""The Django admin obeys the locks of the pages and the API: what a published ranking counted is read-only
there too. Each admin says when one of its records is locked; the rule itself stays where it lives (the
quarter lock in scoring.locks, reached through the app's own services)."""

from __future__ import annotations


class LockedRecordAdmin:
    """Mix into a ModelAdmin (before it) and define `is_locked(obj)`: a locked record is shown read-only
    and cannot be changed or deleted, one by one or through the bulk delete action."""

    def is_locked(self, obj) -> bool:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and self.is_locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and self.is_locked(obj):
            return False
        return super().has_delete_permission(request, obj)
