"""Turn the evidence refs of a branch's scores into links to the workspace pages showing those records.

A record with a page of its own links there. A record shown on another page links to that page, at its
card: annual plans, key-project tasks, problems, joint meetings and information exchanges on their pair's
or partnership's page (whoever may read a branch's scores may read the branch's pairs and partnerships);
a department's key-work plan and monthly targets on the department page, linked only for the people who
may open it (that department, and the organisation department). The Django admin is a last resort, for
the organisation department's staff; otherwise a record without a page has no link.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

RECORD_PAGES = {
    "pairing.activity": "pairing:activity_detail",
    "pairing.pair": "pairing:pair_detail",
    "pairing.partnership": "pairing:partnership_detail",
    "supervision.rectification": "supervision:rectification_detail",
}
OWNER_PAGES = {"pair": "pairing:pair_detail", "partnership": "pairing:partnership_detail"}
# model -> the card showing it on its pair's or partnership's page
ON_OWNER_PAGE = {
    "pairing.annualplan": "plan",
    "pairing.projecttask": "task-{id}",
    "pairing.problem": "problems",
    "pairing.jointmeeting": "meetings",
    "pairing.informationexchange": "exchanges",
}
# model -> the card showing it on the department page
ON_DEPARTMENT_PAGE = {"branches.keyworkplan": "plan", "branches.monthlytarget": "month"}


def _reverse(name: str, pk) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _workspace_url(ref: dict, model: str, pk, person) -> str | None:
    if model in RECORD_PAGES:
        return _reverse(RECORD_PAGES[model], pk)
    if model in ON_OWNER_PAGE:
        for key, name in OWNER_PAGES.items():
            if ref.get(key) is not None:
                url = _reverse(name, ref[key])
                return f"{url}#{ON_OWNER_PAGE[model].format(id=pk)}" if url else None
        return None
    if model in ON_DEPARTMENT_PAGE:
        unit, year = ref.get("unit"), ref.get("year")
        if unit is None or year is None or person is None:
            return None
        if not (person.is_org_admin or unit in person.unit_ids):
            return None
        try:
            url = reverse("branches:department_home")
        except NoReverseMatch:
            return None
        url += f"?unit={unit}&year={year}"
        if ref.get("month"):
            url += f"&month={ref['month']}"
        return f"{url}#{ON_DEPARTMENT_PAGE[model]}"
    return None


def evidence_url(ref: dict, *, admin_allowed: bool = True, person=None) -> str | None:
    """The page showing the record of `ref` to `person` (a branches.access.Person; without one, only the
    pages every reader of the branch's scores may open), else its admin page when `admin_allowed`."""
    model, pk = ref.get("model", ""), ref.get("id")
    if not model or pk is None:
        return None
    url = _workspace_url(ref, model, pk, person)
    if url is None and admin_allowed and "." in model:
        app, name = model.split(".", 1)
        url = _reverse(f"admin:{app}_{name}_change", pk)
    return url
