"""Base viewsets: querysets scoped as the pages scope them, writes through the apps' services."""

from __future__ import annotations

import json
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from knox.auth import TokenAuthentication
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from branches.access import Person, person_for, visible_branches
from branches.params import parse_id
from config import idempotency
from config.api.exceptions import PreconditionRequired, api_exception_handler
from config.api.filters import CheckedFilterBackend
from config.api.pagination import StandardPagination
from config.api.permissions import ScopedRolePermission
from config.concurrency import expect_version, is_versioned


def branch_scope(user) -> QuerySet | None:
    """Primary keys of the branches a person may read, or None when they may read every branch."""
    person = person_for(user)
    if person.sees_everything or person.is_inspector:
        return None
    return visible_branches(user).values("pk")


def scope_by_branches(qs: QuerySet, user, *paths: str) -> QuerySet:
    """Rows linked to a readable branch through any of `paths` (lookups ending at a Branch)."""
    ids = branch_scope(user)
    if ids is None:
        return qs
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__in": ids})
    return qs.filter(pk__in=qs.model._default_manager.filter(condition).values("pk"))


def scope_by_units(qs: QuerySet, user, path: str = "unit") -> QuerySet:
    """Department work: everything for those who see everything, else the person's own units."""
    person = person_for(user)
    if person.sees_everything or person.is_inspector:
        return qs
    return qs.filter(**{f"{path}__in": list(person.unit_ids)})


_VERSION_REQUIRED = "Precondition required: the request did not carry the `version` it was read at."
_VERSION_STALE = ("Conflict: the record was changed by someone else since that version; the body lists "
                  "`changes` (field, label, theirs, yours) and `current_version` to send again.")


