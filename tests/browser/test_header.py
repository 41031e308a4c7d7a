"""The header on a 375 px phone: brand, bell and menu button on one line, in Chinese and in English."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from branches.models import Role
from tests.browser.conftest import log_in, needs_chromium
from tests.factories import grassroots_branch, user_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


def _header_boxes(page) -> dict:
    return page.evaluate("""() => {
        const box = sel => { const el = document.querySelector(sel); if (!el) return null;
            const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                                                           height: r.height, visible: r.width > 0 && r.height > 0}; };
        return {nav: box('.app-navbar'), brand: box('.app-navbar .navbar-brand'),
                bell: box('.app-navbar a[href*="notifications"]'), toggler: box('.app-navbar .navbar-toggler'),
                brandText: Array.from(document.querySelectorAll('.app-navbar .navbar-brand span'))
                    .filter(s => s.getBoundingClientRect().width > 0).map(s => s.textContent.trim())};
    }""")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_header_fits_one_line_at_375px(live_server, phone, language, tmp_path):
    grassroots_branch(code="G01", name="曲堤管理区党支部")
    user_with_role(Role.Kind.SECRETARY, branch=grassroots_branch(code="G02", name="滨南管理区党支部"),
                   username="secretary")
    page = phone
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    log_in(page, live_server, "secretary")
    page.wait_for_url(f"{live_server.url}/work/")
    assert page.locator("html").get_attribute("lang") == language

    shots = Path(os.environ.get("HEADER_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page.locator(".app-navbar").screenshot(path=str(shots / f"header-375-{language}.png"))
    boxes = _header_boxes(page)
    nav, brand_box, bell, toggler = boxes["nav"], boxes["brand"], boxes["bell"], boxes["toggler"]
    assert bell["visible"] and toggler["visible"]
    # One line: the brand, the bell and the menu button sit side by side, none pushed under another.
    assert brand_box["bottom"] <= toggler["bottom"] + 4 and toggler["top"] <= brand_box["bottom"], boxes
    assert abs(bell["top"] - toggler["top"]) < 12 and brand_box["right"] <= bell["left"], boxes
    assert nav["height"] < 70, boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Under the sm breakpoint the brand is the short name of the language chosen.
    with translation.override(language):
        short = translation.pgettext("手机窄屏上的简短站名", "党建提质")
        full = translation.gettext("党建提质")
    assert boxes["brandText"] == [short], boxes
    # From the sm breakpoint on there is room for the full name.
    page.set_viewport_size({"width": 768, "height": 900})
    assert _header_boxes(page)["brandText"] == [full]
