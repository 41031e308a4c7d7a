"""Optimistic concurrency for every record people edit (pages and API alike).

A versioned model (`VersionedModel`) carries a `version` that every save of an existing row claims
and bumps in one conditional UPDATE: the version on the instance is the one its editor read. So a
second person's save, made over an older version, is refused with `StaleRecordError` (saying which
fields changed: their value against yours) instead of silently overwriting the first person's work.

How to use it:
- models: inherit `VersionedModel` (adds the `version` field; keep `history = HistoricalRecords()`).
- pages: put the version the person read in the form (`add_version_field(form, record)`), and before
  the service saves, `expect_version(record, form.cleaned_data.get("version"))`; on `StaleRecordError`
  call `show_stale(form, exc)`: the form keeps what was typed, shows what changed, and carries the new
  version, so sending it again reapplies the person's values over the current version.
- API: `config.api.viewsets.ServiceUpdateMixin` does this for PUT/PATCH (428 without `version`,
  409 when stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.record_values import ValueFormatter

STALE_MESSAGE = gettext_lazy("该记录已被他人修改，您的内容尚未保存。请核对最新内容后重新提交。")
# Fields whose change says nothing to the person editing (bookkeeping).
_SKIPPED_FIELDS = {"version", "updated_at", "created_at", "updated_by", "created_by"}


@dataclass(frozen=True)
class StaleChange:
    """One field someone else changed meanwhile: its label, their stored value and the value typed here."""

    field: str
    label: str
    theirs: str
    yours: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "theirs": self.theirs, "yours": self.yours}


class StaleRecordError(ValidationError):
    def __init__(self, *, changes: list[StaleChange] | None = None, current_version: int | None = None,
                 deleted: bool = False) -> None:
        self.changes = list(changes or [])
        self.current_version = current_version
        self.deleted = deleted
        text = str(STALE_MESSAGE)
        if deleted:
            text = _("该记录已被他人删除，您的内容尚未保存。")
        elif self.changes:
            listed = "；".join(_("%(label)s（对方：%(theirs)s；您：%(yours)s）") % {
                "label": c.label, "theirs": c.theirs, "yours": c.yours} for c in self.changes)
            text = _("%(message)s对方修改了：%(changes)s。如确认以您的内容为准，请再次提交。") % {
                "message": text, "changes": listed}
        super().__init__(text, code="stale")


def _compared_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if not f.primary_key and f.editable and f.name not in _SKIPPED_FIELDS
            and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)]


def _stored_value(obj: models.Model, model_field: models.Field) -> Any:
    value = getattr(obj, model_field.attname)
    if isinstance(model_field, models.FileField):
        return getattr(value, "name", value) or None
    return value


def stale_error_for(instance: models.Model, *, read_version: int) -> StaleRecordError:
    """The refusal for saving `instance` over `read_version`: what changed since, theirs against yours.

    What changed is read from the record's history at the version the person read; without such a
    history row, every field where the stored value differs from the one typed is shown.
    """
    model = type(instance)
    current = model._base_manager.filter(pk=instance.pk).first()
    if current is None:
        return StaleRecordError(deleted=True)
    read = None
    history = getattr(model, "history", None)
    if history is not None and hasattr(history, "filter"):
        read = history.filter(**{model._meta.pk.attname: instance.pk, "version": read_version}).order_by(
            "-history_date", "-history_id").first()
    formatter = ValueFormatter(model)
    raw = []
    for model_field in _compared_fields(model):
        theirs, yours = _stored_value(current, model_field), _stored_value(instance, model_field)
        if read is not None:
            if _stored_value(read, model_field) == theirs:
                continue
        elif theirs == yours:
            continue
        formatter.want(model_field.name, theirs)
        formatter.want(model_field.name, yours)
        raw.append((model_field.name, theirs, yours))
    formatter.load()
    changes = [StaleChange(name, formatter.label(name), formatter.value(name, theirs), formatter.value(name, yours))
               for name, theirs, yours in raw]
    return StaleRecordError(changes=changes, current_version=current.version)


class VersionedModel(models.Model):
    """A record people edit: saving an existing row refuses to overwrite a version other than the one read."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            self.version = self.version or 1
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        read_version = self.version
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            claimed = type(self)._base_manager.filter(pk=self.pk, version=read_version).update(
                version=F("version") + 1)
            if claimed == 0:
                raise stale_error_for(self, read_version=read_version)
            self.version = read_version + 1
            try:
                return super().save(*args, **kwargs)
            except BaseException:
                self.version = read_version
                raise


def is_versioned(obj_or_model) -> bool:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return issubclass(model, VersionedModel) or any(f.name == "version" and not f.editable
                                                    for f in model._meta.concrete_fields)


def expect_version(instance: models.Model | None, version: int | None) -> None:
    """Make the next save of `instance` go through only over `version` (the one its editor read)."""
    if instance is not None and instance.pk is not None and version is not None:
        instance.version = version


def save_versioned(instance: models.Model, *, expected_version: int | None) -> None:
    """Save `instance` only if its stored version is still `expected_version` (default: the instance's own).

    History (django-simple-history) and signals see the change as an ordinary save.
    """
    if instance.pk is None:
        instance.version = 1
        instance.save()
        return
    expect_version(instance, expected_version)
    if isinstance(instance, VersionedModel):
        instance.save()
        return
    read_version = instance.version
    with transaction.atomic():
        claimed = type(instance)._default_manager.filter(pk=instance.pk, version=read_version).update(
            version=F("version") + 1)
        if claimed == 0:
            raise stale_error_for(instance, read_version=read_version)
        instance.version = read_version + 1
        instance.save()


# --- pages ------------------------------------------------------------------------------------------


def add_version_field(form: forms.BaseForm, record: models.Model | None) -> None:
    """A hidden `version` field holding the version the person is reading (nothing for a new record)."""
    if record is None or record.pk is None or not is_versioned(record):
        return
    if "version" not in form.fields:
        form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    form.initial.setdefault("version", record.version)


def expect_form_version(form: forms.BaseForm, record: models.Model | None) -> None:
    """Before the service saves `record`: the save goes through only over the version the form was read at."""
    expect_version(record, getattr(form, "cleaned_data", {}).get("version"))


def show_stale(form: forms.BaseForm, exc: StaleRecordError) -> None:
    """The form again: what was typed kept, what changed shown, and the current version carried, so that
    sending it again applies the person's values over the other person's version."""
    form.stale = exc
    if form.is_bound and exc.current_version is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = exc.current_version
