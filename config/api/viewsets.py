"""Base viewsets: querysets scoped as the pages scope them, writes through the apps' services."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from branches.access import Person, person_for, visible_branches
from config.api.exceptions import api_exception_handler
from config.api.pagination import StandardPagination
from config.api.permissions import ScopedRolePermission


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


class ScopedMixin:
    """Shared behaviour of every API viewset.

    Subclasses set `queryset` and override `scope_queryset`, `may_write`, `may_write_object`,
    `create_record`, `update_record` and `delete_record`; `record_date` names the day that decides
    whether a published quarter locks the record.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [ScopedRolePermission]
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering = ["id"]
    # Payloads are checked for types only by `write_serializer_class`; every rule is the service's.
    write_serializer_class: type[serializers.Serializer] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        write = cls.__dict__.get("write_serializer_class")
        read = getattr(cls, "serializer_class", None)
        if write is not None and read is not None:
            actions = {name: extend_schema(request=write, responses={200: read})
                       for name in ("update", "partial_update") if hasattr(cls, name)}
            if hasattr(cls, "create"):
                actions["create"] = extend_schema(request=write, responses={201: read})
            extend_schema_view(**actions)(cls)

    def get_serializer_class(self):
        if self.write_serializer_class is not None and self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return super().get_serializer_class()

    def read_data(self, instance) -> dict:
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        return self.serializer_class(fresh, context=self.get_serializer_context()).data

    def current_values(self, instance) -> dict:
        """The record's values in the write serializer's terms, filled in under a PATCH."""
        return {}

    def get_exception_handler(self):
        return api_exception_handler

    @property
    def person(self) -> Person:
        return person_for(self.request.user)

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


class ServiceCreateMixin:
    """POST: the write serializer checks types, `create_record` calls the service."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_record(dict(serializer.validated_data))
        return Response(self.read_data(instance), status=status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    """PUT and PATCH: a PATCH is completed with the record's current values, then the service runs."""

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.ensure_open(instance)
        data = {**self.current_values(instance), **serializer.validated_data} if partial else dict(
            serializer.validated_data)
        instance = self.update_record(instance, data)
        return Response(self.read_data(instance))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


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
