"""Errors as JSON with a message per field, the same messages the pages show.

Services raise ``django.core.exceptions.ValidationError`` (keyed by field, in Chinese); the API answers
400 with ``{field: [messages]}``. Errors not tied to a field come under ``non_field_errors``. A save over a
version someone else replaced answers 409 with what changed; a write without the version it read, 428.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from branches.params import BadParameter
from config.concurrency import StaleRecordError


def django_validation_error_detail(exc: DjangoValidationError) -> dict:
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [])
        detail[api_settings.NON_FIELD_ERRORS_KEY] = [
            *detail[api_settings.NON_FIELD_ERRORS_KEY], *detail.pop(NON_FIELD_ERRORS)
        ]
    return detail


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _("请提交读取记录时的版本号（version），以免覆盖他人的修改。")
    default_code = "version_required"


def _stale_response(exc: StaleRecordError) -> Response:
    return Response({
        "detail": exc.messages[0], "code": "stale", "current_version": exc.current_version,
        "changes": [change.as_dict() for change in exc.changes],
    }, status=409)


def unreadable_body_message(reason) -> str:
    return _("请求内容无法读取（例如上传的文件名过长，或内容格式不正确），请检查后重试。（%(reason)s）") % {
        "reason": reason}


def api_exception_handler(exc, context):
    if isinstance(exc, StaleRecordError):
        return _stale_response(exc)
    if isinstance(exc, BadParameter):
        exc = exc.as_validation_error()
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(detail=unreadable_body_message(exc.detail))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=django_validation_error_detail(exc))
    return drf_exception_handler(exc, context)
