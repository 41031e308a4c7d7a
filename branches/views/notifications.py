"""A person's in-app notifications (reminders), with the unread count in the navbar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import selectors, services
from branches.models import REMINDER_KINDS, MutedReminder, Notification
from branches.params import safe_url
from branches.views.common import paginate


@login_required
def notification_list(request):
    page, query = paginate(request, selectors.notifications_for(user=request.user))
    muted = set(MutedReminder.objects.filter(user=request.user).values_list("kind", flat=True))
    kinds = [{"kind": k, "label": label, "muted": k in muted} for k, label in REMINDER_KINDS.items()]
    return render(request, "branches/notifications.html", {"page": page, "query": query, "kinds": kinds})


@login_required
@require_POST
def notification_mute(request):
    """The kinds ticked are the ones the person still receives; the others are muted."""
    wanted = set(request.POST.getlist("receive"))
    try:
        services.set_muted_reminders(user=request.user, kinds=[k for k in REMINDER_KINDS if k not in wanted])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("提醒设置已保存。"))
    return redirect("branches:notifications")


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_notification_read(notification=notification)
    fallback = reverse("branches:notifications")
    if request.POST.get("open") and notification.link:
        return redirect(safe_url(request, notification.link, fallback))
    return redirect(fallback)


@login_required
@require_POST
def notification_read_all(request):
    n = services.mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": n})
    return redirect("branches:notifications")
