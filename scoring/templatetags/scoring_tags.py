"""Display helpers of the cup's pages."""

from __future__ import annotations

from django import template

from scoring import to_date
from scoring.engine.methods import explain

register = template.Library()


@register.filter
def explained(score) -> str:
    """An item score's stored explanation in the reader's language: `{{ score|explained }}` (a
    SnapshotItemScore), or `{{ text|explained }}` for the text alone."""
    if isinstance(score, str):
        return explain(score)
    return explain(score.explanation, method=score.method)


@register.inclusion_tag("scoring/_cup_to_date.html")
def cup_to_date(branch, today):
    """The branch's cup of the running quarter as the engine scores it today (the home page's to-do list)."""
    return {"cup": to_date.cup_to_date(branch=branch, today=today)}
