"""The organisation department's list of locked logins, with an unlock button each."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import lockouts
from branches.views.common import org_admin_required


@org_admin_required
def lockout_list(request):
    return render(request, "branches/console/lockouts.html", {
        "attempts": list(lockouts.locked_attempts()[:200]), "tab": "lockouts",
    })


@org_admin_required
@require_POST
def lockout_unlock(request, pk: int):
    attempt = get_object_or_404(lockouts.locked_attempts(), pk=pk)
    lockouts.unlock(attempt=attempt)
    messages.success(request, _("已解锁“%(username)s”（%(ip)s）的登录。") % {
        "username": attempt.username, "ip": attempt.ip_address})
    return redirect("branches:lockouts")
