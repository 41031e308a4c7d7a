"""A person's profile: who they are, their roles, and their own API token (create, replace, revoke).

Tokens are django-rest-knox's: stored as a hash with an expiry (REST_KNOX["TOKEN_TTL"]); the key itself
is shown once, in the answer to the request that created it, and never again. The page is not cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken

from branches.access import person_for


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            AuthToken.objects.filter(user=request.user).delete()
            _token, new_key = AuthToken.objects.create(user=request.user)
            messages.success(request, _("已生成新的 API 令牌；原有令牌（如有）已失效。请立即复制保存，离开本页后将无法再次查看。"))
        elif action == "revoke":
            deleted, _rows = AuthToken.objects.filter(user=request.user).delete()
            if deleted:
                messages.success(request, _("API 令牌已撤销，使用该令牌的系统将无法再访问。"))
            else:
                messages.info(request, _("您当前没有 API 令牌。"))
        else:
            messages.error(request, _("未知的操作。"))
        if not new_key:
            return redirect("profile")
    response = render(request, "account/profile.html", {
        "token": AuthToken.objects.filter(user=request.user).order_by("-created").first(),
        "new_key": new_key,
        "roles": person_for(request.user).roles,
    })
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response
