"""The compile's floor, read side: ONE hand-written SQL statement giving, for every active branch, what each
record source of the rubric counts **per obligation** (one count per pair or partnership the branch is in,
one filing date per plan it owes, done/due for ratios, instances for deductions), not only per-branch totals.

Only the sources the rubric in force uses are put into the statement. Each source adds one CTE of
(branch_id, columns...): records are counted per owner (pair, partnership, unit, branch) first and the
counts then handed to the owner's branches, as cheap an order as PostgreSQL gets. `facts()` turns a row into
the engine's inputs, so the bench can score them with the engine's own methods and check every item score's
count, target and points against the compiled snapshot (bench/measure.py).

The write side of the floor is a COPY of as many entry and item-score rows as the compile writes
(bench/measure.py `floor_write`).
"""

from __future__ import annotations

from datetime import date

from branches.periods import Quarter

TIME_ZONE_SQL = "Asia/Shanghai"

# Joint activities of the window per owner column (pair_id or partnership_id) of the year's owners.
_JOINT = """SELECT a.{owner}, COUNT(*) AS n FROM pairing_activity a
            JOIN pairing_activitykind k ON k.id = a.kind_id AND k.counts_as_joint
            WHERE a.date BETWEEN %(start)s AND %(end)s AND a.{owner} IN (SELECT {key} FROM {base})
            GROUP BY a.{owner}"""

