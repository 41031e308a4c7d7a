"""Demo data: a believable organisation and a year of records, modelled on the seed texts.

`build_demo()` is what `python manage.py seed_demo` runs. Every part is idempotent (records are found
by their natural keys and only missing ones are created, so running twice changes nothing) and
deterministic (each part draws from its own `random.Random` seeded from 2026 and the part's name, and
the whole year is planned before records dated after today are dropped).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import (
    AssessmentContent,
    Branch,
    CommitteeMember,
    Duty,
    DutyEvidence,
    ExternalOrganization,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    PartyGroup,
    Role,
    Unit,
    YearSettings,
)
from branches.periods import quarters_of_year
from pairing.models import (
    Activity,
    ActivityCategory,
    ActivityKind,
    AnnualPlan,
    InformationExchange,
    JointMeeting,
    KeyProject,
    Pair,
    Partnership,
    Problem,
    ProjectTask,
)
from pairing.services import save_pair, save_partnership

SEED = 2026
DEMO_PASSWORD = "Demo@2026"


def rng_for(part: str) -> random.Random:
    """A generator of its own for each part, so one part's changes never shift another's data."""
    return random.Random(f"{SEED}:{part}")


# --------------------------------------------------------------------------------------------------
# The organisation (seed 000: 7 office/direct branches paired with 9 grassroots branches; the HR
# service center co-builds with five outside units).
# --------------------------------------------------------------------------------------------------
ROOT = ("C00", "公司党委")
# (unit code, unit name, unit kind, branch code)
UNITS = [
    ("D01", "综合管理部", Unit.Kind.DEPARTMENT, "O01"),
    ("D02", "党群工作部", Unit.Kind.DEPARTMENT, "O02"),
    ("D03", "人力资源部(组织部)", Unit.Kind.DEPARTMENT, "O03"),
    ("D04", "财务资产部", Unit.Kind.DEPARTMENT, "O04"),
    ("D05", "企业管理部", Unit.Kind.DEPARTMENT, "O05"),
    ("Z01", "QHSE监督中心", Unit.Kind.DIRECT, "O06"),
    ("Z02", "经营共享服务中心", Unit.Kind.DIRECT, "O07"),
    ("J01", "曲堤管理区", Unit.Kind.GRASSROOTS, "G01"),
    ("J02", "滨南管理区", Unit.Kind.GRASSROOTS, "G02"),
    ("J03", "梁家楼管理区", Unit.Kind.GRASSROOTS, "G03"),
    ("J04", "纯化管理区", Unit.Kind.GRASSROOTS, "G04"),
    ("J05", "大芦湖管理区", Unit.Kind.GRASSROOTS, "G05"),
    ("J06", "乐安管理区", Unit.Kind.GRASSROOTS, "G06"),
    ("J07", "高青管理区", Unit.Kind.GRASSROOTS, "G07"),
    ("J08", "作业服务大队", Unit.Kind.GRASSROOTS, "G08"),
    ("J09", "油气集输大队", Unit.Kind.GRASSROOTS, "G09"),
    ("R01", "人力资源服务中心", Unit.Kind.HR_CENTER, "H01"),
]
HR_BRANCH = "H01"

# Pairs of the demo year: lead branch -> grassroots branches ("一对一" and two "一对二").
PAIRS = {
    "O01": ["G01"],
    "O02": ["G03", "G04"],
    "O03": ["G05"],
    "O04": ["G06"],
    "O05": ["G07"],
    "O06": ["G02"],
    "O07": ["G08", "G09"],
}
# Last year's pairs differ a little: pairs are adjusted yearly.
PREVIOUS_PAIRS = {
    "O01": ["G01"],
    "O02": ["G03"],
    "O03": ["G04", "G05"],
    "O04": ["G06"],
    "O05": ["G07"],
    "O06": ["G02"],
    "O07": ["G08", "G09"],
}
# Pairs and partnerships that fall behind pace, and annual plans filed late or not at all.
BEHIND_PAIRS = {"O04": 3, "O05": 2}
BEHIND_PARTNERSHIPS = {"大明项目党支部": 6, "临邑管理区党支部": 7}
LATE_PAIR_PLANS = {"O03": (2, 18)}
LATE_PARTNERSHIP_PLANS = {"临邑管理区党支部": (3, 9)}
MISSING_PAIR_PLANS = {"O05"}
MISSING_PARTNERSHIP_PLANS = {"大明项目党支部"}

# (party organisation, outside unit, location, members of H01 working there, partnered?)
EXTERNAL_ORGS = [
    ("济北管理区党支部", "济北管理区", "济南市济阳区", 8, True),
    ("商河管理区党支部", "商河管理区", "济南市商河县", 7, True),
    ("临邑管理区党支部", "临邑管理区", "德州市临邑县", 6, True),
    ("大明项目党支部", "大明项目", "东营市东营区", 5, True),
    ("财务共享项目党支部", "财务共享项目", "东营市东营区", 9, True),
    ("海洋采油厂采油管理二区党支部", "海洋采油厂采油管理二区", "东营市河口区", 3, False),
    ("西北油田雅克拉采气厂党支部", "西北油田雅克拉采气厂", "新疆库车市", 2, False),
]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
GIVEN_MALE = list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健亮建国峰龙浩凯东林海文志成兵学庆春生荣新利振")
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞燕玲洁琳晶颖婷雪慧倩妍红梅莉萍英华琴兰凤云月青秀")


# --------------------------------------------------------------------------------------------------
# Activity kinds (mode 2's four categories and their forms; mode 3's additions) and the seven duties.
# --------------------------------------------------------------------------------------------------
# (code, name, category, counts as a joint activity)
ACTIVITY_KINDS = [
    ("joint_study", "联合学习", ActivityKind.Category.ORGANISATION, True),
    ("standardisation", "支部标准化共建", ActivityKind.Category.ORGANISATION, True),
    ("theme_day", "主题党日", ActivityKind.Category.LINKED, True),
    ("theme_day_3_1_x", "“3+1+X”主题党日", ActivityKind.Category.LINKED, True),
    ("org_life", "组织生活会", ActivityKind.Category.LINKED, True),
    ("situation_lecture", "形势任务宣讲", ActivityKind.Category.LINKED, True),
    ("volunteer", "志愿服务", ActivityKind.Category.LINKED, True),
    ("culture_sports", "文体活动", ActivityKind.Category.LINKED, True),
    ("visit_homes", "走基层访万家", ActivityKind.Category.LINKED, True),
    ("info_sharing", "党建信息共享", ActivityKind.Category.RESOURCES, True),
    ("experience", "经验交流", ActivityKind.Category.RESOURCES, True),
    ("staff_exchange", "人员交流", ActivityKind.Category.RESOURCES, True),
    ("business_guidance", "业务指导", ActivityKind.Category.BUSINESS, True),
    ("onsite_help", "现场帮扶", ActivityKind.Category.BUSINESS, True),
    ("online_qa", "线上答疑", ActivityKind.Category.BUSINESS, True),
    ("heart_talk", "谈心谈话", ActivityKind.Category.OTHER, True),
    ("three_meetings", "“三会一课”", ActivityKind.Category.OTHER, False),
]
# Categories besides each kind's co-building kind (its `category`): what "organisation life" and the care
# activities are, for rubric items that count only those.
CATEGORIES = [
    ("organisation", "组织共建"), ("linked", "活动互联"), ("resources", "资源共享"), ("business", "业务互促"),
    ("org_life", "组织生活（三会一课、主题党日）"), ("care", "关怀走访（谈心谈话、走基层访万家）"),
    ("info_exchange", "信息互通"), ("other", "其他"),
]
EXTRA_CATEGORIES = {
    "theme_day": ["org_life"], "theme_day_3_1_x": ["org_life"], "org_life": ["org_life"],
    "three_meetings": ["org_life"], "joint_study": ["org_life"], "heart_talk": ["care"], "visit_homes": ["care"],
    "info_sharing": ["info_exchange"],
}
PAIR_KIND_CODES = [
    "joint_study", "standardisation", "theme_day", "org_life", "situation_lecture", "volunteer",
    "culture_sports", "info_sharing", "experience", "staff_exchange", "business_guidance", "onsite_help", "online_qa",
]
PARTNERSHIP_KIND_CODES = [
    "theme_day_3_1_x", "theme_day_3_1_x", "heart_talk", "heart_talk", "visit_homes", "joint_study",
    "situation_lecture", "experience", "online_qa", "culture_sports",
]
ACTIVITY_TITLES = {
    "joint_study": ["联合学习党的创新理论", "党小组集中联合学习", "联合开展专题学习研讨"],
    "standardisation": ["支部标准化规范化建设互查互学", "“三会一课”制度互学互鉴"],
    "theme_day": ["“七一”主题党日：重温入党誓词", "主题党日：参观红色教育基地", "主题党日：过政治生日", "主题党日：弘扬石油精神"],
    "theme_day_3_1_x": ["“3+1+X”主题党日：外闯党员集中学习", "“3+1+X”主题党日：政治生日与心得交流"],
    "org_life": ["联合召开组织生活会", "联合开展专题组织生活"],
    "situation_lecture": ["形势任务宣讲进基层", "提质增效形势任务宣讲"],
    "volunteer": ["党员志愿服务进社区", "黄河滩区环保志愿服务", "“学雷锋”志愿服务"],
    "culture_sports": ["联谊健步走", "职工趣味运动会", "迎新春文化活动"],
    "visit_homes": ["“走基层、访万家”走访慰问", "外闯员工家属走访慰问"],
    "info_sharing": ["党建信息共享交流", "党建工作台账互通"],
    "experience": ["党建工作经验交流会", "典型经验分享交流"],
    "staff_exchange": ["重点岗位人员跟班学习", "业务骨干交流帮扶"],
    "business_guidance": ["合同签订与费用结算业务指导", "经营管理业务指导", "安全环保标准化业务指导"],
    "onsite_help": ["隐患排查现场帮扶", "标准化现场结对指导", "井场安全环保现场帮扶"],
    "online_qa": ["“结对帮扶答疑在线”", "线上业务答疑"],
    "heart_talk": ["外闯党员谈心谈话", "员工心灵关怀谈心谈话"],
    "three_meetings": ["支部党员大会", "支部委员会会议", "党小组会", "党课"],
}

DUTIES = [
    ("political", "政治建设", "把政治建设摆在首位，学习贯彻党的创新理论。"),
    ("party_work", "党建工作", "本部门和业务系统党建工作与业务工作同谋划。"),
    ("team", "队伍管理", "业务系统队伍建设与日常管理。"),
    ("talent", "人才培养", "业务骨干和专业人才的培养使用。"),
    ("supervision", "业务监督", "业务系统依法合规运行的监督检查。"),
    ("integrity", "廉洁从业", "业务领域廉洁风险防控。"),
    ("risk", "风险防范", "安全环保、经营、稳定等风险防范。"),
]
DUTY_DEPLOYMENT = {
    "political": ("每月开展一次党的创新理论学习，重大部署及时传达到业务系统。", "部门负责人履行第一责任，党支部书记具体督促。",
                  "纳入部门月度考核，未按期传达学习的扣减通用指标分值。"),
    "party_work": ("业务会议同步研究党建事项，每季度至少一次。", "党支部委员分工负责，组织部门季度检查。",
                   "纳入党建提质杯季度评分和部门年度通用考核指标。"),
    "team": ("业务系统岗位职责明确，考勤、请销假等制度执行到位。", "部门副职按分管业务负责。",
             "问题按次扣分，情节严重的约谈提醒。"),
    "talent": ("制定年度培训计划，骨干人员每年培训不少于40学时。", "部门负责人牵头，人力资源部监督。",
               "按培训完成率考核，未完成的扣减年度指标分值。"),
    "supervision": ("业务流程关键节点全覆盖检查，每季度开展一次专项检查。", "部门负责人对系统业务合规负监督责任。",
                    "检查发现问题未整改的，按督办规定问责。"),
    "integrity": ("梳理业务领域廉洁风险点并制定防控措施，每半年更新一次。", "党支部纪检委员具体负责监督。",
                  "发生违规违纪问题的，年度考核实行一票否决。"),
    "risk": ("建立风险清单，重大风险每月研判，突发事件按预案处置。", "部门负责人和业务主管分级负责。",
             "风险失控造成损失的，按责任追究办法处理。"),
}

ASSESSMENT_CONTENT = {
    "D01": [("重大决策部署督查督办落实率", "political", 20), ("公文运转质量和时效", "supervision", 15),
            ("机关作风建设和服务质量", "party_work", 15), ("保密和档案管理合规", "risk", 10)],
    "D02": [("党建提质三年行动计划推进", "party_work", 25), ("新闻宣传和舆论引导", "political", 15),
            ("党风廉政建设责任落实", "integrity", 15), ("群团工作和职工稳定", "risk", 10), ("党员教育培训完成率", "talent", 10)],
    "D03": [("干部队伍建设和人才培养", "talent", 20), ("“三种模式”整体推进和督导", "party_work", 20),
            ("劳动用工和外闯员工管理", "team", 15)],
    "D04": [("盈亏平衡点控制目标", "supervision", 25), ("资金资产安全和合规", "risk", 15),
            ("财务人员廉洁从业", "integrity", 10), ("“大经营”支部建设", "party_work", 10)],
    "D05": [("公司治理结构完善", "supervision", 20), ("提质增效专项行动", "party_work", 15),
            ("合同和法律风险防控", "risk", 15), ("制度建设和执行评估", "team", 10)],
}

# The 综合管理部's annual key-work plan of 47 tasks (seed 000), and smaller plans of the others.
D01_TASKS = [
    "贯彻落实习近平总书记视察胜利油田重要指示精神", "公司党委会议议定事项督办", "总经理办公会议定事项督办",
    "“党建提质三年行动计划”年度任务督办", "重大决策部署落实情况月度通报", "年度工作会议筹备组织",
    "职代会议题征集与会务保障", "季度党群工作例会组织", "公文处理规范化提升", "公文运转时效考核",
    "制度文件合法性审查", "“督办平台”运行维护", "督查督办事项台账管理", "领导班子调研安排与跟踪",
    "信息报送质量提升", "舆情信息收集与研判", "保密宣传教育", "涉密载体管理专项检查", "档案数字化建设",
    "年度档案归档与移交", "公司年鉴编纂", "大事记整理", "机要通信管理", "印章使用管理检查", "接待服务规范化",
    "公务用车管理", "办公用房清理规范", "办公用品集中采购", "应急值守与信息报告", "防汛防台值班安排",
    "节假日安全检查组织", "信访维稳协调", "重要会议服务保障", "领导日程统筹", "外事工作管理", "法律事务协调",
    "对标一流管理提升", "基层减负专项督查", "会议文件精简", "机关作风建设", "部门绩效考核汇总",
    "综合统计报表", "网站和公众号内容审核", "视频会议系统保障", "后勤服务满意度调查", "年度工作总结",
    "下年度工作思路谋划",
]
DEPARTMENT_TASKS = {
    "D02": ["党建提质三年行动计划推进", "党支部标准化规范化建设", "主题教育组织实施", "新闻线索征集与采写",
            "重点工程宣传报道", "党风廉政建设责任制考核", "廉洁文化建设", "工会职工之家建设", "共青团青年创效",
            "职工思想动态分析", "统一战线工作", "党员发展与管理", "党费收缴使用管理", "意识形态工作责任制"],
    "D03": ["干部选拔任用", "年度培训计划实施", "劳动用工总量控制", "外闯员工管理", "“三种模式”督导推进",
            "党建提质杯季度考评", "薪酬绩效考核", "人才梯队建设", "技能鉴定组织", "人事档案专项审核"],
    "D04": ["盈亏平衡点控制", "扭亏脱困专项", "资金集中管理", "资产清查盘点", "成本费用预算控制",
            "税务筹划与合规", "财务共享推进", "“大经营”支部攻关", "往来款项清理", "财务人员廉洁教育",
            "月度经营分析", "年度决算"],
    "D05": ["完善公司治理结构", "提质增效专项行动", "合同管理规范化", "制度“立改废”", "内控体系评价",
            "对标管理提升", "法律纠纷案件处理", "合规管理体系建设", "招标采购监督"],
}
PHASES = {
    1: "细化分解方案、明确责任人和时间节点", 2: "完成部署动员并建立工作台账", 3: "组织实施并开展首轮督办",
    4: "推进落实，梳理问题清单", 5: "过程督办，推动问题整改", 6: "开展半年总结评估", 7: "查漏补缺、深化推进",
    8: "专项检查，通报进展", 9: "完成前三季度目标", 10: "集中攻坚，推动重点突破", 11: "对照目标逐项销号",
    12: "年度总结考核",
}
BEHIND_NOTES = ["配合单位资料未按时提交，已协调下月补齐。", "受现场施工安排影响推迟，已调整节点。",
                "人员外出培训，进度滞后约一周。", "审批流程较长，正在加快推进。"]
OVERDUE_NOTES = ["逾期未完成，已列入督办平台重点督办。", "外部单位反馈延迟，已约谈责任人并明确完成时限。"]

KEY_PROJECTS = [
    ("数字化转型攻关", "建成生产数据自动采集与远程监控，形成可复制的数字化作业区建设经验。"),
    ("降本增效攻关", "梳理成本构成，压降单井运行费用，年度降低操作成本3%以上。"),
    ("安全环保绿色示范区建设", "隐患排查全覆盖，标准化现场达标率100%，建成安全环保绿色发展示范区。"),
    ("人才培养与技能提升", "组织业务骨干结对带徒，培养一专多能的党员骨干队伍。"),
    ("合同签订与费用结算规范化", "理顺合同签订、费用结算流程，结算周期缩短至30天以内。"),
    ("老井挖潜增效", "开展老井措施挖潜，年度增油目标明确到井到人。"),
    ("党员先锋岗创建", "在重点岗位设置党员先锋岗，选树先锋代表并总结典型经验。"),
    ("基础管理提升", "完善基础台账和岗位标准，基础管理考核进入公司前列。"),
]
PROJECT_TASKS = [
    ("编制项目实施方案", "牵头编制方案，按期报双方支部审定"),
    ("成立项目攻关临时党小组", "组建临时党小组，明确分工，亮身份、做表率"),
    ("现场调研与问题梳理", "深入现场调研，形成问题清单"),
    ("开展专题培训", "组织专题培训不少于2次，确保骨干掌握要点"),
    ("重点难题技术攻关", "带头攻关，按节点完成攻关任务"),
    ("建立工作台账与月度通报", "建立台账，每月通报进展"),
    ("总结提炼典型案例", "撰写典型案例，形成可复制的标准范本"),
    ("设置党员先锋岗", "在关键岗位设置党员先锋岗并组织评比"),
]
PROBLEMS = [
    ("合同签订流程不熟悉、退回率高", "开展合同签订专题培训，编制流程指引并线上答疑。"),
    ("费用结算周期长", "梳理结算节点，建立月度结算清单，结算周期缩短至30天。"),
    ("隐患排查标准不统一", "统一隐患排查标准，安排专人现场结对指导。"),
    ("标准化现场建设不达标", "对照标准逐项整改，组织现场观摩学习。"),
    ("新员工岗位技能不足", "开展师带徒结对，组织技能比武。"),
    ("党员活动阵地设施陈旧", "协调更新活动室设施，共享机关党员活动阵地。"),
    ("偏远井站学习教育难集中", "采用线上学习平台，党小组分片集中学习。"),
    ("生产数据采集不及时", "协调信息技术力量，完成数据自动采集改造。"),
    ("基础台账不规范", "提供台账模板，逐一指导规范填写。"),
    ("物资领用流程繁琐", "简化审批环节，推行线上领用。"),
    ("冬季防冻保温措施不到位", "联合排查防冻保温薄弱点，落实专人巡检。"),
    ("职工通勤车辆安排紧张", "协调调整班车线路和时间。"),
    ("党建信息报送质量不高", "开展信息写作培训，建立信息互审机制。"),
    ("环保设施运行维护经验不足", "机关业务骨干驻点指导，编写运行维护手册。"),
    ("外部施工队伍安全管理薄弱", "联合开展承包商安全培训和现场检查。"),
    ("老井措施选井依据不足", "组织技术骨干联合论证，建立选井评价表。"),
    ("班组长管理能力有待提升", "举办班组长管理能力提升培训班。"),
    ("业务系统操作不熟练", "开展业务系统操作培训和线上答疑。"),
    ("单井运行成本偏高", "开展单井成本分析，制定压降措施。"),
    ("防汛物资储备不足", "联合清点补充防汛物资，完善应急预案。"),
    ("职工食堂满意度不高", "开展满意度调查，调整菜品和供餐时间。"),
    ("档案资料归档不及时", "派员指导档案整理，按季度集中归档。"),
]


@dataclass
class Demo:
    """What the parts share while building."""

    today: date
    year: int
    units: dict[str, Unit] = field(default_factory=dict)
    branches: dict[str, Branch] = field(default_factory=dict)
    members: dict[str, list[Member]] = field(default_factory=dict)
    external_orgs: dict[str, ExternalOrganization] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    secretary_users: dict[str, object] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    kinds: dict[str, ActivityKind] = field(default_factory=dict)
    duties: dict[str, Duty] = field(default_factory=dict)
    pairs: dict[tuple[int, str], Pair] = field(default_factory=dict)
    partnerships: dict[tuple[int, str], Partnership] = field(default_factory=dict)


def _day(rng: random.Random, start: date, end: date) -> date:
    if end < start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _spread(n: int) -> list[int]:
    """How many of n yearly items fall in each quarter so the cumulative count keeps pace."""
    cumulative = [-(-n * k // 4) for k in range(5)]
    return [cumulative[k] - cumulative[k - 1] for k in range(1, 5)]


# --------------------------------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------------------------------
def seed_organisation(*, demo: Demo) -> None:
    root, _created = Unit.objects.get_or_create(code=ROOT[0], defaults={"name": ROOT[1], "kind": Unit.Kind.COMMITTEE})
    demo.units[ROOT[0]] = root
    for order, (code, name, kind, branch_code) in enumerate(UNITS, start=1):
        unit, _created = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": root, "sort_order": order}
        )
        demo.units[code] = unit
        branch, _created = Branch.objects.get_or_create(code=branch_code, defaults={"name": f"{name}党支部", "unit": unit})
        demo.branches[branch_code] = branch
    for org_name, outside_unit, location, _count, _partnered in EXTERNAL_ORGS:
        org, _created = ExternalOrganization.objects.get_or_create(
            name=org_name, defaults={"outside_unit": outside_unit, "location": location}
        )
        demo.external_orgs[org_name] = org


def _group_names(code: str, size: int) -> list[str]:
    if code == HR_BRANCH:
        return ["在岗党小组", *(f"{outside}党小组" for _o, outside, _l, _c, partnered in EXTERNAL_ORGS if partnered),
                "零散外闯党小组", "离岗内退党小组"]
    names = ["第一党小组", "第二党小组"] + (["第三党小组"] if size > 12 else [])
    return names


def _member_plan(rng: random.Random, code: str) -> list[dict]:
    """Who is in a branch: statuses, places, outside units, party groups."""
    if code == HR_BRANCH:
        plan = [{"status": Member.Status.ON_POST, "group": "在岗党小组"} for _ in range(5)]
        for org_name, outside, location, count, partnered in EXTERNAL_ORGS:
            for _ in range(count):
                place = Member.Place.DONGYING if location.startswith("东营") else Member.Place.ELSEWHERE
                plan.append({"status": Member.Status.WORKING_AWAY, "org": org_name, "place": place,
                             "place_detail": location, "group": f"{outside}党小组" if partnered else "零散外闯党小组"})
        for i in range(6):
            plan.append({"status": Member.Status.OFF_POST, "group": "离岗内退党小组",
                         "place": Member.Place.ELSEWHERE if i % 3 == 2 else Member.Place.DONGYING,
                         "place_detail": ["青岛市", "济南市"][i % 2] if i % 3 == 2 else ""})
        for i in range(5):
            plan.append({"status": Member.Status.INTERNALLY_RETIRED, "group": "离岗内退党小组",
                         "place": Member.Place.ELSEWHERE if i == 4 else Member.Place.DONGYING,
                         "place_detail": "海南省三亚市" if i == 4 else ""})
        return plan
    size = rng.randint(8, 15)
    groups = _group_names(code, size)
    plan = [{"status": Member.Status.ON_POST, "group": groups[i % len(groups)]} for i in range(size)]
    if code.startswith("G") and size >= 10:
        plan[-1]["status"] = Member.Status.INTERNALLY_RETIRED
        if size >= 13:
            plan[-2]["status"] = Member.Status.OFF_POST
    return plan


def seed_members(*, demo: Demo) -> None:
    rng = rng_for("members")
    used_names: set[str] = set()
    existing = set(Member.objects.values_list("employee_no", flat=True))
    groups: dict[tuple[int, str], PartyGroup] = {
        (g.branch_id, g.name): g for g in PartyGroup.objects.filter(branch__in=demo.branches.values())
    }
    new_members: list[Member] = []
    for index, (_u, _n, _k, code) in enumerate(UNITS, start=1):
        branch = demo.branches[code]
        plan = _member_plan(rng, code)
        group_names = list(dict.fromkeys(p["group"] for p in plan))
        for name in group_names:
            if (branch.pk, name) not in groups:
                groups[(branch.pk, name)] = PartyGroup.objects.create(branch=branch, name=name)
        for number, spec in enumerate(plan, start=1):
            female = rng.random() < 0.3
            while True:
                given = "".join(rng.choice(GIVEN_FEMALE if female else GIVEN_MALE) for _ in range(rng.choice((1, 2))))
                name = rng.choice(SURNAMES) + given
                if name not in used_names:
                    used_names.add(name)
                    break
            joined = date(rng.randint(1988, 2021), rng.randint(1, 12), rng.randint(1, 28))
            phone = f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}"
            employee_no = f"3{index:02d}{number:03d}"
            if employee_no in existing:
                continue
            new_members.append(Member(
                branch=branch, party_group=groups[(branch.pk, spec["group"])], employee_no=employee_no, name=name,
                gender=Member.Gender.FEMALE if female else Member.Gender.MALE, phone=phone, joined_party_on=joined,
                status=spec["status"], place=spec.get("place", Member.Place.DONGYING),
                place_detail=spec.get("place_detail", ""),
                outside_org=demo.external_orgs[spec["org"]] if spec.get("org") else None,
            ))
    Member.objects.bulk_create(new_members)
    for code, branch in demo.branches.items():
        demo.members[code] = list(Member.objects.filter(branch=branch).order_by("employee_no"))
        if branch.secretary_id is None and demo.members[code]:
            branch.secretary = demo.members[code][0]
            branch.save(update_fields=["secretary"])
    committee = [CommitteeMember(branch=branch, member=people[n], post=post)
                 for code, branch in demo.branches.items() if (people := demo.members[code])
                 for n, post in enumerate((CommitteeMember.Post.SECRETARY, CommitteeMember.Post.ORGANISATION,
                                           CommitteeMember.Post.PUBLICITY)) if n < len(people)]
    CommitteeMember.objects.bulk_create(committee, ignore_conflicts=True)
    for group in groups.values():
        if group.leader_id is None:
            candidates = [m for m in demo.members[_code_of(demo, group.branch_id)] if m.party_group_id == group.pk]
            leader = candidates[1] if len(candidates) > 1 else (candidates[0] if candidates else None)
            if leader is not None:
                group.leader = leader
                group.save(update_fields=["leader"])


def _code_of(demo: Demo, branch_id: int) -> str:
    return next(code for code, b in demo.branches.items() if b.pk == branch_id)


def seed_users(*, demo: Demo) -> None:
    User = get_user_model()
    password_hash: list[str] = []

    def user(username: str, first_name: str, *, staff: bool = False) -> object:
        found = User.objects.filter(username=username).first()
        if found is None:
            if not password_hash:
                password_hash.append(make_password(DEMO_PASSWORD))
            found = User.objects.create(username=username, first_name=first_name, password=password_hash[0],
                                        is_staff=staff, is_superuser=staff)
        demo.users[username] = found
        return found

    def role(user_obj, kind: str, *, branch: Branch | None = None, unit: Unit | None = None,
             member: Member | None = None) -> None:
        Role.objects.get_or_create(user=user_obj, kind=kind, branch=branch, unit=unit, defaults={"member": member})

    rng = rng_for("users")
    hr_dept = demo.members["O03"]
    admin = user("orgadmin", hr_dept[2].name, staff=True)
    role(admin, Role.Kind.ORG_ADMIN)
    demo.logins.append(("orgadmin", _("组织部门（系统管理员）"), _("全公司")))

    named = {"G01": "secretary", "O01": "secretary_office", HR_BRANCH: "secretary_hr"}
    for _u, _n, _k, code in UNITS:
        branch = demo.branches[code]
        secretary_member = demo.members[code][0]
        username = named.get(code, f"sec-{code.lower()}")
        account = user(username, secretary_member.name)
        role(account, Role.Kind.SECRETARY, branch=branch, member=secretary_member)
        demo.secretary_users[code] = account
        if code in named:
            demo.logins.append((username, str(Role.Kind.SECRETARY.label), branch.name))

    g01_committee = demo.members["G01"][1]
    committee = user("committee", g01_committee.name)
    role(committee, Role.Kind.COMMITTEE, branch=demo.branches["G01"], member=g01_committee)
    demo.logins.append(("committee", str(Role.Kind.COMMITTEE.label), demo.branches["G01"].name))

    head = user("department", demo.members["O01"][1].name)
    role(head, Role.Kind.DEPARTMENT, unit=demo.units["D01"])
    demo.logins.append(("department", str(Role.Kind.DEPARTMENT.label), demo.units["D01"].name))

    inspector = user("inspector", rng.choice(SURNAMES) + "建华")
    role(inspector, Role.Kind.INSPECTOR)
    demo.logins.append(("inspector", str(Role.Kind.INSPECTOR.label), _("全公司")))
    viewer = user("viewer", rng.choice(SURNAMES) + "志远")
    role(viewer, Role.Kind.VIEWER)
    demo.logins.append(("viewer", _("公司党委领导（只读）"), _("全公司")))
    for _u, _n, _k, code in UNITS:
        if code not in named:
            demo.logins.append((f"sec-{code.lower()}", str(Role.Kind.SECRETARY.label), demo.branches[code].name))
    order = ["orgadmin", "secretary", "secretary_office", "secretary_hr", "committee", "department", "inspector",
             "viewer"]
    demo.logins.sort(key=lambda row: (order.index(row[0]) if row[0] in order else len(order), row[0]))


def seed_reference_data(*, demo: Demo) -> None:
    categories = {}
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        categories[code], _created = ActivityCategory.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name, category, joint) in enumerate(ACTIVITY_KINDS, start=1):
        kind, _created = ActivityKind.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "counts_as_joint": joint, "sort_order": order}
        )
        kind.categories.add(*(categories[c] for c in [str(category), *EXTRA_CATEGORIES.get(code, [])]
                              if c in categories))
        demo.kinds[code] = kind
    for order, (code, name, description) in enumerate(DUTIES, start=1):
        duty, _created = Duty.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )
        demo.duties[code] = duty
    for year in (demo.year - 1, demo.year):
        YearSettings.objects.get_or_create(year=year, defaults={"plan_deadline": date(year, 1, 31)})


def seed_pairs(*, demo: Demo) -> None:
    for year, layout in ((demo.year - 1, PREVIOUS_PAIRS), (demo.year, PAIRS)):
        existing = {p.lead_branch_id: p for p in Pair.objects.filter(year=year)}
        for lead_code, grassroots_codes in layout.items():
            lead = demo.branches[lead_code]
            pair = existing.get(lead.pk)
            if pair is None:
                pair = save_pair(year=year, lead_branch=lead,
                                 grassroots_branches=[demo.branches[c] for c in grassroots_codes])
            demo.pairs[(year, lead_code)] = pair
        hr = demo.branches[HR_BRANCH]
        found = {p.external_org_id: p for p in Partnership.objects.filter(year=year, branch=hr)}
        for org_name, _o, _l, _c, partnered in EXTERNAL_ORGS:
            if not partnered:
                continue
            org = demo.external_orgs[org_name]
            partnership = found.get(org.pk) or save_partnership(year=year, branch=hr, external_org=org)
            demo.partnerships[(year, org_name)] = partnership


def _pair_codes(demo: Demo, year: int) -> dict[str, list[str]]:
    return PAIRS if year == demo.year else PREVIOUS_PAIRS


def _short(name: str) -> str:
    return name.removesuffix("党支部")


def seed_plans(*, demo: Demo) -> None:
    rng = rng_for("plans")
    have_pairs = set(AnnualPlan.objects.filter(pair__isnull=False).values_list("pair_id", flat=True))
    have_partnerships = set(
        AnnualPlan.objects.filter(partnership__isnull=False).values_list("partnership_id", flat=True)
    )
    new: list[AnnualPlan] = []
    for (year, lead_code), pair in sorted(demo.pairs.items()):
        lead = demo.branches[lead_code]
        others = "、".join(_short(demo.branches[c].name) for c in _pair_codes(demo, year)[lead_code])
        filed = date(year, 1, rng.randint(6, 28))
        if year == demo.year and lead_code in LATE_PAIR_PLANS:
            filed = date(year, *LATE_PAIR_PLANS[lead_code])
        if (year == demo.year and lead_code in MISSING_PAIR_PLANS) or pair.pk in have_pairs or filed > demo.today:
            continue
        new.append(AnnualPlan(
            pair=pair, year=year, filed_on=filed, filed_by=demo.secretary_users[lead_code],
            goals=f"{_short(lead.name)}与{others}围绕中心工作全面共建、重点突破，全年开展共建活动不少于4次，"
                  f"确定3-4项重点共建项目，解决一批基层急难愁盼问题。",
            measures="建立联席会制度，每季度研究一次共建内容；组织共建、活动互联、资源共享、业务互促四方面同步推进；"
                     "机关支部定期到基层开展业务帮扶。",
            timeline="1月制定方案并备案；2-11月按季度组织共建活动和联席会；12月总结评估、交流经验。",
            lead_responsibilities="发挥业务指导优势，牵头制定方案，安排骨干到基层帮扶，协调解决业务难题。",
            partner_responsibilities="提出生产经营实际需求，组织党员参与共建，安排重点岗位人员到机关跟班学习。",
        ))
    for (year, org_name), partnership in sorted(demo.partnerships.items()):
        filed = date(year, 1, rng.randint(6, 28))
        if year == demo.year and org_name in LATE_PARTNERSHIP_PLANS:
            filed = date(year, *LATE_PARTNERSHIP_PLANS[org_name])
        if (year == demo.year and org_name in MISSING_PARTNERSHIP_PLANS) or partnership.pk in have_partnerships \
                or filed > demo.today:
            continue
        new.append(AnnualPlan(
            partnership=partnership, year=year, filed_on=filed, filed_by=demo.secretary_users[HR_BRANCH],
            goals=f"与{org_name}共抓外闯党员日常学习教育、共办专题党建活动、共担风险防范责任，全年共建活动不少于8次。",
            measures="外闯党员以党小组为单位参加工作单位党组织日常学习；共同开展“3+1+X”主题党日、谈心谈话、"
                     "“走基层、访万家”等活动；每月互通考勤，每季度互通业务考核和思想动态。",
            timeline="1月签订年度共建计划；每月考勤互通；每季度开展专题活动和信息互通；12月总结。",
            lead_responsibilities="承担外闯党员教育管理责任，组织专题党建活动，掌握外闯人员思想动态。",
            partner_responsibilities="吸收外闯党员参加日常学习活动，定期反馈业务考核和考勤情况。",
        ))
    AnnualPlan.objects.bulk_create(new)


def seed_key_projects(*, demo: Demo) -> None:
    rng = rng_for("projects")
    year, today = demo.year, demo.today
    existing = {(p.pair_id, p.title): p for p in KeyProject.objects.filter(pair__year=year)}
    existing_tasks = set(ProjectTask.objects.filter(project__pair__year=year).values_list("project_id", "title"))
    new_tasks: list[ProjectTask] = []
    for lead_code, grassroots_codes in PAIRS.items():
        pair = demo.pairs[(year, lead_code)]
        roster = [m for c in (lead_code, *grassroots_codes) for m in demo.members[c]
                  if m.status == Member.Status.ON_POST]
        chosen = rng.sample(KEY_PROJECTS, rng.choice((3, 4)))
        for title, goal in chosen:
            done_project = rng.random() < 0.15 and today.month >= 10
            project = existing.get((pair.pk, title))
            if project is None:
                project = KeyProject.objects.create(
                    pair=pair, title=title, goal=goal, kind=KeyProject.Kind.PROJECT,
                    description=f"{pair.name}年度重点共建项目：{goal}",
                    status=KeyProject.Status.DONE if done_project else KeyProject.Status.ACTIVE,
                )
            for task_title, commitment in rng.sample(PROJECT_TASKS, rng.randint(4, 6)):
                claimant = rng.choice(roster)
                claimed_on = _day(rng, date(year, 1, 15), date(year, 3, 31))
                due = _day(rng, date(year, 3, 1), date(year, 12, 20))
                roll = rng.random()
                if done_project or (due < today and roll < 0.75):
                    status = ProjectTask.Status.DONE
                elif roll < 0.9:
                    status = ProjectTask.Status.IN_PROGRESS
                elif roll < 0.96:
                    status = ProjectTask.Status.CLAIMED
                else:
                    status = ProjectTask.Status.OPEN
                if claimed_on > today:
                    status = ProjectTask.Status.OPEN
                completed = None
                if status == ProjectTask.Status.DONE:
                    completed = min(due - timedelta(days=rng.randint(0, 20)), today)
                    completed = max(completed, claimed_on)
                if (project.pk, task_title) in existing_tasks:
                    continue
                is_open = status == ProjectTask.Status.OPEN
                new_tasks.append(ProjectTask(
                    project=project, title=task_title, claimant=None if is_open else claimant,
                    commitment="" if is_open else f"本人承诺：{commitment}。",
                    claimed_on=None if is_open else claimed_on, due_date=due, status=status,
                    progress_note={ProjectTask.Status.DONE: "已按承诺完成，成果已提交支部审核。",
                                   ProjectTask.Status.IN_PROGRESS: "正在推进，已完成阶段性工作。"}.get(status, ""),
                    completed_on=completed,
                ))
    ProjectTask.objects.bulk_create(new_tasks)


def _activity_dates(rng: random.Random, year: int, per_quarter: list[int]) -> list[date]:
    dates: list[date] = []
    for quarter, count in zip(quarters_of_year(year), per_quarter, strict=True):
        days = rng.sample(range(3, 49), count)
        dates += [quarter.start + timedelta(days=d) for d in sorted(days)]
    return dates


def _behind_spread(done: int) -> list[int]:
    return {1: [1, 0, 0, 0], 2: [1, 0, 1, 0], 3: [1, 1, 1, 0]}.get(done, [1, 1, 1, 0])


def seed_activities(*, demo: Demo) -> None:
    rng = rng_for("activities")
    planned: list[tuple[Activity, list[Branch], list[Member]]] = []

    def plan(*, day: date, kind_code: str, owner: Branch, taking_part: list[Branch], attendees: list[Member],
             pair: Pair | None = None, partnership: Partnership | None = None, guests: int = 0,
             location: str = "", summary: str = "", title: str = "") -> None:
        kind = demo.kinds[kind_code]
        title = title or rng.choice(ACTIVITY_TITLES[kind_code])
        activity = Activity(
            date=day, title=title, kind=kind, owner_branch=owner, pair=pair, partnership=partnership,
            guest_count=guests, location=location, summary=summary,
            created_by=demo.secretary_users[_code_of(demo, owner.pk)],
        )
        if day <= demo.today:
            planned.append((activity, taking_part, attendees))

    for year in (demo.year - 1, demo.year):
        for lead_code, grassroots_codes in _pair_codes(demo, year).items():
            pair = demo.pairs[(year, lead_code)]
            lead = demo.branches[lead_code]
            grassroots = [demo.branches[c] for c in grassroots_codes]
            if year == demo.year and lead_code in BEHIND_PAIRS:
                spread = _behind_spread(BEHIND_PAIRS[lead_code])
            else:
                spread = _spread(rng.randint(4, 7))
            for number, day in enumerate(_activity_dates(rng, year, spread)):
                kind_code = rng.choice(PAIR_KIND_CODES)
                taking_part = [lead, *grassroots]
                if len(grassroots) == 2 and rng.random() < 0.3:
                    taking_part = [lead, grassroots[number % 2]]
                owner = taking_part[number % len(taking_part)]
                pool = [m for b in taking_part for m in demo.members[_code_of(demo, b.pk)]
                        if m.status == Member.Status.ON_POST]
                attendees = rng.sample(pool, min(len(pool), rng.randint(5, 12)))
                site = grassroots[0] if owner == lead else owner
                location = ("线上（视频会议）" if kind_code == "online_qa"
                            else f"{_short(site.name)}{rng.choice(['党员活动室', '生产现场', '会议室'])}")
                names = "、".join(_short(b.name) for b in taking_part)
                plan(day=day, kind_code=kind_code, owner=owner, taking_part=taking_part, attendees=attendees,
                     pair=pair, guests=rng.randint(0, 6), location=location,
                     summary=f"{names}党支部联合开展{demo.kinds[kind_code].name}活动，{len(attendees)}名党员参加。"
                             f"双方围绕{rng.choice(['安全生产', '提质增效', '党建业务融合', '队伍建设', '基础管理'])}"
                             f"交流做法、查找不足，明确下一步共建重点。")
        hr = demo.branches[HR_BRANCH]
        hr_members = demo.members[HR_BRANCH]
        for org_name, outside, location_name, _count, partnered in EXTERNAL_ORGS:
            if not partnered:
                continue
            partnership = demo.partnerships[(year, org_name)]
            if year == demo.year and org_name in BEHIND_PARTNERSHIPS:
                done = BEHIND_PARTNERSHIPS[org_name]
                spread = [done - 4, 2, 2, 0] if done >= 6 else _behind_spread(done)
                spread = [max(0, s) for s in spread]
                spread[0] += done - sum(spread)
            else:
                spread = _spread(rng.randint(8, 11))
            away = [m for m in hr_members if m.outside_org_id == demo.external_orgs[org_name].pk]
            for day in _activity_dates(rng, year, spread):
                kind_code = rng.choice(PARTNERSHIP_KIND_CODES)
                attendees = [hr_members[0], *rng.sample(away, max(3, len(away) - rng.randint(0, 2)))]
                plan(day=day, kind_code=kind_code, owner=hr, taking_part=[hr], attendees=attendees,
                     partnership=partnership, title=f"{rng.choice(ACTIVITY_TITLES[kind_code])}（{outside}）", guests=rng.randint(4, 15), location=f"{outside}（{location_name}）",
                     summary=f"人力资源服务中心党支部与{org_name}共同开展{demo.kinds[kind_code].name}，"
                             f"{len(attendees)}名党员参加，了解外闯党员工作生活情况，帮助解决实际困难。")
        # Each branch's own activities (not joint): the "三会一课".
        for _u, _n, _k, code in UNITS:
            branch = demo.branches[code]
            for month in rng.sample(range(1, 13), 3):
                day = date(year, month, rng.randint(5, 25))
                attendees = [m for m in demo.members[code] if m.status == Member.Status.ON_POST]
                plan(day=day, kind_code="three_meetings", owner=branch, taking_part=[branch], attendees=attendees,
                     title=f"{month}月{rng.choice(ACTIVITY_TITLES['three_meetings'])}",
                     location=f"{_short(branch.name)}党员活动室",
                     summary="学习上级会议和文件精神，研究支部近期工作。")

    # Keep one activity per (date, owner branch, title); skip those already stored.
    seen = set(Activity.objects.filter(date__year__gte=demo.year - 1).values_list("date", "owner_branch_id", "title"))
    fresh = []
    for activity, taking_part, attendees in planned:
        key = (activity.date, activity.owner_branch_id, activity.title)
        if key in seen:
            continue
        seen.add(key)
        fresh.append((activity, taking_part, attendees))
    if not fresh:
        return
    Activity.objects.bulk_create([a for a, _b, _m in fresh])
    if any(a.pk is None for a, _b, _m in fresh):  # backends that return no ids from bulk inserts
        ids = {(a.date, a.owner_branch_id, a.title): a.pk for a in
               Activity.objects.filter(date__year__gte=demo.year - 1).only("date", "owner_branch_id", "title")}
        for activity, _b, _m in fresh:
            activity.pk = activity.id = ids[(activity.date, activity.owner_branch_id, activity.title)]
    branch_links = Activity.branches.through
    attendee_links = Activity.attendees.through
    branch_links.objects.bulk_create(
        [branch_links(activity_id=a.pk, branch_id=b.pk) for a, branches, _m in fresh for b in dict.fromkeys(branches)]
    )
    attendee_links.objects.bulk_create(
        [attendee_links(activity_id=a.pk, member_id=m.pk) for a, _b, members in fresh for m in dict.fromkeys(members)]
    )


def seed_meetings_problems_exchanges(*, demo: Demo) -> None:
    rng = rng_for("meetings")
    year, today = demo.year, demo.today
    meeting_keys = set(JointMeeting.objects.filter(date__year=year).values_list("pair_id", "partnership_id", "topic"))
    meetings: list[JointMeeting] = []
    owners = [("pair", demo.pairs[(year, code)], code) for code in PAIRS] + [
        ("partnership", demo.partnerships[(year, name)], name) for name, *_r, partnered in EXTERNAL_ORGS if partnered
    ]
    for owner_field, owner, code in owners:
        for quarter in quarters_of_year(year):
            day = quarter.start + timedelta(days=rng.randint(8, 40))
            skipped = quarter.number > 1 and rng.random() < 0.12
            decisions = rng.choice(["确定下季度共建活动安排和责任人。", "对提出的难题明确牵头方和完成时限。",
                                    "推进重点共建项目，按月通报领办任务进展。"])
            topic = f"{year}年第{quarter.number}季度共建联席会"
            key = (owner.pk, None, topic) if owner_field == "pair" else (None, owner.pk, topic)
            if skipped or day > today or key in meeting_keys:
                continue
            if owner_field == "pair":
                sides = [demo.branches[code], *(demo.branches[c] for c in PAIRS[code])]
                attendees = "、".join(f"{_short(b.name)}党支部书记{demo.members[_code_of(demo, b.pk)][0].name}"
                                      for b in sides)
                creator = demo.secretary_users[code]
            else:
                attendees = f"人力资源服务中心党支部书记{demo.members[HR_BRANCH][0].name}、{code}负责人"
                creator = demo.secretary_users[HR_BRANCH]
            meetings.append(JointMeeting(
                **{owner_field: owner}, date=day, topic=topic, attendees=attendees, created_by=creator,
                minutes=f"通报第{quarter.number}季度共建进展，研究党建、生产、经营、管理、稳定等方面共建内容。",
                decisions=decisions,
            ))
    JointMeeting.objects.bulk_create(meetings)

    rng = rng_for("problems")
    problem_keys = set(Problem.objects.filter(pair__year=year).values_list("pair_id", "title"))
    problems: list[Problem] = []
    for code, grassroots_codes in PAIRS.items():
        pair = demo.pairs[(year, code)]
        sides = [demo.branches[code], *(demo.branches[c] for c in grassroots_codes)]
        for title, solution in rng.sample(PROBLEMS, rng.randint(9, 11)):
            raised = _day(rng, date(year, 1, 8), min(today, date(year, 12, 20)))
            raised_by = sides[0] if rng.random() < 0.3 else rng.choice(sides[1:])
            age = (today - raised).days
            roll = rng.random()
            solved_on = raised + timedelta(days=rng.randint(7, 60))
            if age > 45 and roll < 0.88 and solved_on <= today:
                status = Problem.Status.SOLVED
            elif roll < 0.6:
                status = Problem.Status.SOLVING
            else:
                status = Problem.Status.OPEN
            if raised > today or (pair.pk, title) in problem_keys:
                continue
            solved = status == Problem.Status.SOLVED
            problems.append(Problem(
                pair=pair, raised_by=raised_by, title=title, raised_on=raised, status=status,
                description=f"{_short(raised_by.name)}在共建联席会上提出：{title}，影响日常工作效率。",
                solution=solution if solved else ("已明确牵头人，正在推进。" if status == Problem.Status.SOLVING else ""),
                solved_on=solved_on if solved else None,
            ))
    Problem.objects.bulk_create(problems)

    rng = rng_for("exchanges")
    exchange_keys = set(InformationExchange.objects.filter(period_year=year)
                        .values_list("partnership_id", "kind", "period_month"))
    exchanges: list[InformationExchange] = []
    for org_name, _o, _l, count, partnered in EXTERNAL_ORGS:
        if not partnered:
            continue
        partnership = demo.partnerships[(year, org_name)]
        for month in range(1, 13):
            next_month = date(year + (month == 12), month % 12 + 1, 1)
            due_kinds = [InformationExchange.Kind.ATTENDANCE]
            if month % 3 == 0:
                due_kinds += [InformationExchange.Kind.ASSESSMENT, InformationExchange.Kind.THINKING]
            for kind in due_kinds:
                day = next_month + timedelta(days=rng.randint(2, 9))
                missing = rng.random() < 0.06 or (org_name == "大明项目党支部" and (month, kind) in {
                    (9, InformationExchange.Kind.ATTENDANCE), (6, InformationExchange.Kind.THINKING)})
                content = {
                    InformationExchange.Kind.ATTENDANCE:
                        f"{month}月外闯党员{count}人，出勤{count * 22 - rng.randint(0, 6)}人天，无旷工。",
                    InformationExchange.Kind.ASSESSMENT:
                        f"第{month // 3}季度业务考核：{count}人中优秀{rng.randint(1, 3)}人，其余称职。",
                    InformationExchange.Kind.THINKING:
                        f"第{month // 3}季度思想动态：队伍总体稳定，{rng.choice(['个别员工关注子女入学', '个别员工反映通勤不便', '无异常情况'])}。",
                }[kind]
                if missing or day > today or (partnership.pk, kind, month) in exchange_keys:
                    continue
                exchanges.append(InformationExchange(
                    partnership=partnership, kind=kind, period_year=year, period_month=month, exchanged_on=day,
                    content=content, created_by=demo.secretary_users[HR_BRANCH],
                ))
    InformationExchange.objects.bulk_create(exchanges)


def seed_department_duties(*, demo: Demo) -> None:
    """Mode 1: assessment content, 四同 evidence of the seven duties and the key-work plans."""
    rng = rng_for("duties")
    year, today = demo.year, demo.today
    departments = [(code, demo.units[code]) for code, _n, kind, _b in UNITS if kind == Unit.Kind.DEPARTMENT]
    content_keys = set(AssessmentContent.objects.filter(year=year).values_list("unit_id", "title"))
    AssessmentContent.objects.bulk_create([
        AssessmentContent(unit=unit, year=year, duty=demo.duties[duty], title=title, weight=weight,
                          description=f"{title}纳入{unit.name}年度通用考核指标，按季度评价、年度考核。")
        for code, unit in departments for title, duty, weight in ASSESSMENT_CONTENT[code]
        if (unit.pk, title) not in content_keys
    ])

    evidence_keys = set(DutyEvidence.objects.filter(year=year).values_list("unit_id", "duty_id", "stage"))
    evidence: list[DutyEvidence] = []
    windows = {
        DutyEvidence.Stage.RESEARCHED: (date(year, 1, 8), date(year, 2, 10)),
        DutyEvidence.Stage.DEPLOYED: (date(year, 2, 12), date(year, 3, 20)),
        DutyEvidence.Stage.IMPLEMENTED: (date(year, 4, 1), date(year, 9, 30)),
        DutyEvidence.Stage.ASSESSED: (date(year, 7, 1), date(year, 7, 20)),
    }
    for code, unit in departments:
        for duty_code, duty in demo.duties.items():
            for stage, (start, end) in windows.items():
                day = _day(rng, start, end)
                gap = code == "D05" and stage == DutyEvidence.Stage.ASSESSED and duty_code in ("talent", "risk")
                if gap or day > today or (unit.pk, duty.pk, stage) in evidence_keys:
                    continue
                standard, responsibility, method = DUTY_DEPLOYMENT[duty_code] if stage == DutyEvidence.Stage.DEPLOYED \
                    else ("", "", "")
                description = {
                    DutyEvidence.Stage.RESEARCHED: f"部门办公会将{duty.name}纳入业务工作同研究，形成年度思路。",
                    DutyEvidence.Stage.DEPLOYED: f"印发年度工作要点，同步部署{duty.name}的标准、责任和考核方式。",
                    DutyEvidence.Stage.IMPLEMENTED: f"{duty.name}与业务工作同落实，按月推进并留存台账。",
                    DutyEvidence.Stage.ASSESSED: f"半年考核中对{duty.name}同步考核，结果纳入部门绩效。",
                }[stage]
                evidence.append(DutyEvidence(
                    unit=unit, year=year, duty=duty, stage=stage, date=day, description=description,
                    standard=standard, supervision_responsibility=responsibility, assessment_method=method,
                    created_by=demo.users["department"] if code == "D01" else demo.users["orgadmin"],
                ))
    DutyEvidence.objects.bulk_create(evidence)

    duty_list = list(demo.duties.values())
    current_month = today.month
    for code, unit in departments:
        filed_on = date(year, 1, rng.randint(10, 25))
        plan, _created = KeyWorkPlan.objects.get_or_create(
            unit=unit, year=year,
            defaults={"title": f"{year}年{unit.name}年度重点工作实施方案",
                      "filed_on": filed_on if filed_on <= today else None},
        )
        titles = D01_TASKS if code == "D01" else DEPARTMENT_TASKS[code][: rng.randint(8, 15)]
        roster = demo.members[next(b for c, _n, _k, b in UNITS if c == code)]
        have = {t.number: t for t in plan.tasks.all()}
        specs = [(number, title, rng.choice(duty_list), rng.choice(roster).name)
                 for number, title in enumerate(titles, start=1)]
        new_tasks = [KeyWorkTask(plan=plan, number=number, title=title, duty=duty, owner=owner)
                     for number, title, duty, owner in specs if number not in have]
        KeyWorkTask.objects.bulk_create(new_tasks)
        tasks = list(plan.tasks.order_by("number"))
        have_targets = set(MonthlyTarget.objects.filter(task__plan=plan).values_list("task_id", "month"))
        targets: list[MonthlyTarget] = []
        updater = demo.users["department"] if code == "D01" else demo.users["orgadmin"]
        for task in tasks:
            for month in range(1, 13):
                roll = rng.random()
                note = ""
                if year < today.year or month < current_month:
                    if roll < 0.84:
                        status = MonthlyTarget.Status.DONE
                    elif roll < 0.93:
                        status, note = MonthlyTarget.Status.BEHIND, rng.choice(BEHIND_NOTES)
                    else:
                        status, note = MonthlyTarget.Status.OVERDUE, rng.choice(OVERDUE_NOTES)
                elif month == current_month and roll < 0.35:
                    status = MonthlyTarget.Status.DONE
                else:
                    status = MonthlyTarget.Status.PENDING
                if (task.pk, month) in have_targets:
                    continue
                targets.append(MonthlyTarget(
                    task=task, month=month, target=f"{task.title}：{PHASES[month]}", status=status, note=note,
                    updated_by=None if status == MonthlyTarget.Status.PENDING else updater,
                ))
        MonthlyTarget.objects.bulk_create(targets)


def seed_other_apps(*, stdout=None) -> list[str]:
    """Let the scoring and supervision apps add their demo data when they have a `demo` module."""
    import importlib
    import importlib.util

    notes = []
    for module_name in ("supervision.demo", "scoring.demo", "annual.demo"):  # findings, then quarters, then the year
        if importlib.util.find_spec(module_name) is None:
            notes.append(module_name)
            continue
        importlib.import_module(module_name).seed(stdout=stdout)
    return notes


DEMO_MODELS = [
    Unit, Branch, PartyGroup, CommitteeMember, Member, ExternalOrganization, Role, ActivityKind, Duty, YearSettings, Pair,
    Partnership, AnnualPlan, KeyProject, ProjectTask, Activity, JointMeeting, Problem, InformationExchange,
    AssessmentContent, DutyEvidence, KeyWorkPlan, KeyWorkTask, MonthlyTarget,
]


def counts() -> dict[str, int]:
    """How many records of each model the database holds, by model label (to report and to check idempotency)."""
    models = [get_user_model(), *DEMO_MODELS]
    found = {model._meta.label: model.objects.count() for model in models}
    found["pairing.Activity.branches"] = Activity.branches.through.objects.count()
    found["pairing.Activity.attendees"] = Activity.attendees.through.objects.count()
    return found


def count_rows() -> list[tuple[str, int]]:
    """The counts with each model's Chinese name, for the summary a person reads."""
    models = [get_user_model(), *DEMO_MODELS]
    return [(str(model._meta.verbose_name_plural), model.objects.count()) for model in models]


@transaction.atomic
def build_demo(*, today: date | None = None) -> Demo:
    """Build the whole demo organisation and its year of records; callers wrap it in a transaction."""
    today = today or timezone.localdate()
    demo = Demo(today=today, year=today.year)
    seed_organisation(demo=demo)
    seed_members(demo=demo)
    seed_users(demo=demo)
    seed_reference_data(demo=demo)
    seed_pairs(demo=demo)
    seed_plans(demo=demo)
    seed_key_projects(demo=demo)
    seed_activities(demo=demo)
    seed_meetings_problems_exchanges(demo=demo)
    seed_department_duties(demo=demo)
    return demo


__all__ = ["DEMO_PASSWORD", "Demo", "build_demo", "counts", "seed_other_apps"]
