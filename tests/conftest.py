import shutil

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese():
    """Tests read messages in Chinese, as users do."""
    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages cache what they computed (the dashboard, for a few minutes): every test starts empty. On a
    Redis cache only this run's keys (its prefix) go, never the rest of the database."""
    from branches.freshness import empty_cache

    empty_cache()


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    """Uploads go to a throwaway folder (config/settings/test.py); it goes when the run ends."""
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
