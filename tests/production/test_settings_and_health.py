"""Production settings refuse to start half-configured, pass `check --deploy`, and /healthz tells the truth."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from .conftest import DEAD_BROKER_URL, ROOT, real_broker_url

pytestmark = pytest.mark.django_db


def _production_env(tmp_path, **overrides: str | None) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "dangjian.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing, tmp_path):
    result = _manage(_production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"生产环境必须设置 {missing}" in result.stderr


def test_production_refuses_an_empty_allowed_hosts(tmp_path):
    result = _manage(_production_env(tmp_path, ALLOWED_HOSTS=" , "), "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_with_a_proper_environment(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_flags_a_weak_key(tmp_path):
    """The check is real: a short key is reported (so the clean run above means something)."""
    result = _manage(_production_env(tmp_path, SECRET_KEY="short"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="dangjian.example.com")
health = client.get("/healthz")
login = client.get("/accounts/login/")
print(json.dumps({"health": health.status_code, "body": json.loads(health.content),
                  "login": login.status_code, "location": login.get("Location", "")}))
"""


def test_healthz_is_exempt_from_the_https_redirect_in_production(tmp_path):
    env = _production_env(tmp_path, CELERY_BROKER_URL=DEAD_BROKER_URL)
    assert _manage(env, "migrate", "--noinput", "-v0").returncode == 0
    result = _manage(env, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    # A load balancer probing plain HTTP gets the health answer, not a redirect ...
    assert probe["health"] == 503
    assert probe["body"] == {"ok": False, "database": True, "broker": False}
    # ... while every page is sent to HTTPS.
    assert probe["login"] == 301
    assert probe["location"].startswith("https://dangjian.example.com/")


def test_healthz_without_a_broker_checks_the_database_only(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "broker": None}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_broker_that_is_down_within_seconds(client, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": True, "broker": False}


def test_healthz_reports_a_database_that_is_down(client, settings, monkeypatch):
    from django.db.backends.utils import CursorWrapper
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_healthz_with_the_real_broker(client, settings):
    url = real_broker_url()
    if not url:
        pytest.skip("needs a real Redis broker: run with CELERY_BROKER_URL=redis://... (CI's second stage does)")
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "broker": True}


def test_procfile_runs_web_worker_and_beat():
    procfile = (ROOT / "Procfile").read_text()
    lines = {line.split(":", 1)[0]: line for line in procfile.splitlines() if line and not line.startswith("#")}
    assert set(lines) == {"web", "worker", "beat"}
    assert "gunicorn config.wsgi --config gunicorn.conf.py" in lines["web"]
    assert "celery -A config worker" in lines["worker"]
    assert "celery -A config beat" in lines["beat"] and "--schedule" in lines["beat"]


def test_gunicorn_config_reads_port_and_workers_from_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "0.0.0.0:8123"
    assert config["workers"] == 3
    monkeypatch.delenv("PORT")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"] == "0.0.0.0:8000"
