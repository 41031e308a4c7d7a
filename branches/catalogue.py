"""Writes of the lists the organisation department keeps: the party-building duties and the activity kinds."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from branches.models import Duty
from pairing.models import ActivityCategory, ActivityKind


def _save(instance):
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError(_("保存失败：与已有记录重复。"))
    return instance


def save_duty(*, duty: Duty | None = None, code: str, name: str, description: str = "", sort_order: int = 0,
              is_active: bool = True) -> Duty:
    duty = duty or Duty()
    duty.code, duty.name, duty.description = (code or "").strip(), (name or "").strip(), description or ""
    duty.sort_order, duty.is_active = sort_order or 0, is_active
    return _save(duty)


@transaction.atomic
def save_activity_kind(*, kind: ActivityKind | None = None, code: str, name: str, category: str,
                       counts_as_joint: bool = True, categories: Iterable[ActivityCategory] = (), sort_order: int = 0,
                       is_active: bool = True) -> ActivityKind:
    kind = kind or ActivityKind()
    kind.code, kind.name, kind.category = (code or "").strip(), (name or "").strip(), category
    kind.counts_as_joint, kind.sort_order, kind.is_active = counts_as_joint, sort_order or 0, is_active
    _save(kind)
    kind.categories.set(list(categories))
    return kind
