"""Badges of the workspace: pace, plan filing state, statuses."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def pace_badge(pace: dict):
    if not pace:
        return ""
    if pace["behind"]:
        return format_html('<span class="badge badge-behind">{}</span>',
                           _("滞后 · 差 %(n)s 项") % {"n": pace["shortfall"]})
    if pace["done"] >= pace["minimum"]:
        return format_html('<span class="badge text-bg-success">{}</span>', _("已完成全年"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("进度正常"))


@register.simple_tag
def plan_badge(plan: dict):
    if not plan:
        return ""
    state = plan["state"]
    if state == "on_time":
        return format_html('<span class="badge text-bg-success">{}</span>', _("已按时备案 %(d)s") % {
            "d": plan["filed_on"].isoformat()})
    if state == "late":
        return format_html('<span class="badge text-bg-warning">{}</span>', _("逾期备案 %(d)s") % {
            "d": plan["filed_on"].isoformat()})
    if state == "missing":
        return format_html('<span class="badge badge-behind">{}</span>', _("未备案 · 已过截止日 %(d)s") % {
            "d": plan["deadline"].isoformat()})
    return format_html('<span class="badge text-bg-light border">{}</span>', _("待备案 · 截止 %(d)s") % {
        "d": plan["deadline"].isoformat()})


STATUS_CLASSES = {
    "open": "text-bg-light border", "claimed": "text-bg-info", "in_progress": "text-bg-primary",
    "done": "text-bg-success", "solving": "text-bg-info", "solved": "text-bg-success",
    "active": "text-bg-primary",
}


@register.simple_tag
def status_badge(obj):
    css = STATUS_CLASSES.get(getattr(obj, "status", ""), "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, obj.get_status_display())


@register.filter
def percent_of(done, total):
    try:
        return min(100, round(100 * int(done) / int(total)))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
