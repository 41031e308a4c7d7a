"""Errors as JSON with a message per field, the same messages the pages show.

Services raise ``django.core.exceptions.ValidationError`` (keyed by field, in Chinese); the API answers
400 with ``{field: [messages]}``. Errors not tied to a field come under ``non_field_errors``.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def django_validation_error_detail(exc: DjangoValidationError) -> dict:
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [])
        detail[api_settings.NON_FIELD_ERRORS_KEY] = [
            *detail[api_settings.NON_FIELD_ERRORS_KEY], *detail.pop(NON_FIELD_ERRORS)
        ]
    return detail


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=django_validation_error_detail(exc))
    return drf_exception_handler(exc, context)
