"""`{% history_link record %}`: the link from a record's page to its history 修改记录, for those who may read it."""

from __future__ import annotations

from django import template
from django.urls import reverse
from simple_history.utils import NotHistoricalModelError, get_history_manager_for_model

from branches.access import may_read_history, person_for

register = template.Library()


@register.inclusion_tag("history/_link.html", takes_context=True)
def history_link(context, record):
    request = context.get("request")
    url = ""
    if record is not None and getattr(record, "pk", None) and request is not None:
        try:
            get_history_manager_for_model(type(record))
        except NotHistoricalModelError:
            return {"url": ""}
        if may_read_history(person_for(request.user), record):
            url = reverse("record_history", kwargs={"app_label": record._meta.app_label,
                                                    "model_name": record._meta.model_name, "pk": record.pk})
    return {"url": url}
