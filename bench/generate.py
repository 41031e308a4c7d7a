"""A synthetic oilfield organisation at a chosen scale, written into the real models' tables.

Full scale (factor 1): 5,000 branches, 2,500 pairs, 300 partnerships, 100,000 members, 500,000
activities over the current year, with annual plans, key projects and claim lists, joint meetings,
problems, information exchanges, the departments' duty plans and monthly targets, open
rectifications, a user and a secretary role per branch, an org admin, and the full rubric.

    python -m bench.generate --scale small          # 1/50, database bench_small
    python -m bench.generate --scale full --force   # drop and rebuild bench_full

Everything is deterministic (random.Random with a fixed seed). `generate_organisation()` works on
whatever database Django is connected to (the smoke test uses the test database); the command line
creates and migrates `bench_<name>` first and loads it with COPY.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from datetime import date, timedelta

from bench import FULL_SCALE

GENERATOR_VERSION = 1  # bump when the generated data changes: databases of an older version are rebuilt
SEED = 20261121
PASSWORD = "Bench@2026"
ORG_ADMIN_USERNAME = "bench_orgadmin"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海波宁鹏飞斌浩亮"
DUTIES = [
    ("political", "政治建设"), ("party_work", "党建工作"), ("team", "队伍管理"), ("talent", "人才培养"),
    ("supervision", "业务监督"), ("integrity", "廉洁从业"), ("risk", "风险防范"),
]
ACTIVITY_KINDS = [
    # code, name, category, counts_as_joint
    ("org_joint_study", "联合学习", "organisation", True),
    ("org_joint_meeting", "联合组织生活会", "organisation", True),
    ("linked_party_day", "主题党日", "linked", True),
    ("linked_lecture", "形势任务宣讲", "linked", True),
    ("linked_volunteer", "志愿服务", "linked", True),
    ("linked_culture", "文体活动", "linked", True),
    ("resources_exchange", "经验交流", "resources", True),
    ("business_guidance", "业务指导", "business", True),
    ("business_onsite", "现场帮扶", "business", True),
    ("other_branch", "支部自身活动", "other", False),
]


ACTIVITY_CHUNK = 200_000


def counts_for(factor: float) -> dict[str, int]:
    return {key: max(1, round(value * factor)) for key, value in FULL_SCALE.items()}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate_organisation(*, factor: float, year: int | None = None, today: date | None = None,
                          log=None, check_foreign_keys: bool = True) -> dict:
    """Write the organisation of the given scale into the connected database; returns a summary."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from bench.loader import Loader, MissingValue
    from branches.models import (
        AssessmentContent,
        Branch,
        Duty,
        DutyEvidence,
        ExternalOrganization,
        KeyWorkPlan,
        KeyWorkTask,
        Member,
        MonthlyTarget,
        Role,
        Unit,
        YearSettings,
    )
    from pairing.models import (
        Activity,
        ActivityKind,
        AnnualPlan,
        InformationExchange,
        JointMeeting,
        KeyProject,
        Pair,
        PairGrassroots,
        Partnership,
        Problem,
        ProjectTask,
    )

    log = log or (lambda message: None)
    started = time.monotonic()
    today = today or timezone.localdate()
    year = year or today.year
    last_day = min(today, date(year, 12, 31))
    days = [date(year, 1, 1) + timedelta(days=n) for n in range((last_day - date(year, 1, 1)).days + 1)]
    rng = random.Random(SEED)
    target = counts_for(factor)
    User = get_user_model()
    load = Loader()

    with transaction.atomic():
        if not check_foreign_keys:
            load.skip_fk_checks()
        # ---- organisation tree ------------------------------------------------------------------
        n_pairs = target["pairs"]
        n_hr = max(1, math.ceil(target["partnerships"] / 30))
        n_office = max(1, round(n_pairs * 0.8))
        n_direct = n_pairs - n_office
        n_grassroots = max(n_pairs, target["branches"] - n_pairs - n_hr)

        unit_ids = iter(load.ids(Unit, 1 + math.ceil(n_office / 4) + math.ceil(n_direct / 2)
                                 + math.ceil(n_grassroots / 10) + n_hr))
        units: list[dict] = []
        root = {"id": next(unit_ids), "code": "BENCH", "name": "油田党委（基准）", "kind": Unit.Kind.COMMITTEE,
                "parent_id": None, "sort_order": 0}
        units.append(root)

        def make_units(count: int, kind: str, prefix: str, label: str) -> list[int]:
            made = []
            for n in range(count):
                uid = next(unit_ids)
                units.append({"id": uid, "code": f"B{prefix}{n + 1:05d}", "name": f"{label}{n + 1}",
                              "kind": kind, "parent_id": root["id"], "sort_order": len(units)})
                made.append(uid)
            return made

        dept_units = make_units(math.ceil(n_office / 4), Unit.Kind.DEPARTMENT, "D", "机关部门")
        direct_units = make_units(math.ceil(n_direct / 2), Unit.Kind.DIRECT, "Z", "直属单位")
        grass_units = make_units(math.ceil(n_grassroots / 10), Unit.Kind.GRASSROOTS, "G", "管理区")
        hr_units = make_units(n_hr, Unit.Kind.HR_CENTER, "H", "人力资源服务中心")
        load.add(Unit, units)

        branch_rows: list[dict] = []
        bid = iter(load.ids(Branch, n_office + n_direct + n_grassroots + n_hr))

        def make_branches(count: int, kind: str, prefix: str, label: str, unit_pool: list[int], per_unit: int):
            made = []
            for n in range(count):
                row = {"id": next(bid), "code": f"B{prefix}{n + 1:05d}", "name": f"{label}第{n + 1}党支部",
                       "unit_id": unit_pool[min(n // per_unit, len(unit_pool) - 1)], "kind": kind,
                       "secretary_id": None, "is_active": True}
                branch_rows.append(row)
                made.append(row["id"])
            return made

        office = make_branches(n_office, Branch.Kind.OFFICE, "O", "机关", dept_units, 4)
        direct = make_branches(n_direct, Branch.Kind.DIRECT, "Z", "直属", direct_units, 2) if n_direct else []
        grassroots = make_branches(n_grassroots, Branch.Kind.GRASSROOTS, "G", "基层", grass_units, 10)
        hr = make_branches(n_hr, Branch.Kind.HR_CENTER, "H", "人力中心", hr_units, 1)
        all_branches = office + direct + grassroots + hr
        log(f"units {len(units)}, branches {len(all_branches)}")

        # ---- outside organisations and partnerships ---------------------------------------------
        n_partnerships = target["partnerships"]
        ext_ids = list(load.ids(ExternalOrganization, n_partnerships + max(1, n_partnerships // 2)))
        load.add(ExternalOrganization, [
            {"id": oid, "name": f"外部党组织{n + 1:05d}", "outside_unit": f"外部单位{n + 1:05d}",
             "location": rng.choice(["济南", "青岛", "天津", "新疆", "四川", "海外项目"])}
            for n, oid in enumerate(ext_ids)
        ])
        partnership_rows = []
        for n, pid in enumerate(load.ids(Partnership, n_partnerships)):
            partnership_rows.append({"id": pid, "year": year, "branch_id": hr[n % n_hr], "external_org_id": ext_ids[n],
                                     "yearly_minimum": 8})

        # ---- members: 5+ working away per partnership, a few scattered, the rest on post -------
        member_rows: list[dict] = []
        members_of: dict[int, list[int]] = {b: [] for b in all_branches}
        member_ids = iter(load.ids(Member, target["members"] + 10 * n_partnerships + len(all_branches)))
        statuses = [Member.Status.ON_POST] * 80 + [Member.Status.OFF_POST] * 8 + [Member.Status.INTERNALLY_RETIRED] * 12

        def add_member(branch_id: int, status: str = Member.Status.ON_POST, outside_org_id=None) -> int:
            mid = next(member_ids)
            member_rows.append({
                "id": mid, "branch_id": branch_id, "employee_no": f"BE{mid:08d}", "name": _name(rng),
                "gender": rng.choice(("male", "female")), "status": status,
                "place": "elsewhere" if outside_org_id else "dongying", "outside_org_id": outside_org_id,
                "joined_party_on": date(rng.randint(1985, year - 1), rng.randint(1, 12), rng.randint(1, 28)),
                "is_active": True, "party_group_id": None,
            })
            members_of[branch_id].append(mid)
            return mid

        for branch_id in all_branches:  # every branch has a secretary first
            add_member(branch_id)
        for row in partnership_rows:
            for _ in range(rng.randint(5, 9)):
                add_member(row["branch_id"], Member.Status.WORKING_AWAY, row["external_org_id"])
        for oid in ext_ids[n_partnerships:]:
            for _ in range(rng.randint(1, 4)):
                add_member(rng.choice(hr), Member.Status.WORKING_AWAY, oid)
        while len(member_rows) < target["members"]:
            add_member(rng.choice(all_branches), rng.choice(statuses))
        for row in branch_rows:
            row["secretary_id"] = members_of[row["id"]][0]
        load.add(Branch, branch_rows)
        load.add(Member, member_rows)
        load.add(Partnership, partnership_rows)
        log(f"members {len(member_rows)}, partnerships {len(partnership_rows)}")

        # ---- users: an org admin and a secretary per branch ------------------------------------
        password = make_password(PASSWORD)
        user_ids = list(load.ids(User, 1 + len(all_branches)))
        user_rows = [{"id": user_ids[0], "username": ORG_ADMIN_USERNAME, "password": password, "is_staff": True,
                      "is_superuser": False, "is_active": True, "first_name": "组织部", "last_name": "",
                      "email": "", "last_login": None}]
        role_rows = [{"id": 0, "user_id": user_ids[0], "kind": Role.Kind.ORG_ADMIN, "branch_id": None,
                      "unit_id": None, "member_id": None}]
        secretary_user_of: dict[int, int] = {}
        code_of = {row["id"]: row["code"] for row in branch_rows}
        for uid, branch_id in zip(user_ids[1:], all_branches, strict=True):
            user_rows.append({"id": uid, "username": f"sec_{code_of[branch_id].lower()}", "password": password,
                              "is_staff": False, "is_superuser": False, "is_active": True, "first_name": "",
                              "last_name": "", "email": "", "last_login": None})
            role_rows.append({"id": 0, "user_id": uid, "kind": Role.Kind.SECRETARY, "branch_id": branch_id,
                              "unit_id": None, "member_id": members_of[branch_id][0]})
            secretary_user_of[branch_id] = uid
        for rid, row in zip(load.ids(Role, len(role_rows)), role_rows, strict=True):
            row["id"] = rid
        load.add(User, user_rows)
        load.add(Role, role_rows)

        # ---- pairs: one office/direct branch with one grassroots branch (or two) -----------------
        leads = office + direct
        pair_ids = list(load.ids(Pair, n_pairs))
        pair_rows, link_rows, branches_of_pair = [], [], {}
        extra = n_grassroots - n_pairs  # grassroots beyond one per pair make some pairs one-to-two
        g_iter = iter(grassroots)
        link_ids = iter(load.ids(PairGrassroots, n_grassroots))
        for n, (pid, lead) in enumerate(zip(pair_ids, leads, strict=True)):
            joined = [next(g_iter)] + ([next(g_iter)] if n < extra else [])
            pair_rows.append({"id": pid, "year": year, "name": f"{code_of[lead]}结对", "lead_branch_id": lead,
                              "yearly_minimum": 4})
            for g in joined:
                link_rows.append({"id": next(link_ids), "pair_id": pid, "branch_id": g, "year": year})
            branches_of_pair[pid] = [lead, *joined]
        load.add(Pair, pair_rows)
        load.add(PairGrassroots, link_rows)
        log(f"pairs {len(pair_rows)}, grassroots links {len(link_rows)}")

        # ---- activity kinds (reuse existing ones, add the standard set otherwise) ---------------
        kinds = {k.code: k for k in ActivityKind.objects.all()}
        new_kinds = [row for row in ACTIVITY_KINDS if row[0] not in kinds]
        load.add(ActivityKind, [
            {"id": load.next_id(ActivityKind), "code": code, "name": name, "category": category,
             "counts_as_joint": joint, "sort_order": n, "is_active": True}
            for n, (code, name, category, joint) in enumerate(new_kinds)
        ])
        all_kinds = list(ActivityKind.objects.filter(is_active=True).values_list("id", "counts_as_joint"))
        joint_kinds = [kid for kid, joint in all_kinds if joint] or [kid for kid, _ in all_kinds]
        other_kinds = [kid for kid, joint in all_kinds if not joint] or joint_kinds

        # ---- activities with their participating branches and attendees --------------------------
        n_activities = target["activities"]
        activity_ids = load.ids(Activity, n_activities)
        activity_rows, through_branches, through_attendees = [], [], []
        AB = Activity.branches.through
        AA = Activity.attendees.through
        ab_id = load.next_id(AB)
        aa_id = load.next_id(AA)
        titles = ["联合学习", "主题党日", "志愿服务", "业务指导", "现场帮扶", "经验交流", "形势任务宣讲", "组织生活会"]
        written = {"activities": 0, "branches": 0, "attendees": 0}

        def flush() -> None:
            # Loaded in chunks, so a group company's 5 million activities never sit in memory at once
            # (the rows and the random sequence are the same whatever the chunk).
            load.add(Activity, activity_rows)
            load.add(AB, through_branches)
            load.add(AA, through_attendees)
            for key, rows in (("activities", activity_rows), ("branches", through_branches),
                              ("attendees", through_attendees)):
                written[key] += len(rows)
                rows.clear()

        for aid in activity_ids:
            if len(activity_rows) >= ACTIVITY_CHUNK:
                flush()
            roll = rng.random()
            pair_id = partnership_id = None
            if roll < 0.35:
                pair_id = pair_ids[rng.randrange(n_pairs)]
                taking_part = branches_of_pair[pair_id]
                owner = taking_part[rng.randrange(len(taking_part))]
                kind = joint_kinds[rng.randrange(len(joint_kinds))] if rng.random() < 0.9 else other_kinds[0]
            elif roll < 0.40:
                partnership = partnership_rows[rng.randrange(n_partnerships)]
                partnership_id = partnership["id"]
                owner = partnership["branch_id"]
                taking_part = [owner]
                kind = joint_kinds[rng.randrange(len(joint_kinds))]
            else:
                owner = all_branches[rng.randrange(len(all_branches))]
                taking_part = [owner]
                kind = other_kinds[rng.randrange(len(other_kinds))] if rng.random() < 0.7 else joint_kinds[0]
            day = days[rng.randrange(len(days))]
            activity_rows.append({
                "id": aid, "date": day, "title": titles[aid % len(titles)], "kind_id": kind,
                "owner_branch_id": owner, "pair_id": pair_id, "partnership_id": partnership_id,
                "guest_count": rng.randrange(4), "location": "", "summary": "",
                "created_by_id": secretary_user_of[owner],
            })
            for b in taking_part:
                through_branches.append({"id": ab_id, "activity_id": aid, "branch_id": b})
                ab_id += 1
            pool = members_of[owner]
            for mid in rng.sample(pool, min(len(pool), rng.randrange(7))):
                through_attendees.append({"id": aa_id, "activity_id": aid, "member_id": mid})
                aa_id += 1
        flush()
        log(f"activities {written['activities']}, branch links {written['branches']}, "
            f"attendees {written['attendees']}")

        # ---- annual plans, key projects with claim lists, meetings, problems, exchanges ---------
        def filed_on() -> date | None:
            roll = rng.random()
            if roll < 0.06:
                return None  # not filed
            if roll < 0.16:
                return date(year, 2, rng.randint(1, 28))  # late
            return date(year, 1, rng.randint(2, 31))

        owners = [("pair_id", row["id"]) for row in pair_rows] + [("partnership_id", row["id"]) for row in partnership_rows]
        plan_rows = []
        for (field, oid), pid in zip(owners, load.ids(AnnualPlan, len(owners)), strict=True):
            day = filed_on()
            if day is None:
                continue
            plan_rows.append({"id": pid, "pair_id": None, "partnership_id": None, field: oid, "year": year,
                              "goals": "围绕年度重点任务开展共建。", "measures": "", "timeline": "",
                              "lead_responsibilities": "", "partner_responsibilities": "", "document": "",
                              "filed_on": day, "filed_by_id": None, "version": 1})
        load.add(AnnualPlan, plan_rows)

        project_rows, task_rows, problem_rows, meeting_rows = [], [], [], []
        task_status = ["open", "claimed", "in_progress", "done", "done"]
        for row in pair_rows:
            pid = row["id"]
            for k in range(3):
                kp = load.next_id(KeyProject)
                project_rows.append({"id": kp, "pair_id": pid, "kind": "project", "title": f"重点共建项目{k + 1}",
                                     "goal": "", "description": "", "status": "active"})
                for t in range(3):
                    status = task_status[rng.randrange(len(task_status))]
                    claimant = None if status == "open" else rng.choice(members_of[rng.choice(branches_of_pair[pid])])
                    due = days[rng.randrange(len(days))]
                    task_rows.append({
                        "id": load.next_id(ProjectTask), "project_id": kp, "title": f"领办任务{t + 1}",
                        "claimant_id": claimant, "commitment": "按期完成" if claimant else "",
                        "claimed_on": date(year, 2, 1) if claimant else None, "due_date": due, "status": status,
                        "progress_note": "", "completed_on": due if status == "done" else None,
                    })
            for _ in range(2):
                raised = days[rng.randrange(len(days))]
                solved = rng.random() < 0.6
                problem_rows.append({
                    "id": load.next_id(Problem), "pair_id": pid, "raised_by_id": rng.choice(branches_of_pair[pid]),
                    "title": "共建难题", "description": "", "raised_on": raised,
                    "status": "solved" if solved else rng.choice(["open", "solving"]),
                    "solution": "已协调解决" if solved else "",
                    "solved_on": min(raised + timedelta(days=rng.randint(1, 40)), last_day) if solved else None,
                })
        for field, oid in owners:
            for _ in range(3):
                meeting_rows.append({"id": load.next_id(JointMeeting), "pair_id": None, "partnership_id": None,
                                     field: oid, "date": days[rng.randrange(len(days))], "topic": "联席会",
                                     "attendees": "", "minutes": "", "decisions": "", "file": "",
                                     "created_by_id": None})
        load.add(KeyProject, project_rows)
        load.add(ProjectTask, task_rows)
        load.add(Problem, problem_rows)
        load.add(JointMeeting, meeting_rows)
        exchange_rows = []
        for row in partnership_rows:
            for month in range(1, last_day.month + 1):
                for kind in ("assessment", "thinking", "attendance"):
                    if rng.random() < 0.9:
                        exchange_rows.append({
                            "id": load.next_id(InformationExchange), "partnership_id": row["id"], "kind": kind,
                            "period_year": year, "period_month": month,
                            "exchanged_on": min(date(year, month, 1) + timedelta(days=rng.randint(0, 27)), last_day),
                            "content": "按月互通", "file": "", "created_by_id": None,
                        })
        load.add(InformationExchange, exchange_rows)
        log(f"plans {len(plan_rows)}, tasks {len(task_rows)}, problems {len(problem_rows)}, "
            f"exchanges {len(exchange_rows)}")

        # ---- mode 1: duties, assessment content, 四同 evidence, key-work plans, monthly targets ---
        duty_ids = list(Duty.objects.values_list("id", flat=True))
        if not duty_ids:
            duty_rows = [{"id": load.next_id(Duty), "code": code, "name": name, "description": "",
                          "sort_order": n, "is_active": True} for n, (code, name) in enumerate(DUTIES)]
            load.add(Duty, duty_rows)
            duty_ids = [row["id"] for row in duty_rows]
        content_rows, evidence_rows, kwp_rows, kwt_rows, target_rows = [], [], [], [], []
        for uid in dept_units:
            for duty in duty_ids:
                content_rows.append({"id": load.next_id(AssessmentContent), "unit_id": uid, "year": year,
                                     "duty_id": duty, "title": "年度考核内容", "description": ""})
                for stage in ("researched", "deployed", "implemented", "assessed"):
                    if rng.random() < 0.85:
                        evidence_rows.append({
                            "id": load.next_id(DutyEvidence), "unit_id": uid, "year": year, "duty_id": duty,
                            "stage": stage, "date": days[rng.randrange(len(days))], "description": "已落实",
                            "standard": "", "supervision_responsibility": "", "assessment_method": "",
                            "created_by_id": None,
                        })
            plan_id = load.next_id(KeyWorkPlan)
            kwp_rows.append({"id": plan_id, "unit_id": uid, "year": year, "title": f"{year}年重点工作",
                             "filed_on": date(year, 1, rng.randint(5, 31)), "version": 1})
            for number in range(1, 21):
                task_id = load.next_id(KeyWorkTask)
                kwt_rows.append({"id": task_id, "plan_id": plan_id, "number": number, "title": f"重点任务{number}",
                                 "duty_id": duty_ids[number % len(duty_ids)], "owner": ""})
                for month in range(1, 13):
                    if month < last_day.month:
                        status = rng.choices(("done", "behind", "overdue"), (90, 6, 4))[0]
                    else:
                        status = "pending"
                    target_rows.append({"id": load.next_id(MonthlyTarget), "task_id": task_id, "month": month,
                                        "target": "月度目标", "status": status, "note": "", "updated_by_id": None})
        try:
            with transaction.atomic():
                load.add(AssessmentContent, content_rows)
                load.add(DutyEvidence, evidence_rows)
                load.add(KeyWorkPlan, kwp_rows)
                load.add(KeyWorkTask, kwt_rows)
                load.add(MonthlyTarget, target_rows)
        except (MissingValue, DatabaseError) as exc:  # a model changed under us: say so and go on without mode 1
            log(f"skipped mode 1 records: {exc}")
        log(f"key-work tasks {len(kwt_rows)}, monthly targets {len(target_rows)}")

        load.add(YearSettings, [{"id": load.next_id(YearSettings), "year": year, "plan_deadline": date(year, 1, 31)}]
                 if not YearSettings.objects.filter(year=year).exists() else [])

        # ---- supervision: rectifications of a sample of branches (when the app has them) --------
        rectifications = _rectifications(load, rng, all_branches, days, last_day, log)

        load.reset_sequences()

        # ---- the rubric and ranking groups ------------------------------------------------------
        rubric = _create_rubric(year=year, log=log)

    home_branch = next(row["branch_id"] for row in link_rows)
    summary = {
        "factor": factor,
        "year": year,
        "today": today.isoformat(),
        "target": target,
        "counts": {
            "branches": len(all_branches), "branches_by_kind": {"office": len(office), "direct": len(direct),
                                                               "grassroots": len(grassroots), "hr_center": len(hr)},
            "units": len(units), "pairs": len(pair_rows), "partnerships": len(partnership_rows),
            "members": len(member_rows), "activities": n_activities, "users": len(user_rows),
            "rectifications": rectifications, "rows_by_table": dict(sorted(load.counts.items())),
            "rows_total": sum(load.counts.values()),
        },
        "rubric": rubric,
        "users": {
            "org_admin": ORG_ADMIN_USERNAME,
            "secretary": next(row["username"] for row in user_rows if row["id"] == secretary_user_of[home_branch]),
            "secretary_branch_id": home_branch,
        },
        "seconds": round(time.monotonic() - started, 1),
        "foreign_key_checks": not load.fk_checks_skipped,
    }
    return summary


def _rectifications(load, rng, branches: list[int], days: list[date], last_day: date, log) -> int:
    from django.apps import apps
    from django.db import DatabaseError, connection, transaction

    from bench.loader import MissingValue

    try:
        Rectification = apps.get_model("supervision", "Rectification")
    except LookupError:
        return 0
    if Rectification._meta.db_table not in connection.introspection.table_names():
        return 0
    from django.utils import timezone

    rows = []
    now = timezone.now()
    for branch_id in branches:
        if rng.random() >= 0.06:
            continue
        for _ in range(rng.randint(1, 2)):
            state = rng.choice(["open", "rectifying", "submitted", "closed", "closed"])
            rows.append({"id": load.next_id(Rectification), "branch_id": branch_id, "title": "督导发现的短板",
                         "deadline": days[rng.randrange(len(days))], "state": state, "finding_id": None,
                         "closed_at": now if state == "closed" else None})
    try:
        with transaction.atomic():
            return load.add(Rectification, rows)
    except (MissingValue, DatabaseError) as exc:  # the supervision app is being written in parallel
        log(f"skipped rectifications: {exc}")
        return 0


def _create_rubric(*, year: int, log) -> dict:
    """The full rubric of the year and the ranking groups, made the way the demo makes them (scoring.demo)
    when it offers makers, else by bench.rubric with the same models. Idempotent."""
    try:
        from scoring.models import RankingGroup, Rubric
    except ImportError:
        return {"created": False, "reason": "scoring models missing"}
    try:
        from scoring import demo
    except ImportError:
        demo = None
    from bench.rubric import create_full_rubric, create_groups

    made: dict = {}
    existing = Rubric.objects.filter(year=year, status=Rubric.Status.ACTIVE).first()
    if existing is not None:
        made = {"created": True, "via": "existing", "rubric": str(existing)}
    for name in ("seed_rubric", "create_rubric", "ensure_rubric", "make_rubric"):
        maker = getattr(demo, name, None)
        if made or maker is None:
            continue
        rubric = maker(year=year)
        made = {"created": True, "via": f"scoring.demo.{name}", "rubric": str(rubric)[:200]}
    if not made:
        made = create_full_rubric(year=year)
    if not RankingGroup.objects.filter(is_active=True).exists():
        if getattr(demo, "seed_groups", None) is not None:
            demo.seed_groups()
            made["groups"] = "scoring.demo.seed_groups"
        else:
            create_groups()
            made["groups"] = "bench.rubric"
    made["items"] = Rubric.objects.get(year=year, status=Rubric.Status.ACTIVE).items.count() if made.get(
        "created") else 0
    made["group_names"] = list(RankingGroup.objects.filter(is_active=True).values_list("name", flat=True))
    log(f"rubric: {made}")
    return made


# ---- command line: a database of its own, migrated, loaded with COPY -----------------------------

def migration_signature() -> list[str]:
    from bench.dbs import ROOT

    return sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/migrations/0*.py"))


def main(argv: list[str] | None = None) -> int:
    from bench.dbs import (
        create_database,
        database_exists,
        django_env_setup,
        drop_database,
        migrate,
        read_meta,
        write_meta,
    )
    from bench.run import parse_scale

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", help="small (1/50), full, 10x (a group company), or a factor")
    parser.add_argument("--db", help="database name (default bench_<scale>)")
    parser.add_argument("--force", action="store_true", help="drop and rebuild the database")
    args = parser.parse_args(argv)
    name, factor = parse_scale(args.scale)
    db = args.db or f"bench_{name}"
    if not db.startswith("bench_"):
        parser.error("the benchmark only writes databases named bench_*")

    if database_exists(db) and not args.force:
        meta = read_meta(db)
        if meta and meta.get("factor") == factor and meta.get("generator") == GENERATOR_VERSION:
            if meta.get("migrations") != migration_signature():
                migrate(db)  # new migrations of the other apps: apply them to the data already there
                meta["migrations"] = migration_signature()
            django_env_setup(db)
            from django.db import transaction

            with transaction.atomic():  # a rubric and ranking groups in force, also when made after the data
                meta["rubric"] = _create_rubric(year=meta["year"],
                                                log=lambda m: print(f"  [{db}] {m}", file=sys.stderr))
            write_meta(db, meta)
            print(json.dumps({"db": db, "reused": True, **meta}, ensure_ascii=False))
            return 0
    if database_exists(db):
        drop_database(db)
    create_database(db)
    migrate(db)
    django_env_setup(db)
    summary = generate_organisation(factor=factor, check_foreign_keys=False, log=lambda m: print(f"  [{db}] {m}", file=sys.stderr, flush=True))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    summary.update(generator=GENERATOR_VERSION, migrations=migration_signature())
    write_meta(db, summary)
    print(json.dumps({"db": db, "reused": False, **summary}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
