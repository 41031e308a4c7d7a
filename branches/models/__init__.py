from .committee import CommitteeMember
from .duty import AssessmentContent, Duty, DutyEvidence, KeyWorkPlan, KeyWorkTask, MonthlyTarget
from .filing import FilingReview
from .org import (
    Branch,
    ExternalOrganization,
    Member,
    Notification,
    PartyGroup,
    Role,
    Unit,
    YearSettings,
)
from .reminders import REMINDER_KINDS, MutedReminder
from .submissions import SubmissionKey

__all__ = [
    "AssessmentContent",
    "Branch",
    "CommitteeMember",
    "Duty",
    "DutyEvidence",
    "ExternalOrganization",
    "FilingReview",
    "KeyWorkPlan",
    "KeyWorkTask",
    "Member",
    "MutedReminder",
    "MonthlyTarget",
    "Notification",
    "PartyGroup",
    "REMINDER_KINDS",
    "Role",
    "SubmissionKey",
    "Unit",
    "YearSettings",
]
