"""Versions of a published result: one current published version per period, corrections with a reason.

Written for any versioned snapshot model with `version`, `status` ("draft"/"published"), `published_at`,
`published_by`, `supersedes`, `correction_reason` and `superseded_at` (the quarterly RankingSnapshot; an
annual result can reuse it with its own siblings queryset). The model's save() refuses any change of a
published version except being marked superseded, once (see RankingSnapshot.save).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import PublishedSnapshotError

PUBLISHED = "published"


def current_of(siblings: QuerySet):
    """The published version that counts among these siblings (the versions of one period), or None."""
    return siblings.filter(status=PUBLISHED, superseded_at__isnull=True).order_by("-version").first()


def publish_version(*, version, siblings: QuerySet, user, reason: str = ""):
    """Publish a draft `version` of a period whose versions are `siblings`. When a version of the period is
    already published, this one is a correction: it needs a reason, and the previous one is marked
    superseded by it (it stays readable, unchanged). Returns the published version."""
    with transaction.atomic():
        locked = list(siblings.select_for_update().order_by("version"))
        version = next((v for v in locked if v.pk == version.pk), version)
        if version.status == PUBLISHED:
            raise PublishedSnapshotError()
        current = next((v for v in locked if v.status == PUBLISHED and v.superseded_at is None), None)
        if current is not None and current.version > version.version:
            raise ValidationError(_("该季度已发布了更新的版本，不能再发布旧版本。"))
        reason = (reason or "").strip()
        if current is not None and not reason:
            raise ValidationError({"reason": _("第 %(v)s 版已发布；发布更正版本须填写更正理由。") % {
                "v": current.version}})
        now = timezone.now()
        if current is not None:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        version.status = PUBLISHED
        version.published_at = now
        version.published_by = user
        version.supersedes = current
        version.correction_reason = reason if current is not None else ""
        version.save(update_fields=["status", "published_at", "published_by", "supersedes", "correction_reason"])
    return version
