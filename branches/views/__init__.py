"""Pages of the organisation department (console, dashboard, filing) and the office departments."""

from branches.views.catalogue import activity_kind_edit, catalogue_home, duty_edit
from branches.views.console import (
    assessment_delete,
    assessment_edit,
    branch_edit,
    branch_list,
    console_home,
    copy_assessment,
    copy_pairs,
    copy_partnerships,
    external_org_edit,
    external_org_list,
    filing_board,
    filing_remind,
    import_page,
    import_template,
    member_edit,
    member_list,
    pair_delete,
    pair_edit,
    partnership_create,
    partnership_delete,
    people,
    person_create,
    role_delete,
    role_edit,
    unit_edit,
    unit_list,
    year_settings,
    year_setup,
)
from branches.views.dashboard import dashboard
from branches.views.department import (
    department_home,
    duty_board_export,
    evidence_delete,
    evidence_edit,
    plan_save,
    target_create,
    target_status,
    task_edit,
)
from branches.views.filing_review import filing_review
from branches.views.notifications import (
    notification_list,
    notification_mute,
    notification_read,
    notification_read_all,
)
from branches.views.organisation import (
    branch_org,
    committee_delete,
    committee_edit,
    org_tree,
    party_group_delete,
    party_group_edit,
)

__all__ = [
    "activity_kind_edit", "catalogue_home", "duty_edit",
    "assessment_delete", "assessment_edit", "branch_edit", "branch_org", "committee_delete", "committee_edit",
    "org_tree", "party_group_delete", "party_group_edit", "branch_list", "console_home", "copy_assessment", "copy_pairs", "copy_partnerships",
    "dashboard", "department_home", "duty_board_export", "evidence_delete", "evidence_edit", "external_org_edit", "external_org_list",
    "filing_board", "filing_remind", "filing_review", "import_page", "import_template", "member_edit", "member_list",
    "notification_list", "notification_mute", "notification_read", "notification_read_all", "pair_delete", "pair_edit",
    "partnership_create", "partnership_delete", "people", "person_create", "plan_save", "role_delete", "role_edit",
    "target_create", "target_status", "task_edit", "unit_edit", "unit_list", "year_settings", "year_setup",
]
