"""The HR service center branch's members working away, by outside unit, and the scattered ones."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from branches.access import person_for
from pairing.members_away import members_away
from pairing.views.common import branch_query, current_branch, today


@login_required
def members_away_page(request: HttpRequest) -> HttpResponse:
    branch = current_branch(request)
    person = person_for(request.user)
    # Members' whereabouts are personal: the branch's own officers and the organisation department only.
    if not (person.is_org_admin or branch.pk in person.branch_ids):
        raise PermissionDenied
    year = today().year
    return render(request, "pairing/members_away.html", {
        "branch": branch, "year": year, "bq": branch_query(request, branch),
        **members_away(branch=branch, year=year),
    })
