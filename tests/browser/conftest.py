"""Chromium for the browser tests: a phone (375 px, touch) or a desktop page, and logging in through the form."""

import os
import shutil
from contextlib import contextmanager

import pytest
from django.urls import reverse

from tests.factories import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not shutil.which("chromium"),
    reason="Debian's Chromium (/usr/bin/chromium) is not installed; `.ci/run` installs it",
)


@contextmanager
def _page(context_options: dict):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(**context_options)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def phone():
    with _page(PHONE) as page:
        yield page


@pytest.fixture
def browser_page():
    with _page(DESKTOP) as page:
        yield page


def log_in(page, live_server, username: str) -> None:
    """Sign in through the login form with the factories' password; the caller waits for where it lands."""
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
