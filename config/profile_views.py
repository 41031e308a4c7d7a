"""A person's profile: who they are, their roles, and their own API token (create, replace, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from branches.access import person_for


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            Token.objects.filter(user=request.user).delete()
            Token.objects.create(user=request.user)
            messages.success(request, _("已生成新的 API 令牌；原有令牌（如有）已失效。"))
        elif action == "revoke":
            deleted, _rows = Token.objects.filter(user=request.user).delete()
            if deleted:
                messages.success(request, _("API 令牌已撤销，使用该令牌的系统将无法再访问。"))
            else:
                messages.info(request, _("您当前没有 API 令牌。"))
        else:
            messages.error(request, _("未知的操作。"))
        return redirect("profile")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "account/profile.html", {
        "token": token,
        "roles": person_for(request.user).roles,
    })
