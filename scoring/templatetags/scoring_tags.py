"""Display helpers of the cup's pages."""

from __future__ import annotations

from django import template

from scoring.engine.methods import explain

register = template.Library()


@register.filter
def explained(score) -> str:
    """An item score's stored explanation in the reader's language: `{{ score|explained }}` (a
    SnapshotItemScore), or `{{ text|explained }}` for the text alone."""
    if isinstance(score, str):
        return explain(score)
    return explain(score.explanation, method=score.method)
