import pytest
from django.utils import timezone
from pairing.services import log_activity
from tests.production.helpers import secretary_with_pair

@pytest.mark.django_db
def test_nul():
    secretary, branch, office, pair, kind = secretary_with_pair()
    log_activity(user=secretary, branch=branch, data={"date": timezone.localdate(), "kind": kind, "title": "a\x00b"})
