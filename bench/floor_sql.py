"""The compile's floor: ONE hand-written SQL statement computing, for every branch, the same counts and
sums the engine's record sources compute (activities in the quarter, plans filed, targets done and due,
problems solved, exchanges, meetings, overdue rectifications).

Only the sources the rubric in force uses are put into the statement, so the floor does exactly the
counting the compile needs and nothing more. Each source adds one CTE of (branch_id, columns...).
"""

from __future__ import annotations

from datetime import date

from branches.periods import Quarter

TIME_ZONE_SQL = "Asia/Shanghai"

# source -> (CTE body, output columns, (column compared with SnapshotItemScore.count, ... .target or None))
FRAGMENTS: dict[str, tuple[str, list[str], tuple[str, str | None]]] = {
    "pair_joint_activities": ("""
        SELECT pb.branch_id, COUNT(a.id) AS pair_joint
        FROM pb JOIN pairing_activity a ON a.pair_id = pb.pair_id
        JOIN pairing_activitykind k ON k.id = a.kind_id AND k.counts_as_joint
        WHERE a.date BETWEEN %(start)s AND %(end)s GROUP BY pb.branch_id""", ["pair_joint"], ("pair_joint", None)),
    "partnership_joint_activities": ("""
        SELECT ps.branch_id, COUNT(a.id) AS partnership_joint
        FROM ps JOIN pairing_activity a ON a.partnership_id = ps.partnership_id
        JOIN pairing_activitykind k ON k.id = a.kind_id AND k.counts_as_joint
        WHERE a.date BETWEEN %(start)s AND %(end)s GROUP BY ps.branch_id""",
        ["partnership_joint"], ("partnership_joint", None)),
    "branch_activities": ("""
        SELECT ab.branch_id, COUNT(*) AS branch_activities
        FROM pairing_activity_branches ab JOIN pairing_activity a ON a.id = ab.activity_id
        WHERE a.date BETWEEN %(start)s AND %(end)s GROUP BY ab.branch_id""",
        ["branch_activities"], ("branch_activities", None)),
    "pair_plan_filed": ("""
        SELECT pb.branch_id, COUNT(*) AS pair_plans_due,
               COUNT(ap.filed_on) FILTER (WHERE ap.filed_on <= %(end)s) AS pair_plans_filed,
               COUNT(*) FILTER (WHERE ap.filed_on > %(deadline)s AND ap.filed_on <= %(end)s) AS pair_plans_late
        FROM pb LEFT JOIN pairing_annualplan ap ON ap.pair_id = pb.pair_id AND ap.year = %(year)s
        GROUP BY pb.branch_id""",
        ["pair_plans_due", "pair_plans_filed", "pair_plans_late"], ("pair_plans_filed", "pair_plans_due")),
    "partnership_plan_filed": ("""
        SELECT ps.branch_id, COUNT(*) AS partnership_plans_due,
               COUNT(ap.filed_on) FILTER (WHERE ap.filed_on <= %(end)s) AS partnership_plans_filed,
               COUNT(*) FILTER (WHERE ap.filed_on > %(deadline)s AND ap.filed_on <= %(end)s) AS partnership_plans_late
        FROM ps LEFT JOIN pairing_annualplan ap ON ap.partnership_id = ps.partnership_id AND ap.year = %(year)s
        GROUP BY ps.branch_id""",
        ["partnership_plans_due", "partnership_plans_filed", "partnership_plans_late"],
        ("partnership_plans_filed", "partnership_plans_due")),
    "department_plan_filed": ("""
        SELECT b.id AS branch_id, COUNT(*) AS department_plans_due,
               COUNT(kp.filed_on) FILTER (WHERE kp.filed_on <= %(end)s) AS department_plans_filed,
               MAX(kp.filed_on) FILTER (WHERE kp.filed_on <= %(end)s) AS department_plan_filed_on
        FROM branches_branch b JOIN branches_keyworkplan kp ON kp.unit_id = b.unit_id AND kp.year = %(year)s
        WHERE b.kind = 'office' GROUP BY b.id""",
        ["department_plans_due", "department_plans_filed", "department_plan_filed_on"],
        ("department_plans_filed", "department_plans_due")),
    "duty_targets_met": ("""
        SELECT b.id AS branch_id, COUNT(mt.id) AS targets_due,
               COUNT(mt.id) FILTER (WHERE mt.status = 'done') AS targets_done
        FROM branches_branch b
        JOIN branches_keyworkplan kp ON kp.unit_id = b.unit_id AND kp.year = %(year)s
        JOIN branches_keyworktask t ON t.plan_id = kp.id
        JOIN branches_monthlytarget mt ON mt.task_id = t.id AND mt.month = ANY(%(months)s)
        WHERE b.kind = 'office' GROUP BY b.id""", ["targets_due", "targets_done"], ("targets_done", "targets_due")),
    "project_tasks_on_time": ("""
        SELECT pb.branch_id, COUNT(t.id) AS tasks_due,
               COUNT(t.id) FILTER (WHERE t.status = 'done' AND t.completed_on <= t.due_date) AS tasks_on_time
        FROM pb JOIN pairing_keyproject kp ON kp.pair_id = pb.pair_id
        JOIN pairing_projecttask t ON t.project_id = kp.id
        WHERE t.due_date BETWEEN %(start)s AND %(end)s GROUP BY pb.branch_id""",
        ["tasks_due", "tasks_on_time"], ("tasks_on_time", "tasks_due")),
    "problems_solved": ("""
        SELECT pb.branch_id, COUNT(pr.id) AS problems_solved
        FROM pb JOIN pairing_problem pr ON pr.pair_id = pb.pair_id
        WHERE pr.status = 'solved' AND pr.solved_on BETWEEN %(start)s AND %(end)s GROUP BY pb.branch_id""",
        ["problems_solved"], ("problems_solved", None)),
    "information_exchanges": ("""
        SELECT ps.branch_id, COUNT(ie.id) AS exchanges
        FROM ps JOIN pairing_informationexchange ie ON ie.partnership_id = ps.partnership_id
        WHERE ie.period_year = %(year)s AND ie.period_month = ANY(%(months)s) GROUP BY ps.branch_id""",
        ["exchanges"], ("exchanges", None)),
    "joint_meetings": ("""
        SELECT x.branch_id, COUNT(*) AS meetings FROM (
            SELECT pb.branch_id FROM pb JOIN pairing_jointmeeting m ON m.pair_id = pb.pair_id
            WHERE m.date BETWEEN %(start)s AND %(end)s
            UNION ALL
            SELECT ps.branch_id FROM ps JOIN pairing_jointmeeting m ON m.partnership_id = ps.partnership_id
            WHERE m.date BETWEEN %(start)s AND %(end)s
        ) x GROUP BY x.branch_id""", ["meetings"], ("meetings", None)),
    "overdue_rectifications": (f"""
        SELECT r.branch_id, COUNT(*) AS overdue_rectifications
        FROM supervision_rectification r
        WHERE r.deadline < %(end)s AND NOT (r.state = 'closed' AND (r.closed_at IS NULL
              OR (r.closed_at AT TIME ZONE '{TIME_ZONE_SQL}')::date <= %(end)s))
        GROUP BY r.branch_id""", ["overdue_rectifications"], ("overdue_rectifications", None)),
}