class ScopedMixin:
    """Shared behaviour of every API viewset.

    Subclasses set `queryset` and override `scope_queryset`, `may_write`, `may_write_object`,
    `create_record`, `update_record` and `delete_record`; `record_date` names the day that decides
    whether a published quarter locks the record.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [ScopedRolePermission]
    pagination_class = StandardPagination
    filter_backends = [CheckedFilterBackend, OrderingFilter]
    ordering = ["id"]
    # Record ids in the path are digits; a longer number than any id answers 400 (get_object).
    lookup_value_regex = r"[0-9]+"
    # Payloads are checked for types only by `write_serializer_class`; every rule is the service's.
    write_serializer_class: type[serializers.Serializer] | None = None
    # PUT/PATCH of a versioned record: the write serializer with a required `version` (set for you).
    update_serializer_class: type[serializers.Serializer] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        write = cls.__dict__.get("write_serializer_class")
        read = getattr(cls, "serializer_class", None)
        queryset = getattr(cls, "queryset", None)
        if write is not None and hasattr(cls, "update") and queryset is not None and is_versioned(queryset.model):
            cls.update_serializer_class = versioned_write_serializer(write)
        update = cls.__dict__.get("update_serializer_class") or write
        if write is not None and read is not None:
            conflict = VERSION_RESPONSES if update is not write else {}
            actions = {name: extend_schema(request=update, responses={200: read, **conflict})
                       for name in ("update", "partial_update") if hasattr(cls, name)}
            if hasattr(cls, "create"):
                actions["create"] = extend_schema(request=write, responses={201: read})
            extend_schema_view(**actions)(cls)

    def get_serializer_class(self):
        if self.update_serializer_class is not None and self.action in ("update", "partial_update"):
            return self.update_serializer_class
        if self.write_serializer_class is not None and self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return super().get_serializer_class()

    def read_data(self, instance) -> dict:
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        return self.serializer_class(fresh, context=self.get_serializer_context()).data

    def current_values(self, instance) -> dict:
        """The record's values in the write serializer's terms, filled in under a PATCH."""
        return {}

    def get_versioned_object(self):
        """The record a write action addresses, to be saved only over the `version` the client sent."""
        instance = self.get_object()
        expect_version(instance, required_version(self.request, instance))
        return instance

    def get_exception_handler(self):
        return api_exception_handler

    @property
    def person(self) -> Person:
        return person_for(self.request.user)

    def get_object(self):
        parse_id(self.kwargs[self.lookup_url_kwarg or self.lookup_field], "id")
        return super().get_object()

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        return self.scope_queryset(qs)

    def scope_queryset(self, qs: QuerySet) -> QuerySet:
        return qs

    # --- permissions -------------------------------------------------------------------------
    def may_write(self, person: Person) -> bool:
        return person.is_org_admin

    def may_write_object(self, person: Person, obj) -> bool:
        return self.may_write(person)

    # --- published quarters are read-only ----------------------------------------------------
    def record_date(self, obj) -> date | None:
        return None

    def ensure_open(self, obj) -> None:
        day = self.record_date(obj)
        if day is not None:
            from scoring.locks import ensure_quarter_open

            ensure_quarter_open(day)

    # --- writes (hooks the service mixins call) --------------------------------------------
    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, instance, data: dict):
        raise NotImplementedError

    def delete_record(self, instance) -> None:
        raise NotImplementedError


def create_once(request, create):
    """Run an API create once per `Idempotency-Key` header (config.idempotency); without the header,
    every request creates. A resend answers the first 201 again, with `Idempotent-Replayed: true`."""
    key = request.headers.get(idempotency.HEADER)
    if key is None:
        return create()
    if not idempotency.valid_key(key):
        raise serializers.ValidationError(
            {idempotency.HEADER: [_("Idempotency-Key 须为 16 至 64 位字母、数字、“-”或“_”。")]})

    def replay(previous):
        response = Response(json.loads(bytes(previous.body) or b"null"), status=previous.status)
        response["Idempotent-Replayed"] = "true"
        return response

    def reused():
        return Response({"detail": _("该 Idempotency-Key 已用于另一个接口地址。")}, status=status.HTTP_409_CONFLICT)

    return idempotency.run_once(
        user=request.user, key=key, path=request.path, run=create,
        keep=lambda response: 200 <= response.status_code < 300,
        answer=lambda response: (JSONRenderer().render(response.data), "application/json"),
        replay=replay, reused=reused,
    )


class ServiceCreateMixin:
    """POST: the write serializer checks types, `create_record` calls the service; idempotent with a key."""

    def create(self, request, *args, **kwargs):
        return create_once(request, lambda: self.create_response(request))

    def create_response(self, request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_record(dict(serializer.validated_data))
        return Response(self.read_data(instance), status=status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    """PUT and PATCH: a PATCH is completed with the record's current values, then the service runs.

    A versioned record is written only over the `version` the client read: 428 without it, 409 (with
    what changed) when someone else saved meanwhile.
    """

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version = required_version(request, instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.ensure_open(instance)
        data = {**self.current_values(instance), **serializer.validated_data} if partial else dict(
            serializer.validated_data)
        if version is not None:
            expect_version(instance, version)
            # Services that take the version themselves get it; the others save the instance over it.
            if "version" in getattr(self.write_serializer_class, "_declared_fields", {}):
                data["version"] = version
            else:
                data.pop("version", None)
        instance = self.update_record(instance, data)
        return Response(self.read_data(instance))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


def required_version(request, instance) -> int | None:
    """The `version` a write to a versioned record must carry (body field, or an `If-Match` header)."""
    if not is_versioned(instance):
        return None
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw in (None, ""):
        raw = (request.headers.get("If-Match") or "").strip().strip('"').removeprefix("W/").strip('"') or None
    if raw in (None, ""):
        raise PreconditionRequired()
    try:
        version = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({"version": [_("版本号应为正整数。")]})
    if version < 1:
        raise serializers.ValidationError({"version": [_("版本号应为正整数。")]})
    return version


def version_field() -> serializers.IntegerField:
    """The `version` a write to a versioned record carries (documented as required)."""
    return serializers.IntegerField(
        min_value=1, required=True,
        help_text=gettext_lazy("读取记录时的版本号（必填）。缺少时返回 428；记录已被他人修改时返回 409，"
                               "响应中列出对方修改的字段，请按最新版本重新提交。"))


# The answers of a write that needs the version, for `extend_schema(responses=...)`.
VERSION_RESPONSES = {428: OpenApiResponse(description=_VERSION_REQUIRED),
                     409: OpenApiResponse(description=_VERSION_STALE)}


def versioned_write_serializer(write: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The write serializer of PUT/PATCH on a versioned record: `version` is required."""
    name = write.__name__.removesuffix("Serializer") + "UpdateSerializer"
    return type(name, (write,), {"version": version_field(), "__module__": write.__module__})


class ServiceDestroyMixin:
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.ensure_open(instance)
        self.delete_record(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScopedReadOnlyViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedCreateReadViewSet(ScopedMixin, ServiceCreateMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedCreateReadDeleteViewSet(ScopedMixin, ServiceCreateMixin, ServiceDestroyMixin,
                                    viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedMixin, ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin,
                         viewsets.ReadOnlyModelViewSet):
    pass
