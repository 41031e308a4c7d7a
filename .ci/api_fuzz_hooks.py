"""schemathesis hooks for .ci/api-fuzz: aim part of the generated ids at records the demo data has, and
note every answer (operation, status) so the stage can say how many cases each operation had and how
many got past validation."""

import os

import schemathesis

# The demo data's ids start at 1; most tables hold a few dozen rows.
REAL_IDS = 40


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    value = path_parameters.get("id")
    if isinstance(value, int) and value > 0 and value % 4:
        path_parameters["id"] = 1 + value % REAL_IDS
    return path_parameters


@schemathesis.hook
def after_call(context, case, response):
    with open(os.environ["API_FUZZ_CALLS"], "a", encoding="utf-8") as calls:
        calls.write(f"{case.operation.label}\t{response.status_code}\n")


YEAR_KEYS = {"year", "period_year"}


def _aimed(key, value):
    """Some generated numbers in a body aimed at what exists: ids at the demo rows, years at the demo year."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or not value % 4:
        return value
    if key in YEAR_KEYS:
        return 2026
    return 1 + value % REAL_IDS


@schemathesis.hook
def map_body(context, body):
    if not isinstance(body, dict):
        return body
    aimed = {}
    for key, value in body.items():
        if isinstance(value, list):
            aimed[key] = [_aimed(key, v) for v in value]
        else:
            aimed[key] = _aimed(key, value)
    return aimed
