"""The models and the migrations agree: nobody forgot a `makemigrations`."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_changes_without_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits non-zero when a migration is missing
        pytest.fail(f"makemigrations --check found model changes without migrations:\n{out.getvalue()} ({exit_})")
    assert "No changes detected" in out.getvalue()
