"""Once a quarter's ranking is published, the records that earned its points are read-only.

Contract used by other apps (the workspace):
- ``quarter_is_locked(quarter) -> bool``: True once any ranking snapshot of that quarter is published.
- ``ensure_quarter_open(day) -> None``: raises ``ValidationError({"date": ...})`` when ``day`` falls
  in a locked quarter.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from branches.periods import Quarter


def quarter_is_locked(quarter: Quarter) -> bool:
    from scoring.models import RankingSnapshot

    try:
        return RankingSnapshot.objects.filter(
            year=quarter.year, number=quarter.number, status=RankingSnapshot.Status.PUBLISHED
        ).exists()
    except DatabaseError:  # table not migrated yet (fresh checkout mid-migration)
        return False


def ensure_quarter_open(day: date) -> None:
    quarter = Quarter.of(day)
    if quarter_is_locked(quarter):
        raise ValidationError(
            {
                "date": _("%(quarter)s 的党建提质杯排名已发布，该季度的记录已锁定为只读。")
                % {"quarter": str(quarter)}
            }
        )
