"""The navigation shown on every page, filtered by role; entries whose page does not exist are left out."""

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from branches.access import Person

NAV_ENTRIES = [
    # (url name, label, icon, who sees it)
    ("pairing:home", _("支部首页"), "house", lambda p: p.is_branch_officer),
    ("pairing:activity_list", _("活动"), "calendar-event", lambda p: p.is_branch_officer or p.is_org_admin),
    ("pairing:pair_list", _("结对共建"), "people", lambda p: p.is_branch_officer or p.is_org_admin),
    ("branches:department_home", _("党建+业务"), "briefcase", lambda p: p.is_department),
    ("branches:console", _("组织管理"), "diagram-3", lambda p: p.is_org_admin),
    ("branches:dashboard", _("看板"), "bar-chart", lambda p: p.is_org_admin or p.is_viewer),
    ("scoring:rankings", _("党建提质杯"), "trophy", lambda p: p.user_id is not None),
    ("annual:home", _("年度考核"), "award", lambda p: p.user_id is not None),
    ("reports:home", _("报告"), "file-earmark-word", lambda p: p.user_id is not None),
    ("supervision:home", _("督导"), "clipboard-check", lambda p: p.is_org_admin or p.is_inspector or p.is_branch_officer),
    ("supervision:cases", _("典型经验"), "journal-text", lambda p: p.user_id is not None),
    ("branches:notifications", _("通知"), "bell", lambda p: p.user_id is not None),
    ("profile", _("我的账号"), "person-gear", lambda p: p.user_id is not None),
]


_URLS: dict[tuple, str | None] = {}


def _url(name: str) -> str | None:
    """reverse(name), remembered per URLconf and script prefix: the menu is drawn on every page."""
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


_MENUS: dict[tuple, list[tuple[str, str, str]]] = {}


def _menu(person: Person) -> list[tuple[str, str, str]]:
    """(url, label, icon) of the entries a person sees, remembered per role set and language."""
    key = (person.kinds, person.is_superuser, bool(person.branch_ids), person.user_id is not None,
           get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = [(url, str(label), icon) for name, label, icon, visible in NAV_ENTRIES
                              if visible(person) and (url := _url(name)) is not None]
    return menu


def nav_for(person: Person, current_path: str) -> list[dict]:
    return [{"url": url, "label": label, "icon": icon, "active": current_path.startswith(url) and url != "/"}
            for url, label, icon in _menu(person)]
