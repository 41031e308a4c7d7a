"""Turn the evidence refs stored in snapshots into links to the very records (record page, else admin)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

RECORD_PAGES = {
    "pairing.activity": "pairing:activity_detail",
    "pairing.pair": "pairing:pair_detail",
    "pairing.partnership": "pairing:partnership_detail",
    "supervision.rectification": "supervision:rectification_detail",
}


def evidence_url(ref: dict, *, admin_allowed: bool = True) -> str | None:
    model, pk = ref.get("model", ""), ref.get("id")
    if not model or pk is None:
        return None
    names = [RECORD_PAGES[model]] if model in RECORD_PAGES else []
    if admin_allowed and "." in model:
        app, name = model.split(".", 1)
        names.append(f"admin:{app}_{name}_change")
    for name in names:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return None
