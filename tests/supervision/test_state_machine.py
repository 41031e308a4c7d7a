"""The rectification state machine: every allowed and disallowed transition, who may do what, the log."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from branches.models import Role
from supervision import services
from supervision.models import Finding, Rectification, RectificationTransition
from tests.factories import user_with_role

from .conftest import VISIT_DAY, shortcoming

S = Rectification.State
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ALLOWED = {
    (S.OPEN, S.RECTIFYING),
    (S.REOPENED, S.RECTIFYING),
    (S.RECTIFYING, S.SUBMITTED),
    (S.SUBMITTED, S.CLOSED),
    (S.SUBMITTED, S.RETURNED),
    (S.RETURNED, S.RECTIFYING),
    (S.RETURNED, S.SUBMITTED),
    (S.CLOSED, S.REOPENED),
}
BRANCH_SIDE = {S.RECTIFYING, S.SUBMITTED}


def move(r, to, world):
    by = world.secretary if to in BRANCH_SIDE else world.inspector
    return services.transition_rectification(rectification=r, to_state=to, by=by, note="回头看发现问题",
                                             response="已整改完毕")


PATHS = {
    S.OPEN: [],
    S.RECTIFYING: [S.RECTIFYING],
    S.SUBMITTED: [S.RECTIFYING, S.SUBMITTED],
    S.CLOSED: [S.RECTIFYING, S.SUBMITTED, S.CLOSED],
    S.RETURNED: [S.RECTIFYING, S.SUBMITTED, S.RETURNED],
    S.REOPENED: [S.RECTIFYING, S.SUBMITTED, S.CLOSED, S.REOPENED],
}


def in_state(world, state, n=[0]):  # noqa: B006 - a counter for unique titles
    n[0] += 1
    r = shortcoming(world, title=f"短板{n[0]}")
    for step in PATHS[state]:
        r = move(r, step, world)
    assert r.state == state
    return r


def test_a_shortcoming_creates_an_open_rectification_due_in_30_days(world):
    r = shortcoming(world)
    assert r.state == S.OPEN
    assert r.branch == world.branch
    assert r.deadline == VISIT_DAY + datetime.timedelta(days=30)
    assert r.owner == world.secretary
    first = r.transitions.get()
    assert (first.from_state, first.to_state, first.by) == ("", S.OPEN, world.inspector)


def test_strengths_and_typical_experiences_create_no_rectification(world):
    services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector, findings=[
        {"kind": Finding.Kind.STRENGTH, "title": "三会一课规范"},
        {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": "三代师徒", "mode": Finding.Mode.PARTY_BUSINESS},
    ])
    assert Rectification.objects.count() == 0


def test_deadline_can_be_set_at_recording_and_edited_by_the_inspector(world):
    r = shortcoming(world, deadline=datetime.date(2026, 12, 1))
    assert r.deadline == datetime.date(2026, 12, 1)
    services.set_rectification_deadline(rectification=r, deadline=datetime.date(2026, 12, 15), by=world.inspector)
    r.refresh_from_db()
    assert r.deadline == datetime.date(2026, 12, 15)
    with pytest.raises(PermissionDenied):
        services.set_rectification_deadline(rectification=r, deadline=datetime.date(2026, 12, 20), by=world.secretary)


@pytest.mark.parametrize("start,target", [(a, b) for a, b in itertools.product(S.values, S.values) if a != b])
def test_every_transition_is_allowed_or_refused_with_a_clear_message(world, start, target):
    r = in_state(world, start)
    before = r.transitions.count()
    if (start, target) in ALLOWED:
        r = move(r, target, world)
        assert r.state == target
        last = r.transitions.last()
        assert (last.from_state, last.to_state) == (start, target)
        assert r.transitions.count() == before + 1
    else:
        with pytest.raises(ValidationError) as err:
            move(r, target, world)
        message = " ".join(err.value.messages)
        assert f"当前状态为“{S(start).label}”" in message
        assert f"不能变更为“{S(target).label}”" in message
        for allowed_target in services.allowed_targets(start):
            assert str(S(allowed_target).label) in message
        r.refresh_from_db()
        assert r.state == start
        assert r.transitions.count() == before


def test_full_cycle_with_follow_up_check_records_who_and_when(world):
    r = shortcoming(world)
    services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=world.secretary)
    services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary,
                                      response="已建立外闯党员台账", files=[SimpleUploadedFile("台账.pdf", PDF)])
    services.transition_rectification(rectification=r, to_state=S.RETURNED, by=world.inspector,
                                      note="退回：台账未按月更新")
    services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=world.secretary)
    services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary,
                                      response="台账已按月更新")
    services.transition_rectification(rectification=r, to_state=S.CLOSED, by=world.inspector)
    assert r.state == S.CLOSED and r.closed_at is not None
    assert r.response == "台账已按月更新"
    steps = list(r.transitions.values_list("from_state", "to_state", "by__username"))
    assert steps == [
        ("", S.OPEN, "insp1"),
        (S.OPEN, S.RECTIFYING, "sec1"),
        (S.RECTIFYING, S.SUBMITTED, "sec1"),
        (S.SUBMITTED, S.RETURNED, "insp1"),
        (S.RETURNED, S.RECTIFYING, "sec1"),
        (S.RECTIFYING, S.SUBMITTED, "sec1"),
        (S.SUBMITTED, S.CLOSED, "insp1"),
    ]
    assert all(t.at is not None for t in r.transitions.all())
    evidence = r.evidence.get()
    assert evidence.original_name == "台账.pdf" and evidence.content_type == "application/pdf"
    assert evidence.transition.to_state == S.SUBMITTED
    # 回头看 after closing: the inspector reopens, and the closing time is cleared.
    services.transition_rectification(rectification=r, to_state=S.REOPENED, by=world.inspector,
                                      note="回头看：问题反弹")
    assert r.state == S.REOPENED and r.closed_at is None
    assert r.history.count() >= 8


def test_submitting_needs_what_was_done_and_reopening_needs_a_reason(world):
    r = in_state(world, S.RECTIFYING)
    with pytest.raises(ValidationError) as err:
        services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary, response="  ")
    assert "response" in err.value.message_dict
    r = move(r, S.SUBMITTED, world)
    with pytest.raises(ValidationError) as err:
        services.transition_rectification(rectification=r, to_state=S.RETURNED, by=world.inspector, note="")
    assert "note" in err.value.message_dict
    assert r.state == S.SUBMITTED
    r = move(r, S.CLOSED, world)
    with pytest.raises(ValidationError) as err:
        services.transition_rectification(rectification=r, to_state=S.REOPENED, by=world.inspector, note="")
    assert "note" in err.value.message_dict
    assert r.state == S.CLOSED


def test_a_disguised_file_is_refused_and_nothing_changes(world):
    r = in_state(world, S.RECTIFYING)
    with pytest.raises(ValidationError):
        services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary,
                                          response="已整改", files=[SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a photo")])
    r.refresh_from_db()
    assert r.state == S.RECTIFYING
    assert not RectificationTransition.objects.filter(rectification=r, to_state=S.SUBMITTED).exists()


def test_only_the_owner_branch_answers(world):
    r = shortcoming(world)
    committee = user_with_role(Role.Kind.COMMITTEE, branch=world.branch, username="committee1")
    for outsider in (world.other_secretary, world.inspector, world.other_inspector):
        with pytest.raises(PermissionDenied):
            services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=outsider)
    services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=committee)
    with pytest.raises(PermissionDenied):
        services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.other_secretary,
                                          response="别人的支部")
    assert r.state == S.RECTIFYING


def test_only_the_groups_inspectors_or_org_admin_review(world):
    r = in_state(world, S.SUBMITTED)
    viewer = user_with_role(Role.Kind.VIEWER, username="viewer1")
    for outsider in (world.secretary, world.other_inspector, viewer):
        with pytest.raises(PermissionDenied):
            services.transition_rectification(rectification=r, to_state=S.CLOSED, by=outsider)
    services.transition_rectification(rectification=r, to_state=S.CLOSED, by=world.admin)
    assert r.state == S.CLOSED
    services.transition_rectification(rectification=r, to_state=S.REOPENED, by=world.inspector, note="回头看")
    assert r.state == S.REOPENED


def test_allowed_targets_for_drives_the_buttons(world):
    r = in_state(world, S.SUBMITTED)
    assert services.allowed_targets_for(world.secretary, r) == []
    assert set(services.allowed_targets_for(world.inspector, r)) == {S.CLOSED, S.RETURNED}
    assert services.allowed_targets_for(world.other_inspector, r) == []
    r = in_state(world, S.OPEN)
    assert services.allowed_targets_for(world.secretary, r) == [S.RECTIFYING]
    assert services.allowed_targets_for(world.inspector, r) == []
