"""English as the second language: pages switch to English on request, Chinese stays the default,
and the English catalogue covers every string the code marks for translation."""

from __future__ import annotations

import ast
import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from branches.models import Role
from tests.factories import PairFactory, grassroots_branch, user_with_role

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# The same folders the translator skips when running makemessages.
MAKEMESSAGES_IGNORE = [".venv", "bench", "static", "staticfiles", "node_modules"]


# --- pages -----------------------------------------------------------------------------------


def english(client):
    """Pick English the way a user does: the footer switcher posts to Django's set_language view."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def page(client, url, data=None, **extra) -> str:
    response = client.get(url, data, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    html = page(client, reverse("login"))
    assert '<html lang="zh-hans">' in html
    assert "登录党建“三种模式”管理平台" in html
    assert "用户名" in html
    assert "Log in to the Party-Building" not in html


@pytest.mark.django_db
def test_english_browser_still_opens_in_chinese(client):
    """Work phones and office PCs often run English browsers; only the switcher changes the language."""
    html = page(client, reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in html
    assert "登录党建“三种模式”管理平台" in html


@pytest.mark.django_db
def test_login_page_in_english(client):
    html = page(english(client), reverse("login"))
    assert '<html lang="en">' in html
    assert "Log in to the Party-Building “Three Modes” Platform" in html
    assert "Username" in html and "Password" in html
    assert "登录党建" not in html
    assert "用户名" not in html


@pytest.mark.django_db
def test_language_switcher_choice_sticks_and_can_be_undone(client):
    english(client)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    for _ in range(2):
        html = page(client, reverse("login"))
        assert "Log in to the Party-Building" in html
        assert "登录党建" not in html
    # Switching back restores Chinese.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登录党建“三种模式”管理平台" in page(client, reverse("login"))


@pytest.fixture
def secretary(client):
    branch = grassroots_branch(name="曲堤管理区党支部")
    PairFactory(grassroots=[branch])
    user = user_with_role(Role.Kind.SECRETARY, branch=branch)
    client.force_login(user)
    return client


@pytest.fixture
def org_admin(client):
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    return client


@pytest.mark.django_db
def test_secretary_workspace_in_english(secretary):
    chinese = page(secretary, reverse("pairing:home"))
    assert "支部工作台" in chinese

    html = page(english(secretary), reverse("pairing:home"))
    assert "Branch workspace" in html
    assert "Grassroots branch" in html  # a model choice label (the branch kind)
    assert "支部工作台" not in html
    assert "基层党支部 ·" not in html
    assert "曲堤管理区党支部" in html  # data stays as entered


@pytest.mark.django_db
def test_activity_log_in_english(secretary):
    html = page(english(secretary), reverse("pairing:activity_list"))
    assert "Activity log" in html
    assert "活动台账" not in html


@pytest.mark.django_db
def test_cup_rankings_in_english(org_admin):
    html = page(english(org_admin), reverse("scoring:rankings"), {"quarter": "2026Q3"})
    assert "Quality Cup · 2026Q3 ranking" in html
    assert "Rubric" in html
    assert "党建提质杯 ·" not in html
    assert "评分细则" not in html


@pytest.mark.django_db
def test_org_dashboard_in_english(org_admin):
    chinese = page(org_admin, reverse("branches:dashboard"))
    assert "党建“三种模式”看板" in chinese

    html = page(english(org_admin), reverse("branches:dashboard"))
    assert "“Three modes” dashboard" in html
    assert "Joint activities held" in html
    assert "党建“三种模式”看板" not in html
    assert "开展共建活动" not in html


@pytest.mark.django_db
def test_navigation_in_english(org_admin):
    html = page(english(org_admin), reverse("branches:dashboard"))
    assert "Organisation" in html and "Quality Cup" in html
    assert ">组织管理<" not in html


# --- the catalogue ---------------------------------------------------------------------------


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr / msgstr[n], flags; obsolete ones dropped."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = _unquote(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += text
            else:
                entry[field] += text
        else:
            keyword, _, rest = line.partition(" ")
            if keyword.startswith("msgstr"):
                index = keyword[len("msgstr[") : -1] if "[" in keyword else "0"
                field = ("msgstr", index)
                entry["msgstr"][index] = _unquote(rest)
            else:
                field = keyword
                entry[keyword] = _unquote(rest)
    close()
    return [e for e in entries if e["msgid"]]  # drop the header


def test_every_string_has_an_english_translation():
    entries = parse_po(PO_FILE)
    assert len(entries) > 500  # the catalogue really holds the interface
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated in {PO_FILE}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy (unchecked) in {PO_FILE}: {fuzzy[:20]}"
    plurals = [e for e in entries if "msgid_plural" in e]
    assert all(set(e["msgstr"]) == {"0", "1"} for e in plurals)


def test_compiled_catalogue_matches_the_po_file():
    """locale/en/LC_MESSAGES/django.mo is what Django reads; it must be compiled from the current .po."""
    with MO_FILE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for e in parse_po(PO_FILE):
        if "msgctxt" in e:
            got, want = catalogue.pgettext(e["msgctxt"], e["msgid"]), e["msgstr"]["0"]
        elif "msgid_plural" in e:
            got = catalogue.ngettext(e["msgid"], e["msgid_plural"], 2)
            want = e["msgstr"]["1"]
        else:
            got, want = catalogue.gettext(e["msgid"]), e["msgstr"]["0"]
        if got != want:
            stale.append(e["msgid"])
    assert not stale, f"run `manage.py compilemessages -l en`; stale in django.mo: {stale[:10]}"


def test_english_catalogue_is_used_by_django():
    with translation.override("en"):
        assert translation.gettext("支部工作台") == "Branch workspace"
    with translation.override("zh-hans"):
        assert translation.gettext("支部工作台") == "支部工作台"


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="makemessages needs GNU gettext (xgettext) installed"
)
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path, monkeypatch, settings):
    """Extract the strings afresh (into a scratch folder) and check each one is translated in the
    committed catalogue, so a string added later without a translation is caught here."""
    # makemessages writes into a `locale` folder beside the sources, so run it on a mirror of the
    # project (symlinks to everything but `locale`) and leave the committed catalogue untouched.
    base = Path(settings.BASE_DIR)
    mirror = tmp_path / "project"
    mirror.mkdir()
    for child in base.iterdir():
        if (
            child.name != "locale"
            and child.name not in MAKEMESSAGES_IGNORE
            and not child.name.startswith(".")
        ):
            (mirror / child.name).symlink_to(child)
    monkeypatch.chdir(mirror)
    settings.LOCALE_PATHS = [mirror / "locale"]
    (mirror / "locale").mkdir()
    before = PO_FILE.stat().st_mtime_ns
    call_command(
        "makemessages", locale=["en"], ignore_patterns=MAKEMESSAGES_IGNORE, symlinks=True, verbosity=0
    )
    assert PO_FILE.stat().st_mtime_ns == before
    fresh = {e["msgid"] for e in parse_po(mirror / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    translated = {e["msgid"] for e in parse_po(PO_FILE) if all(e["msgstr"].values())}
    missing = sorted(fresh - translated)
    assert not missing, (
        "strings without an English translation; run makemessages -l en, translate them in "
        f"{PO_FILE.relative_to(settings.BASE_DIR)} and compilemessages: {missing[:20]}"
    )
