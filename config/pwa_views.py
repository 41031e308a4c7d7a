"""The installable web app: its manifest, its service worker and the page shown offline when a page
was never opened before. All served by the app itself (the worker's scope must be the site root)."""

from __future__ import annotations

import hashlib
import json
import os

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

# What a secretary's phone keeps so that pages open without a network.
SHELL_FILES = [
    "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2", "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "css/app.css", "vendor/bootstrap/bootstrap.bundle.min.js", "vendor/htmx/htmx.min.js", "js/forms.js",
    "js/outbox.js", "js/outbox_page.js", "js/roster.js", "js/activity_form.js", "js/folding.js",
    "img/icon-192.png", "img/icon-512.png",
]


def _file_stamps() -> list:
    """Size and time of each shell file: a changed file makes a new worker even where static names are
    not hashed (development), so phones never keep an old script."""
    stamps = []
    for name in SHELL_FILES:
        path = finders.find(name)
        if path:
            stat = os.stat(path)
            stamps.append([name, stat.st_size, int(stat.st_mtime)])
    return stamps


def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("党建“三种模式”管理平台"),
        "short_name": _("党建提质"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f6f4",
        "theme_color": "#b71c1c",
        "lang": request.LANGUAGE_CODE,
        "icons": [{"src": static(f"img/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
                  for n in (192, 512)],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(name) for name in SHELL_FILES]
    offline_url = "/offline/"
    version = hashlib.sha256(json.dumps([shell, _file_stamps()]).encode()).hexdigest()[:12]
    field_pages = [reverse("pairing:activity_create"), reverse("pairing:outbox")]
    script = render_to_string("sw.js", {"shell": json.dumps(shell), "offline_url": json.dumps(offline_url),
                                        "field_pages": json.dumps(field_pages), "version": version})
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")