# source -> (CTE body giving branch_id and the columns, the columns, what they are for the engine)
#   counts: int[] one per obligation; filed: date[] one per obligation; ratio: (done, due); instances: int
FRAGMENTS: dict[str, tuple[str, list[str], str]] = {
    "pair_joint_activities": (f"""
        SELECT pb.branch_id, array_agg(COALESCE(c.n, 0)) AS pair_joint
        FROM pb LEFT JOIN ({_JOINT.format(owner="pair_id", key="pair_id", base="pb")}) c ON c.pair_id = pb.pair_id
        GROUP BY pb.branch_id""", ["pair_joint"], "counts"),
    "partnership_joint_activities": (f"""
        SELECT ps.branch_id, array_agg(COALESCE(c.n, 0)) AS partnership_joint
        FROM ps LEFT JOIN ({_JOINT.format(owner="partnership_id", key="partnership_id", base="ps")}) c
             ON c.partnership_id = ps.partnership_id
        GROUP BY ps.branch_id""", ["partnership_joint"], "counts"),
    "branch_activities": ("""
        SELECT ab.branch_id, ARRAY[COUNT(*)] AS branch_activities
        FROM pairing_activity_branches ab JOIN pairing_activity a ON a.id = ab.activity_id
        WHERE a.date BETWEEN %(start)s AND %(end)s GROUP BY ab.branch_id""", ["branch_activities"], "counts"),
    "pair_plan_filed": ("""
        SELECT pb.branch_id, array_agg(CASE WHEN ap.filed_on <= %(end)s THEN ap.filed_on END) AS pair_plans
        FROM pb LEFT JOIN pairing_annualplan ap ON ap.pair_id = pb.pair_id AND ap.year = %(year)s
        GROUP BY pb.branch_id""", ["pair_plans"], "filed"),
    "partnership_plan_filed": ("""
        SELECT ps.branch_id, array_agg(CASE WHEN ap.filed_on <= %(end)s THEN ap.filed_on END) AS partnership_plans
        FROM ps LEFT JOIN pairing_annualplan ap ON ap.partnership_id = ps.partnership_id AND ap.year = %(year)s
        GROUP BY ps.branch_id""", ["partnership_plans"], "filed"),
    "department_plan_filed": ("""
        SELECT b.id AS branch_id, ARRAY[MAX(kp.filed_on) FILTER (WHERE kp.filed_on <= %(end)s)] AS department_plan
        FROM branches_branch b LEFT JOIN branches_keyworkplan kp ON kp.unit_id = b.unit_id AND kp.year = %(year)s
        WHERE b.kind = 'office' AND b.is_active GROUP BY b.id""", ["department_plan"], "filed"),
    "duty_targets_met": ("""
        SELECT b.id AS branch_id, COALESCE(u.done, 0) AS targets_done, COALESCE(u.due, 0) AS targets_due
        FROM branches_branch b LEFT JOIN (
            SELECT kp.unit_id, COUNT(*) AS due, COUNT(*) FILTER (WHERE mt.status = 'done') AS done
            FROM branches_keyworkplan kp JOIN branches_keyworktask t ON t.plan_id = kp.id
            JOIN branches_monthlytarget mt ON mt.task_id = t.id AND mt.month = ANY(%(months)s)
            WHERE kp.year = %(year)s GROUP BY kp.unit_id) u ON u.unit_id = b.unit_id
        WHERE b.kind = 'office' AND b.is_active""", ["targets_done", "targets_due"], "ratio"),
    "project_tasks_on_time": ("""
        SELECT pb.branch_id, COALESCE(SUM(c.done), 0) AS tasks_on_time, COALESCE(SUM(c.due), 0) AS tasks_due
        FROM pb LEFT JOIN (
            SELECT kp.pair_id, COUNT(*) AS due,
                   COUNT(*) FILTER (WHERE t.status = 'done' AND t.completed_on <= t.due_date) AS done
            FROM pairing_projecttask t JOIN pairing_keyproject kp ON kp.id = t.project_id
            WHERE t.due_date BETWEEN %(start)s AND %(end)s AND kp.pair_id IN (SELECT pair_id FROM pb)
            GROUP BY kp.pair_id) c ON c.pair_id = pb.pair_id
        GROUP BY pb.branch_id""", ["tasks_on_time", "tasks_due"], "ratio"),
    "problems_solved": ("""
        SELECT pb.branch_id, array_agg(COALESCE(c.n, 0)) AS problems_solved
        FROM pb LEFT JOIN (
            SELECT pr.pair_id, COUNT(*) AS n FROM pairing_problem pr
            WHERE pr.status = 'solved' AND pr.solved_on BETWEEN %(start)s AND %(end)s
              AND pr.pair_id IN (SELECT pair_id FROM pb) GROUP BY pr.pair_id) c ON c.pair_id = pb.pair_id
        GROUP BY pb.branch_id""", ["problems_solved"], "counts"),
    "information_exchanges": ("""
        SELECT ps.branch_id, array_agg(COALESCE(c.n, 0)) AS exchanges
        FROM ps LEFT JOIN (
            SELECT ie.partnership_id, COUNT(*) AS n FROM pairing_informationexchange ie
            WHERE ie.period_year = %(year)s AND ie.period_month = ANY(%(months)s)
              AND ie.partnership_id IN (SELECT partnership_id FROM ps) GROUP BY ie.partnership_id) c
             ON c.partnership_id = ps.partnership_id
        GROUP BY ps.branch_id""", ["exchanges"], "counts"),
    "joint_meetings": ("""
        SELECT o.branch_id, array_agg(COALESCE(c.n, 0)) AS meetings
        FROM (SELECT branch_id, pair_id, NULL::bigint AS partnership_id FROM pb
              UNION ALL SELECT branch_id, NULL, partnership_id FROM ps) o
        LEFT JOIN (
            SELECT m.pair_id, m.partnership_id, COUNT(*) AS n FROM pairing_jointmeeting m
            WHERE m.date BETWEEN %(start)s AND %(end)s
              AND (m.pair_id IN (SELECT pair_id FROM pb) OR m.partnership_id IN (SELECT partnership_id FROM ps))
            GROUP BY m.pair_id, m.partnership_id) c
             ON c.pair_id = o.pair_id OR c.partnership_id = o.partnership_id
        GROUP BY o.branch_id""", ["meetings"], "counts"),
    "overdue_rectifications": (f"""
        SELECT r.branch_id, COUNT(*) AS overdue_rectifications
        FROM supervision_rectification r
        WHERE r.deadline < %(end)s AND NOT (r.state = 'closed' AND (r.closed_at IS NULL
              OR (r.closed_at AT TIME ZONE '{TIME_ZONE_SQL}')::date <= %(end)s))
        GROUP BY r.branch_id""", ["overdue_rectifications"], "instances"),
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
        body, cols, _kind = FRAGMENTS[source]
        alias = f"s{n}"
        ctes.append(f"{alias} AS ({body}\n)")
        joins.append(f"LEFT JOIN {alias} ON {alias}.branch_id = b.id")
        for col in cols:
            selects.append(f"{alias}.{col}")
            columns.append(col)
    select_list = ", ".join(["b.id", "b.code", "b.kind", *selects])
    sql = (f"WITH {', '.join(ctes)}\nSELECT {select_list}\nFROM branches_branch b\n" + "\n".join(joins)
           + "\nWHERE b.is_active ORDER BY b.code")
    return sql, columns


def facts(source: str, row: dict) -> dict:
    """The engine's inputs (keyword arguments of scoring.engine.sources.Fact) from one branch's floor row."""
    _body, cols, kind = FRAGMENTS[source]
    if kind == "counts":
        return {"counts": [int(c) for c in (row[cols[0]] or [])]}
    if kind == "filed":
        return {"filed": list(row[cols[0]] or [])}
    if kind == "ratio":
        return {"done": int(row[cols[0]] or 0), "due": int(row[cols[1]] or 0)}
    return {"instances": int(row[cols[0]] or 0)}


def params(quarter: Quarter, deadline: date) -> dict:
    return {"year": quarter.year, "start": quarter.start, "end": quarter.end, "months": quarter.months,
            "deadline": deadline}