BASE_CTES = """
pb AS (
    SELECT p.id AS pair_id, p.lead_branch_id AS branch_id FROM pairing_pair p WHERE p.year = %(year)s
    UNION ALL
    SELECT g.pair_id, g.branch_id FROM pairing_pairgrassroots g JOIN pairing_pair p ON p.id = g.pair_id
    WHERE p.year = %(year)s
),
ps AS (SELECT id AS partnership_id, branch_id FROM pairing_partnership WHERE year = %(year)s)"""


def statement(sources: list[str]) -> tuple[str, list[str]]:
    """The one SQL statement for these sources, and its output columns after (branch_id, code, kind)."""
    known = [s for s in sources if s in FRAGMENTS]
    ctes = [BASE_CTES]
    selects, joins, columns = [], [], []
    for n, source in enumerate(known):
        body, cols, _compare = FRAGMENTS[source]
        alias = f"s{n}"
        ctes.append(f"{alias} AS ({body}\n)")
        joins.append(f"LEFT JOIN {alias} ON {alias}.branch_id = b.id")
        for col in cols:
            if col.endswith("_on"):
                selects.append(f"{alias}.{col}")
            else:
                selects.append(f"COALESCE({alias}.{col}, 0) AS {col}")
            columns.append(col)
    select_list = ", ".join(["b.id", "b.code", "b.kind", *selects])
    sql = (f"WITH {', '.join(ctes)}\nSELECT {select_list}\nFROM branches_branch b\n" + "\n".join(joins)
           + "\nWHERE b.is_active ORDER BY b.code")
    return sql, columns


def params(quarter: Quarter, deadline: date) -> dict:
    return {"year": quarter.year, "start": quarter.start, "end": quarter.end, "months": quarter.months,
            "deadline": deadline}
