"""Create requests that make one record however often they are sent.

A client makes a key when a create form opens (the hidden field `submission_key`, filled by
static/js/forms.js) or sends one in the API's `Idempotency-Key` header. The first request with a key
claims it in the same transaction as the record it creates; any later request with the same key by
the same person gets the first answer again (a redirect to the record, or the API's 201 body)
instead of a second record. A request refused for bad input gives the key back, so the corrected
form can be sent with it. On PostgreSQL a resend that arrives while the first is still being saved
waits on the key's unique index and then answers as the first did.

Also here: a form body that arrived cut short (the phone lost its signal half-way through the
upload) is refused before any view sees it; Django would otherwise parse what did arrive and hand
the view a form without its files.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.core.handlers.wsgi import LimitedStream
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from branches.models import SubmissionKey
from config.api.exceptions import unreadable_body_message
from config.atomic_files import files_with_transaction

FIELD = "submission_key"
HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def valid_key(key: str | None) -> bool:
    return bool(key) and bool(KEY_PATTERN.match(key))


def run_once(
    *,
    user,
    key: str,
    path: str,
    run: Callable[[], HttpResponseBase],
    keep: Callable[[HttpResponseBase], bool],
    answer: Callable[[HttpResponseBase], tuple[bytes, str]],
    replay: Callable[[SubmissionKey], HttpResponseBase],
    reused: Callable[[], HttpResponseBase],
) -> HttpResponseBase:
    """Run `run` once per (user, key): its answer is kept when `keep` says it created something,
    and `replay` builds the answer to every later request with that key."""
    with files_with_transaction():
        try:
            with transaction.atomic():
                claim = SubmissionKey.objects.create(user=user, key=key, path=path[:300])
        except IntegrityError:
            previous = SubmissionKey.objects.get(user=user, key=key)
            return replay(previous) if previous.path == path[:300] else reused()
        response = run()
        if keep(response):
            claim.status = response.status_code
            claim.location = response.get("Location", "")[:500]
            claim.body, claim.content_type = answer(response)
            claim.save(update_fields=["status", "location", "body", "content_type"])
        else:
            claim.delete()
        return response


def body_cut_short(request: HttpRequest) -> bool:
    """True when fewer bytes arrived than the request announced (read once its form was parsed)."""
    stream = getattr(request, "_stream", None)
    if not isinstance(stream, LimitedStream):
        return False
    return getattr(stream, "_pos", 0) < getattr(stream, "limit", 0)


XHR_HEADER = "X-Form-Xhr"
REDIRECT_HEADER = "X-Redirect-To"


class SubmitOnceMiddleware:
    """Form posts: refuse a body cut short; answer a resent create form as it was answered first.

    A form sent by the page's script (header `X-Form-Xhr`) gets its redirect as `204` with the target in
    `X-Redirect-To`: the script then opens that page itself, so the message saying what was saved is
    shown there instead of being used up by the request that followed the redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self._answer(request)
        if request.headers.get(XHR_HEADER) and 300 <= response.status_code < 400 and response.has_header("Location"):
            target = response["Location"]
            response = HttpResponse(status=204)
            response[REDIRECT_HEADER] = target
        return response

    def _answer(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return self.get_response(request)
        try:
            key = request.POST.get(FIELD)
        except MultiPartParserError as exc:
            # Parsed here before DRF sees it, so the API's JSON answer must be given here too.
            if not request.path.startswith("/api/"):
                raise
            return JsonResponse({"detail": unreadable_body_message(exc)}, status=400)
        if body_cut_short(request):
            return HttpResponseBadRequest(
                _("上传没有完成（网络中断），没有保存任何内容。请在网络恢复后重新提交。"),
                content_type="text/plain; charset=utf-8",
            )
        if not valid_key(key) or not request.user.is_authenticated or request.path.startswith("/api/"):
            return self.get_response(request)
        return run_once(
            user=request.user, key=key, path=request.path,
            run=lambda: self.get_response(request),
            keep=lambda response: 300 <= response.status_code < 400,
            answer=lambda response: (b"", ""),
            replay=lambda previous: self._replay(request, previous),
            reused=lambda: HttpResponse(_("该提交编号已用于另一张表单，请刷新页面后重新填写。"), status=409,
                                        content_type="text/plain; charset=utf-8"),
        )

    @staticmethod
    def _replay(request: HttpRequest, previous: SubmissionKey) -> HttpResponseBase:
        messages.info(request, _("这份表单已经提交过，没有重复保存。"))
        return HttpResponseRedirect(previous.location or "/")
