"""Optimistic concurrency for records people edit together (plans, manual scores).

A form or API payload carries the `version` it was read at; saving compares and bumps it in one
UPDATE, so a second person's save is told the record changed meanwhile instead of overwriting it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _


class StaleRecordError(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("该记录已被他人修改，您的内容尚未保存。请核对最新内容后重新提交。"),
            code="stale",
        )


def save_versioned(instance: models.Model, *, expected_version: int | None) -> None:
    """Save `instance` only if its stored version is still `expected_version`, bumping the version.

    The version is claimed with one conditional UPDATE, then the ordinary save() runs, so history
    (django-simple-history) and signals still see the change.
    """
    model = type(instance)
    if instance.pk is None:
        instance.version = 1
        instance.save()
        return
    if expected_version is None:
        expected_version = instance.version
    with transaction.atomic():
        claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if claimed == 0:
            raise StaleRecordError()
        instance.version = expected_version + 1
        instance.save()
