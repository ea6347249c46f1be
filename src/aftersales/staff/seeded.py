"""The names the training and assessment app seeds: code -> (the Chinese stored, the English
shown for it). See ``core.seeded``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COURSES = {
    "induction-cs": ("客服人员入职培训", _("Induction for customer service")),
    "induction-service": ("售后技术人员入职培训", _("Induction for after-sales technicians")),
    "service-skills": ("服务技能与服务规范", _("Service skills and the service code")),
    "communication": ("客户沟通技巧", _("Communicating with customers")),
    "safety": ("上门服务安全规范", _("Safety on site")),
    "product-tv": ("电视产品知识与维修", _("TVs: product knowledge and repair")),
    "product-washer": ("洗衣机产品知识与维修", _("Washing machines: product knowledge and repair")),
}

POLICIES = {"default": ("培训与考核政策", _("Training and assessment policy"))}

INDICATORS = {
    "first-response": ("首次响应及时率", _("First response on time")),
    "resolution-sla": ("处理时限达成率", _("Resolved within the time limit")),
    "resolution-avg": ("平均处理时长", _("Average resolution time")),
    "resolution-p90": ("90%处理时长", _("Resolution time, 90th percentile")),
    "first-time-fix": ("一次修复率", _("First-time fix rate")),
    "repeat-repairs": ("30天返修", _("Repeat repairs within 30 days")),
    "follow-ups": ("回访及时率", _("Follow-ups on time")),
    "csat": ("客户满意率", _("Customer satisfaction")),
    "attitude": ("服务态度评分", _("Attitude score in surveys")),
    "complaints": ("被投诉次数", _("Complaints about the person")),
    "cases": ("处理工单数", _("Cases resolved")),
    "visits": ("上门服务次数", _("Visits completed")),
    "training": ("培训学时", _("Training hours")),
    "qualifications": ("资格有效率", _("Qualifications valid")),
    "knowledge": ("业务知识", _("Business knowledge")),
    "conduct": ("服务态度", _("Service attitude")),
}

# code -> (kind, hours, valid months, description)
COURSE_PRESETS = {
    "induction-cs": ("induction", "8", 0, "公司概况、售后制度、三包规定、受理流程与系统使用。"),
    "induction-service": (
        "induction",
        "16",
        0,
        "公司概况、售后制度、三包规定、上门服务流程、工单与配件系统。",
    ),
    "service-skills": ("service_skills", "4", 24, "服务六步法、服务用语、仪容仪表与现场规范。"),
    "communication": ("communication", "4", 24, "倾听、安抚、解释与投诉处理中的沟通。"),
    "safety": ("safety", "4", 12, "高空作业、用电安全与上门服务的人身财产安全。"),
}

# The courses a role needs before it is given work.
REQUIREMENTS = {"customer_service": ["induction-cs"], "service": ["induction-service"]}

# role -> [(code, source, direction, target, weight, points per unit over a zero target)]
INDICATOR_PRESETS = {
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

INDICATOR_DESCRIPTIONS = {
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
