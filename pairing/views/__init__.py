"""Pages of the branch workspace (`/work/`)."""

from .activities import (
    activity_create,
    activity_delete,
    activity_detail,
    activity_edit,
    activity_list,
    evidence_add,
    evidence_delete,
    evidence_file,
    evidence_thumbnail,
    home,
    outbox,
)
from .members import members_away_page
from .pairs import (
    exchange_create,
    exchange_edit,
    exchange_file,
    meeting_create,
    meeting_delete,
    meeting_edit,
    meeting_file,
    pair_detail,
    pair_list,
    partnership_detail,
    plan_document,
    plan_edit,
    problem_create,
    problem_edit,
    problem_solve,
    project_create,
    project_edit,
    task_claim,
    task_complete,
    task_create,
    task_progress,
)

__all__ = [
    "activity_create", "activity_delete", "activity_detail", "activity_edit", "activity_list", "evidence_add",
    "evidence_delete", "evidence_file", "evidence_thumbnail", "exchange_create", "exchange_edit", "exchange_file",
    "home", "outbox", "meeting_create", "members_away_page", "meeting_delete", "meeting_edit", "meeting_file", "pair_detail", "pair_list",
    "partnership_detail", "plan_document", "plan_edit", "problem_create", "problem_edit", "problem_solve",
    "project_create", "project_edit", "task_claim", "task_complete", "task_create", "task_progress",
]
