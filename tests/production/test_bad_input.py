"""Bad input, generated: the services answer anything a person (or an API client) can send with a
ValidationError carrying a message, never another exception, and write nothing when they refuse."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branches.models import Role
from branches.periods import Quarter
from pairing.models import Activity, Evidence, Pair, PairGrassroots
from pairing.services import log_activity, save_pair
from scoring.models import ManualScore, RubricItem
from scoring.services import save_manual_score
from tests.factories import BranchFactory, direct_branch, grassroots_branch, hr_branch, office_branch

from .helpers import cup_ready, secretary_with_pair

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
# Forms and the API refuse NUL characters before the services see them (Django's and DRF's CharField);
# PostgreSQL cannot store them. Everything else a keyboard or a client can send is fair game.
TEXT = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=400)
NUMBERISH = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(["", " ", "nan", "NaN", "sNaN", "inf", "-Infinity", "1e999999", "-0", "5.555", "１０", "10分"]),
    st.none(),
)


def _messages(exc: ValidationError) -> list[str]:
    messages = exc.messages
    assert messages and all(isinstance(m, str) and m.strip() for m in messages)
    return messages


@FUZZ
@given(text=st.one_of(TEXT, st.from_regex(r"\s*\d{1,6}\s*[QqＱ]?\s*-?\d{0,3}\s*", fullmatch=True)))
def test_quarter_parse_accepts_a_quarter_or_says_why_not(text):
    try:
        quarter = Quarter.parse(text)
    except ValidationError as exc:
        _messages(exc)
    else:
        assert Quarter.parse(str(quarter)) == quarter
        assert 1 <= quarter.number <= 4


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_save_pair_refuses_bad_pairs_without_writing(data):
    branches = _pairable_branches()
    year = data.draw(st.one_of(st.integers(min_value=-5, max_value=5000), st.sampled_from([2026, 2027, 1999, 2101])))
    lead = data.draw(st.sampled_from(branches))
    grassroots = data.draw(st.lists(st.sampled_from(branches), max_size=4))
    name = data.draw(st.one_of(st.just(""), TEXT))
    before = (Pair.objects.count(), PairGrassroots.objects.count())
    try:
        pair = save_pair(year=year, lead_branch=lead, grassroots_branches=grassroots, name=name)
    except ValidationError as exc:
        _messages(exc)
        assert (Pair.objects.count(), PairGrassroots.objects.count()) == before
    else:
        assert 1 <= pair.grassroots_branches.count() <= 2


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_log_activity_refuses_bad_input_without_writing(data):
    secretary, branch, office, pair, kind = _workspace()
    today = timezone.localdate()
    day = data.draw(st.one_of(st.dates(min_value=datetime.date(1, 1, 1)), st.just(today), st.none(),
                              st.dates(min_value=today - datetime.timedelta(days=400), max_value=today)))
    payload = {
        "date": day,
        "kind": data.draw(st.sampled_from([kind, None])),
        "title": data.draw(TEXT),
        "branches": data.draw(st.lists(st.sampled_from([branch, office, _stranger()]), max_size=3)),
        "pair": data.draw(st.sampled_from([None, pair])),
        "guest_count": data.draw(st.one_of(st.integers(min_value=-(10**12), max_value=10**12), st.none(), TEXT)),
        "location": data.draw(TEXT),
        "summary": data.draw(TEXT),
    }
    before = (Activity.objects.count(), Activity.history.count(), Evidence.objects.count())
    try:
        activity = log_activity(user=secretary, branch=branch, data=payload)
    except ValidationError as exc:
        _messages(exc)
        assert (Activity.objects.count(), Activity.history.count(), Evidence.objects.count()) == before
    else:
        activity.refresh_from_db()
        assert activity.date <= today and len(activity.title) <= 200


@pytest.mark.django_db
@FUZZ
@given(points=NUMBERISH, reason=st.one_of(TEXT, st.just("评分理由")), quarter=st.sampled_from(["2026Q1", "2026Q3"]))
def test_manual_scores_refuse_bad_points_without_writing(points, reason, quarter):
    item, branch = _cup()
    before = list(ManualScore.objects.values_list("pk", "points", "reason", "version"))
    try:
        score = save_manual_score(quarter=Quarter.parse(quarter), branch=branch, item=item, points=points,
                                  reason=reason, user=None)
    except ValidationError as exc:
        _messages(exc)
        assert list(ManualScore.objects.values_list("pk", "points", "reason", "version")) == before
    else:
        score.refresh_from_db()
        assert 0 <= score.points <= item.max_points
        assert score.reason.strip()


# Built once per test (each hypothesis example of a test shares its database transaction).
def _workspace():
    from pairing.models import ActivityKind

    if not ActivityKind.objects.filter(code="fuzz").exists():
        secretary, branch, office, pair, kind = secretary_with_pair()
        kind.code = "fuzz"
        kind.save()
        return secretary, branch, office, pair, kind
    kind = ActivityKind.objects.get(code="fuzz")
    pair = Pair.objects.get()
    branch = pair.grassroots_branches.get()
    secretary = Role.objects.get(kind=Role.Kind.SECRETARY, branch=branch).user
    return secretary, branch, pair.lead_branch, pair, kind


def _pairable_branches() -> list:
    """The same branches for every example (hypothesis replays draws against them)."""
    makers = [office_branch, direct_branch, grassroots_branch, grassroots_branch, grassroots_branch, hr_branch]
    return [make(code=f"FZ{n}") for n, make in enumerate(makers)]


def _stranger():
    return BranchFactory._meta.model.objects.filter(code="STRANGER").first() or grassroots_branch(code="STRANGER")


def _cup():
    item = RubricItem.objects.filter(method=RubricItem.Method.MANUAL).first()
    if item is None:
        item = RubricItem.objects.get(rubric=cup_ready(branches=0), method=RubricItem.Method.MANUAL)
    branch = grassroots_branch(code="FUZZ01")
    return item, branch
