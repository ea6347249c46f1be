"""Demo cases: a phone complaint waiting, a repair in progress, one resolved and closed; the
service skills and who has them; the delay compensation policy."""

from __future__ import annotations

from decimal import Decimal

from aftersales.core.demo import DemoContext

from .models import (
    AgentProfile,
    Case,
    CaseCategory,
    DelayCompensationPolicy,
    RoutingRule,
    ServiceSkill,
)
from .seeded import CASE_CATEGORIES as SEEDED_CATEGORIES
from .seeded import SKILLS as SEEDED_SKILLS
from .services import routing, workflow
from .services.intake import IntakeInput, case_intake

CATEGORIES = [
    (code, chinese, position)
    for position, (code, (chinese, _label)) in enumerate(SEEDED_CATEGORIES.items(), start=1)
]


# Repairs, installations, maintenance and complaints go to the after-sales service
# department; so do returns and exchanges, which it approves (the quality department judges
# the defect's responsibility afterwards, on the case's judgement page, but cannot approve a
# return: routing refuses a rule that sends cases where nobody may act on them). The rest
# stays with customer service.
ROUTES = [
    ("维修类工单 → 售后服务部", "repair", "service"),
    ("安装类工单 → 售后服务部（需安装技能）", "installation", "service"),
    ("保养类工单 → 售后服务部", "maintenance", "service"),
    ("投诉 → 售后服务部", "complaint", "service"),
    ("退货 → 售后服务部审批", "return", "service"),
    ("换货 → 售后服务部审批", "exchange", "service"),
]
# Earlier demo rules that sent returns and exchanges to the quality department: a demo
# database made before is put right when the demo is loaded again.
OLD_ROUTES = {"退换货 → 品质部判定": "return", "换货 → 品质部判定": "exchange"}

SKILLS = [(code, chinese) for code, (chinese, _label) in SEEDED_SKILLS.items()]
# username → skills, at most open cases
PROFILES = {
    "chenjie": (["tv", "fridge", "aircon"], 30),
    "yangmin": (["washer", "installation"], 30),
}
ROUTE_SKILLS = {"installation": "installation"}

# SVC-10, SVC-11: the source documents promise compensation for late delivery without amounts;
# these are the usual contract terms (0.5 % of the price a day, at most 10 %, the buyer may
# withdraw after 15 days), for the administrator to change.
DELAY_POLICY = {
    "name": "迟延交付补偿标准",
    "grace_working_days": 1,
    "percent_per_day": Decimal("0.50"),
    "cap_percent": Decimal("10.00"),
    "company_extra_percent": Decimal("5.00"),
    "refund_after_days": 15,
}


def seed(ctx: DemoContext) -> None:
    for code, name, position in CATEGORIES:
        CaseCategory.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    skills = {
        code: ServiceSkill.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in SKILLS
    }
    for username, (codes, limit) in PROFILES.items():
        person = ctx.objects.get(f"user:{username}")
        if person is not None and not AgentProfile.objects.filter(user=person).exists():
            profile = AgentProfile.objects.create(user=person, max_open_cases=limit)
            profile.skills.set([skills[c] for c in codes])
    if not DelayCompensationPolicy.objects.exists():
        DelayCompensationPolicy.objects.create(**DELAY_POLICY)
    departments = ctx.objects.get("departments", {})
    if not RoutingRule.objects.exists() and departments:
        for position, (name, kind, department) in enumerate(ROUTES, start=1):
            routing.routing_rule_save(
                actor=None,
                rule=RoutingRule(
                    name=name,
                    position=position * 10,
                    kind=kind,
                    department=departments[department],
                    skill=skills.get(ROUTE_SKILLS.get(kind, "")),
                ),
            )
    elif departments:
        names = {kind: name for name, kind, _department in ROUTES}
        for rule in RoutingRule.objects.filter(name__in=OLD_ROUTES):
            rule.name, rule.department = names[OLD_ROUTES[rule.name]], departments["service"]
            routing.routing_rule_save(actor=None, rule=rule)
    if Case.objects.exists():
        return
    agent, technician = ctx.objects.get("user:sunli"), ctx.objects.get("user:chenjie")
    if not (agent and technician):
        return
    from aftersales.catalog.models import SerialNumber

    serial = SerialNumber.objects.filter(owner__isnull=False).select_related("owner").first()
    waiting, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name="王小明",
            customer_phone="13812345678",
            description="电视屏幕有横线，开机十分钟后出现，要求上门检查。",
            category="quality",
            requested_remedy="上门维修",
        ),
    )
    repair, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="web",
            kind="repair",
            customer_name=serial.owner.name if serial else "李华",
            customer_phone=(serial.owner.mobile if serial else "") or "13700001111",
            description="冰箱冷藏室不制冷。",
            serial_no=serial.serial if serial else "",
        ),
    )
    workflow.case_transition(actor=agent, case=repair, action="accept")
    workflow.case_transition(actor=technician, case=repair, action="start")
    workflow.case_promise(actor=technician, case=repair, timetable="明天上午 9–12 点工程师上门检修")
    done, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="consultation",
            customer_name="赵敏",
            customer_phone="17700005555",
            description="洗衣机如何设置童锁？",
        ),
    )
    workflow.case_transition(actor=agent, case=done, action="accept")
    workflow.case_transition(
        actor=agent, case=done, action="resolve", solution="电话指导：长按“童锁”键 3 秒。"
    )
    workflow.case_transition(actor=agent, case=done, action="confirm")
    workflow.case_transition(actor=agent, case=done, action="close")
    ctx.log.append(f"service: 3 cases ({waiting.number} waiting)")
