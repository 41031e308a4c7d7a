"""`{% submission_key %}`: the hidden key that makes a create form save once (config.idempotency).

A form shown again after an error keeps the key it was sent with. A fresh form gets a key from the
server for browsers without JavaScript, which static/js/forms.js replaces with one made on the phone
(a page the service worker serves from its cache would otherwise hand every entry the same key)."""

import uuid

from django import template
from django.utils.html import format_html

from config.idempotency import FIELD, valid_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context) -> str:
    request = context.get("request")
    posted = request.POST.get(FIELD) if request is not None and request.method == "POST" else None
    if valid_key(posted):
        return format_html('<input type="hidden" name="{}" value="{}" data-submission-key>', FIELD, posted)
    return format_html('<input type="hidden" name="{}" value="{}" data-submission-key data-renew>', FIELD,
                       uuid.uuid4().hex)
