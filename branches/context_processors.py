from branches import freshness
from branches.access import person_for
from branches.navigation import nav_for


def current_person(request) -> dict:
    user = getattr(request, "user", None)
    person = person_for(user)
    unread = 0
    nav = []
    if person.user_id:
        unread = freshness.cached("unread", lambda: user.notifications.filter(read_at__isnull=True).count(),
                                  user_ids=[user.pk])
        nav = nav_for(person, request.path)
    return {"person": person, "unread_notifications": unread, "nav_items": nav}
