"""The presets of training and assessment (STF-1, STF-2): the policy, the general courses,
the induction each role needs, and the scorecard indicators of technicians and customer
service. The policy starts with training not yet gating the work: a company switches it on
once its people's past training is recorded, or nobody could be given a case."""

from decimal import Decimal

from django.db import migrations


# Frozen copies of seeded.py's presets as they were when this migration was written (a later
# change to seeded.py must not change what this migration did).
POLICY_NAME = "培训与考核政策"
COURSES = {
    "induction-cs": ("客服人员入职培训", "induction", "8", 0, "公司概况、售后制度、三包规定、受理流程与系统使用。"),
    "induction-service": (
        "售后技术人员入职培训",
        "induction",
        "16",
        0,
        "公司概况、售后制度、三包规定、上门服务流程、工单与配件系统。",
    ),
    "service-skills": ("服务技能与服务规范", "service_skills", "4", 24, "服务六步法、服务用语、仪容仪表与现场规范。"),
    "communication": ("客户沟通技巧", "communication", "4", 24, "倾听、安抚、解释与投诉处理中的沟通。"),
    "safety": ("上门服务安全规范", "safety", "4", 12, "高空作业、用电安全与上门服务的人身财产安全。"),
}
REQUIREMENTS = {"customer_service": ["induction-cs"], "service": ["induction-service"]}
NAMES = {
    "first-response": "首次响应及时率",
    "resolution-sla": "处理时限达成率",
    "resolution-avg": "平均处理时长",
    "resolution-p90": "90%处理时长",
    "first-time-fix": "一次修复率",
    "repeat-repairs": "30天返修",
    "follow-ups": "回访及时率",
    "csat": "客户满意率",
    "attitude": "服务态度评分",
    "complaints": "被投诉次数",
    "cases": "处理工单数",
    "visits": "上门服务次数",
    "training": "培训学时",
    "qualifications": "资格有效率",
    "knowledge": "业务知识",
    "conduct": "服务态度",
}
# role -> [(code, source, direction, target, weight, points per unit over a zero target)]
INDICATORS = {
    "service": [
        ("first-response", "sla_first_response", "higher", "95", "10", "20"),
        ("resolution-sla", "sla_resolution", "higher", "90", "10", "20"),
        ("resolution-avg", "resolution_hours_avg", "lower", "24", "5", "20"),
        ("resolution-p90", "resolution_hours_p90", "lower", "48", "5", "20"),
        ("first-time-fix", "first_time_fix", "higher", "85", "15", "20"),
        ("repeat-repairs", "repeat_repairs", "lower", "0", "10", "25"),
        ("csat", "csat", "higher", "90", "10", "20"),
        ("attitude", "attitude", "higher", "4.5", "5", "20"),
        ("complaints", "complaints", "lower", "0", "5", "50"),
        ("visits", "visits_handled", "higher", "20", "5", "20"),
        ("training", "training_hours", "higher", "2", "5", "20"),
        ("qualifications", "qualifications_valid", "higher", "100", "5", "20"),
        ("knowledge", "scored", "higher", "100", "5", "20"),
        ("conduct", "scored", "higher", "100", "5", "20"),
    ],
    "customer_service": [
        ("first-response", "sla_first_response", "higher", "95", "15", "20"),
        ("resolution-sla", "sla_resolution", "higher", "90", "10", "20"),
        ("follow-ups", "follow_ups_on_time", "higher", "95", "20", "20"),
        ("csat", "csat", "higher", "90", "15", "20"),
        ("attitude", "attitude", "higher", "4.5", "5", "20"),
        ("complaints", "complaints", "lower", "0", "5", "50"),
        ("cases", "cases_handled", "higher", "60", "10", "20"),
        ("training", "training_hours", "higher", "2", "5", "20"),
        ("qualifications", "qualifications_valid", "higher", "100", "5", "20"),
        ("knowledge", "scored", "higher", "100", "5", "20"),
        ("conduct", "scored", "higher", "100", "5", "20"),
    ],
}

DESCRIPTIONS = {
    "first-response": "本期停止的首次响应时限中按时完成的比例（按工单当前处理人）。",
    "resolution-sla": "本期停止的处理时限中按时完成的比例。",
    "resolution-avg": "本期解决的工单从受理到解决的工作时长平均值。",
    "resolution-p90": "本期解决的工单处理工作时长的第90百分位。",
    "first-time-fix": "本期完成的上门服务中，工单的第一次上门即修好的比例。",
    "repeat-repairs": "本期修好的上门服务后，同一产品在窗口期内再次报修的次数。",
    "follow-ups": "本人本期完成的回访中，在逾期日之前完成的比例。",
    "csat": "本期回答的满意度调查中，本人经手工单的总体评分达到满意的比例。",
    "attitude": "本期回答的满意度调查中“服务人员的态度”的平均分。",
    "complaints": "本期因回访不满而对本人经手工单提出的投诉次数。",
    "cases": "本期由本人解决的工单数。",
    "visits": "本期由本人完成的上门服务数。",
    "training": "本期参加的培训学时。",
    "qualifications": "期末时岗位要求的培训资格中仍然有效的比例。",
    "knowledge": "主管评分。",
    "conduct": "主管评分。",
}


def presets(apps, schema_editor):
    Policy = apps.get_model("staff", "StaffPolicy")
    Course = apps.get_model("staff", "Course")
    Requirement = apps.get_model("staff", "TrainingRequirement")
    Indicator = apps.get_model("staff", "Indicator")
    if not Policy.objects.exists():
        Policy.objects.create(
            name=POLICY_NAME, induction_gates_work=False, category_qualification="prefer"
        )
    for code, (name, kind, hours, months, description) in COURSES.items():
        Course.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "hours": Decimal(hours),
                "validity_months": months,
                "description": description,
            },
        )
    for role, codes in REQUIREMENTS.items():
        for code in codes:
            Requirement.objects.get_or_create(role=role, course=Course.objects.get(code=code))
    for role, rows in INDICATORS.items():
        for position, (code, source, direction, target, weight, points) in enumerate(rows):
            Indicator.objects.get_or_create(
                code=code,
                role=role,
                period_kind="month",
                defaults={
                    "name": NAMES[code],
                    "source": source,
                    "direction": direction,
                    "target": Decimal(target),
                    "weight": Decimal(weight),
                    "points_per_unit": Decimal(points),
                    "position": (position + 1) * 10,
                    "description": DESCRIPTIONS.get(code, ""),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]

    operations = [migrations.RunPython(presets, migrations.RunPython.noop)]
