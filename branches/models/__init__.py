from .committee import CommitteeMember
from .duty import AssessmentContent, Duty, DutyEvidence, KeyWorkPlan, KeyWorkTask, MonthlyTarget
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

__all__ = [
    "AssessmentContent",
    "Branch",
    "CommitteeMember",
    "Duty",
    "DutyEvidence",
    "ExternalOrganization",
    "KeyWorkPlan",
    "KeyWorkTask",
    "Member",
    "MonthlyTarget",
    "Notification",
    "PartyGroup",
    "Role",
    "Unit",
    "YearSettings",
]
