"""Links of an annual line: a quarter's explained score, the partner's annual result and its pair, or the
records behind a computed item (listed again per quarter from the stored scopes, as the quarters do)."""

from __future__ import annotations

from django.urls import reverse

from annual.models import AnnualEntry, AnnualLine
from branches.periods import Quarter
from scoring.engine.registry import SOURCES
from scoring.links import evidence_url


def line_links(line: AnnualLine, entry: AnnualEntry, *, person, admin_allowed: bool) -> list[dict]:
    ev = line.evidence
    if isinstance(ev, dict) and "quarter_snapshot" in ev:
        return [{"label": line.explanation, "url": reverse("scoring:branch_score",
                                                           args=[ev["quarter_snapshot"], entry.branch_id])}]
    if isinstance(ev, dict) and "partner" in ev:
        return [{"label": line.name, "url": reverse("annual:branch", args=[entry.snapshot_id, ev["partner"]])},
                {"label": str(AnnualLine.Kind.JOINT.label), "url": reverse("pairing:pair_detail", args=[ev["pair"]])}]
    refs: list[dict] = []
    if isinstance(ev, dict) and ev.get("source") in SOURCES:
        for quarter_text, scope in sorted((ev.get("quarters") or {}).items()):
            refs.extend(SOURCES[ev["source"]].evidence(Quarter.parse(quarter_text), entry.branch_id, scope or {}))
    elif isinstance(ev, list):
        refs = ev
    return [{"label": r.get("label", ""), "url": evidence_url(r, admin_allowed=admin_allowed, person=person)}
            for r in refs]
