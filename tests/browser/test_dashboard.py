"""The organisation department opens the dashboard in Chromium and the ECharts charts are drawn."""

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in, needs_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


def test_org_admin_sees_the_dashboard_charts_drawn(live_server, browser_page):
    from tests.console.conftest import build_world

    world = build_world()
    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, world.users["org_admin"].username)
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("branches:dashboard") + "?quarter=2026Q3")
    page.wait_for_selector("#chart-pairs svg, #chart-pairs canvas")
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('.chart')).map(el => {
        const drawn = el.querySelector('svg, canvas');
        const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
        return {id: el.id, width: box.width, height: box.height, marks: drawn ? drawn.querySelectorAll('path, rect, text').length : 0};
    })""")
    drawn = {s["id"]: s for s in sizes}
    for chart in ("chart-pairs", "chart-partnerships", "chart-projects", "chart-departments", "chart-months",
                  "chart-kinds", "chart-network"):
        assert chart in drawn, f"{chart} missing"
        assert drawn[chart]["width"] > 100 and drawn[chart]["height"] > 100, drawn[chart]
        assert drawn[chart]["marks"] > 3, f"{chart} has nothing drawn"
    assert errors == []
    # the numbers are also in a table beside each chart, and the navbar is hidden when printing
    assert page.locator(".chart-table").count() >= 7
    page.emulate_media(media="print")
    assert not page.locator(".app-navbar").is_visible()
    assert not page.locator(".dashboard-controls").is_visible()
