"""Demo data of routine supervision: a round in progress, three groups, visits with shortcomings,
strengths and typical experiences (after seed 002), and rectifications in every state.

`seed(stdout=...)` is idempotent (a second run finds the round and changes nothing) and deterministic
(fixed sample seed, fixed texts; dates count back from today so the demo always has an overdue item).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from branches.models import Branch, Role
from supervision import services
from supervision.models import Finding, GroupBranch, Rectification, SupervisionRound, Visit

DEMO_PASSWORD = "Demo@2026"
SAMPLE_SEED = 20260401
State = Rectification.State
K = Finding.Kind
M = Finding.Mode

INSPECTORS = [
    # username, display name
    ("inspector", "王建华"),
    ("inspector2", "刘振东"),
    ("inspector3", "赵立群"),
]

GROUPS = [
    ("第一督导组", "inspector", ["G01", "O01"]),
    ("第二督导组", "inspector2", ["H01"]),
    ("第三督导组", "inspector3", []),
]

# Visits to named branches: (branch code, group index, days before today, form, notes, findings)
# Each finding: (kind, mode, title, text, deadline offset in days after the visit or None, script)
# script: the rectification's story after the visit: list of (actor, to_state, days after visit, note/response)
NAMED_VISITS = [
    ("G01", 0, 110, Visit.Form.ON_SITE,
     "督导组深入曲堤管理区党支部，查阅“三会一课”记录、党员发展档案，与支部书记、党小组长和外闯党员代表座谈。",
     [
         (K.SHORTCOMING, M.BASE, "外闯队伍较多，外闯党员组织生活不规范",
          "支部外闯党员分布在济北、商河、临邑等地，部分外闯党员未按期参加组织生活，学习记录不完整；"
          "少数党小组长抓党建工作能力还有短板。", None, []),
         (K.SHORTCOMING, M.BASE, "党员发展纳新流程资料不齐全",
          "2名发展对象的政治审查材料、培养考察记录缺页，支部党员大会讨论记录不规范。", 120,
          [("branch", State.RECTIFYING, 5, "已安排组织委员逐项补齐资料，本月支部党员大会前完成。")]),
         (K.STRENGTH, M.BASE, "“三会一课”记录规范，主题党日紧扣生产",
          "主题党日围绕稳产上产、节能降耗开展，党员先锋岗在井站一线亮身份、作表率。", None, []),
         (K.TYPICAL_EXPERIENCE, M.PARTY_BUSINESS, "三代师徒，接力传承",
          "支部以老带新结成“三代师徒”：老师傅带徒弟、徒弟出师后再带新人，把采油技术、安全经验和党员先锋作用"
          "一起传下去，近三年培养岗位能手12名。督导组建议总结提炼，打造成为支部党建品牌。", None, []),
     ]),
    ("O01", 0, 62, Visit.Form.REMOTE_CONSULTATION,
     "远程专家会诊：支部书记汇报“党建+业务”推进情况，党建专家逐项点评并解析最新考核项点。",
     [
         (K.SHORTCOMING, M.BASE, "支委履职清单不清晰，分工落实不到位",
          "支委会议记录中分工表述笼统，个别支委对自身职责不清楚。", 30,
          [("branch", State.RECTIFYING, 3, "支委会专题研究，逐人梳理职责。"),
           ("branch", State.SUBMITTED, 20, "制定支委履职任务清单和“支委+团队”明白纸，支委会上逐人晒职责、亮业绩。"),
           ("review", State.CLOSED, 26, "回头看：履职清单已上墙，支委会记录规范，同意销号。")]),
         (K.SHORTCOMING, M.PAIRING, "结对共建年度方案措施不够具体",
          "与曲堤管理区党支部的共建方案中重点共建项目缺少时间节点和责任人。", 90,
          [("branch", State.RECTIFYING, 4, "与结对支部召开联席会，细化重点项目。"),
           ("branch", State.SUBMITTED, 40, "修订共建实施方案，3个重点共建项目均明确了时间节点、责任人和验收标准，已重新备案。")]),
         (K.TYPICAL_EXPERIENCE, M.BASE, "“一会一单一团队一评议”工作法",
          "通过一张履职任务清单、一份“支委+团队”明白纸，让支委晒职责、亮业绩、担责任，"
          "真正让支委由“参会者”变成“参与者”，增强支委履职能力。", None, []),
     ]),
    ("H01", 1, 55, Visit.Form.ON_SITE,
     "督导组到人力资源服务中心党支部，了解外闯党员教育管理和党建共建开展情况。",
     [
         (K.SHORTCOMING, M.PARTNERSHIP, "外闯党员教育管理难，组织活动开展受限",
          "外闯项目分散各地，部分外闯党员长期未参加集中学习，党员教育管理台账更新不及时。", 30,
          [("branch", State.RECTIFYING, 2, "建立外闯党员线上学习群，按月更新台账。"),
           ("branch", State.SUBMITTED, 25, "已建立外闯党员教育管理台账，组织线上学习2次。"),
           ("review", State.RETURNED, 40, "线上学习参学率不足六成，与甲方党组织联建尚未落实，请继续整改。")]),
         (K.TYPICAL_EXPERIENCE, M.PARTNERSHIP, "依托甲方党组织联建共管外闯党员",
          "借鉴外闯党支部联建共管经验，与外闯所在单位党支部开展党建联建，已开展3次联合主题党日；"
          "外闯党员融入甲方组织生活，实现党员双向结对共管。", None, []),
     ]),
]

# Visits to the branches drawn by the sampler (in their code order): rotating findings.
SAMPLED_FINDINGS = [
    [(K.SHORTCOMING, M.PARTY_BUSINESS, "党建与生产经营结合不紧，存在“两张皮”现象",
      "支部工作计划与管理区生产任务分别制定，党建活动与提质增效重点工作结合不够。", 45, []),
     (K.STRENGTH, M.BASE, "志愿服务常态化开展", "党员志愿服务队每月走进社区、井站，开展便民服务。", None, [])],
    [(K.TYPICAL_EXPERIENCE, M.BASE, "跨区域支部共同观摩支部党员大会",
      "横跨多个区域的党支部通过视频共同观摩一场支部党员大会，学习党员纳新规范化流程，"
      "一场典型观摩，教育辅导一大片。", None, []),
     (K.SHORTCOMING, M.BASE, "新任支部书记党务工作经验不足",
      "支部书记今年新上任，对党费收缴、组织关系转接等流程不熟悉。", 40, [])],
    [(K.TYPICAL_EXPERIENCE, M.PAIRING, "机关支部结对帮扶，联合攻关集输难题",
      "机关党支部与结对管理区党支部组建临时党小组，认领攻关任务清单，解决了集输管线结蜡问题。", None, []),
     (K.STRENGTH, M.PAIRING, "结对共建联席会制度落实到位", "每季度召开联席会，共同研究共建内容。", None, [])],
]


def _write(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _user(username: str, first_name: str, *, role_kind: str | None = None):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, first_name=first_name, password=make_password(DEMO_PASSWORD))
    if role_kind and not Role.objects.filter(user=user, kind=role_kind).exists():
        Role.objects.create(user=user, kind=role_kind)
    return user


def _secretary_of(branch: Branch):
    role = Role.objects.filter(branch=branch, kind=Role.Kind.SECRETARY).select_related("user").order_by("id").first()
    return role.user if role else None


def _at(day, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _play(rectification: Rectification, script, *, visit_day, reviewer, today) -> None:
    secretary = _secretary_of(rectification.branch)
    for actor, to_state, days, text in script:
        day = min(visit_day + timedelta(days=days), today)
        by = secretary if actor == "branch" else reviewer
        if by is None:
            return
        kwargs = {"response": text} if to_state == State.SUBMITTED else {"note": text}
        services.transition_rectification(rectification=rectification, to_state=to_state, by=by, at=_at(day), **kwargs)


def _record(group, branch, *, days_ago, form, notes, findings, by, today) -> Visit:
    day = max(today - timedelta(days=days_ago), today.replace(month=1, day=1))
    visit = services.record_visit(group=group, branch=branch, date=day, form=form, notes=notes, by=by)
    for kind, mode, title, text, deadline_days, script in findings:
        deadline = day + timedelta(days=deadline_days) if deadline_days else None
        finding = services.add_finding(visit=visit, kind=kind, mode=mode, title=title, text=text, deadline=deadline,
                                       by=by)
        if kind == K.SHORTCOMING:
            # The item was opened on the day of the visit, not the day the demo ran.
            finding.rectification.transitions.filter(from_state="").update(at=_at(day, 16))
            _play(finding.rectification, script, visit_day=day, reviewer=by, today=today)
    return visit


@transaction.atomic
def seed(*, stdout=None) -> None:
    today = timezone.localdate()
    year = today.year
    name = f"{year}年党建常态化督导"
    if SupervisionRound.objects.filter(year=year, name=name).exists():
        _write(stdout, f"督导演示数据已存在（{name}），未做改动。")
        return
    branches = {b.code: b for b in Branch.objects.filter(is_active=True)}
    if "G01" not in branches:
        _write(stdout, "未找到党支部 G01，跳过督导演示数据。")
        return

    admin = _user("orgadmin", "组织部", role_kind=Role.Kind.ORG_ADMIN)
    inspectors = {username: _user(username, display, role_kind=Role.Kind.INSPECTOR) for username, display in INSPECTORS}

    supervision_round = services.create_round(
        year=year, name=name, by=admin,
        scope="分类抽取机关、基层和人力资源服务中心党支部，直奔问题去，不排名、不考核、不通报；"
              "聚焦基层党建“不规范、不合规”的阻点，补短板、锻长板、树典型。",
    )
    services.set_round_status(supervision_round=supervision_round, status=SupervisionRound.Status.IN_PROGRESS,
                              by=admin)
    groups = []
    for group_name, leader, codes in GROUPS:
        group = services.create_group(supervision_round=supervision_round, name=group_name,
                                      leader=inspectors[leader], members=[inspectors[leader]], by=admin)
        for code in codes:
            if code in branches:
                services.add_branch_to_group(group=group, branch=branches[code], by=admin)
        groups.append(group)
    drawn = services.draw_sample(
        round=supervision_round, seed=SAMPLE_SEED, by=admin,
        per_kind={Branch.Kind.OFFICE: 0.4, Branch.Kind.DIRECT: 0.5, Branch.Kind.GRASSROOTS: 0.4},
    )

    visits = 0
    for code, group_index, days_ago, form, notes, findings in NAMED_VISITS:
        if code not in branches:
            continue
        group = groups[group_index]
        _record(group, branches[code], days_ago=days_ago, form=form, notes=notes, findings=findings,
                by=group.leader, today=today)
        visits += 1
    sampled = sorted(drawn, key=lambda link: link.branch.code)
    for index, link in enumerate(sampled[: len(SAMPLED_FINDINGS)]):
        group = link.group
        _record(group, link.branch, days_ago=48 - 6 * index, form=Visit.Form.ON_SITE,
                notes=f"督导组到{link.branch.name}查阅资料、座谈交流，反馈问题并现场辅导。",
                findings=SAMPLED_FINDINGS[index], by=group.leader, today=today)
        visits += 1

    covered = GroupBranch.objects.filter(round=supervision_round).count()
    _write(stdout, f"督导演示数据：{name}，3个督导组覆盖 {covered} 个党支部，督导 {visits} 次，"
                   f"整改事项 {Rectification.objects.filter(finding__visit__group__round=supervision_round).count()} 项。")
