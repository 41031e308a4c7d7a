"""Uploaded files are never served by path alone: each is served only to people whose role and
organisation cover the record that references it. Files of activities, plans, meetings, exchanges
and supervision have scoped views of their own; this view covers the department (mode 1) files."""

from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse

from branches.access import person_for
from branches.models import DutyEvidence, KeyWorkPlan
from config.downloads import download_response, login_or_token_required

# (model, file field, how to find the unit the record belongs to)
_DEPARTMENT_FILES = [
    (DutyEvidence, "file", "unit_id"),
    (KeyWorkPlan, "document", "unit_id"),
]


def _may_read(user, path: str) -> bool:
    person = person_for(user)
    for model, field, unit_attr in _DEPARTMENT_FILES:
        unit_id = model.objects.filter(**{field: path}).values_list(unit_attr, flat=True).first()
        if unit_id is not None:
            return person.sees_everything or unit_id in person.unit_ids
    return False


@login_or_token_required
def scoped_media(request: HttpRequest, path: str, document_root: str) -> HttpResponse:
    if not _may_read(request.user, path):
        raise Http404
    return download_response(FieldFile(None, FileField(), path), name=path)
