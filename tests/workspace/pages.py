"""Reading figures off the workspace pages the way a user reads them."""

from __future__ import annotations

import re

from django.urls import reverse


def home_figures(client_or_response, url: str | None = None) -> dict:
    """The counts a secretary sees on the branch home: this quarter's and this year's activities, the
    number behind, and the activities done of each pair or partnership card in order."""
    response = client_or_response
    if hasattr(client_or_response, "force_login"):
        response = client_or_response.get(url or reverse("pairing:home"))
    assert response.status_code == 200
    html = response.content.decode()

    def stat(testid: str) -> int:
        match = re.search(rf'data-testid="{testid}">\s*(\d+)\s*<', html)
        assert match, testid
        return int(match.group(1))

    return {
        "quarter": stat("quarter-count"),
        "year": stat("year-count"),
        "behind": stat("behind-count"),
        "pace": [int(n) for n in re.findall(r'data-testid="pace" data-done="(\d+)"', html)],
    }
