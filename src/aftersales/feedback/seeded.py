"""The presets of the feedback loop: code -> (the Chinese stored, the English shown for it).
See ``core.seeded``. The question codes of 售后服务满意度调查 are a contract (FB-2)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FOLLOW_UP_RULES = {
    "complaint-closed": ("投诉结案回访", _("Follow-up after a complaint is closed")),
    "repair-closed": ("维修完工回访", _("Follow-up after a repair")),
    "installation-closed": ("安装完工回访", _("Follow-up after an installation")),
    "delivery": ("送货回访", _("Follow-up after delivery")),
    "low-score": ("不满意回访", _("Follow-up of a dissatisfied answer")),
}
QUESTIONNAIRES = {
    "after-sales": ("售后服务满意度调查", _("After-sales service satisfaction survey")),
}
SURVEY_RULES = {
    "on-close": ("结案即发满意度调查", _("Survey every closed case")),
}
QUESTIONS = {
    "overall": (
        "您对本次售后服务的总体满意度",
        _("How satisfied are you with the service overall?"),
    ),
    "timeliness": ("处理是否及时", _("Was the problem handled in good time?")),
    "attitude": ("服务人员的态度", _("How was the attitude of our staff?")),
    "quality": ("维修/处理质量", _("How good was the repair or handling?")),
    "nps": (
        "您有多大可能向亲友推荐我们",
        _("How likely are you to recommend us to family and friends?"),
    ),
    "comment": ("您的意见和建议", _("Your comments and suggestions")),
}

# The preset questionnaire: (code, kind, required).
AFTER_SALES_QUESTIONS = [
    ("overall", "rating", True),
    ("timeliness", "rating", False),
    ("attitude", "rating", False),
    ("quality", "rating", False),
    ("nps", "nps", True),
    ("comment", "text", False),
]

# The preset follow-up rules: code -> (trigger, case kind, outcome, follow-up kind, working
# days, call script).
FOLLOW_UP_PRESETS = {
    "complaint-closed": (
        "case_closed",
        "complaint",
        "",
        "complaint",
        1,
        "您好，我是{公司}客服。您反映的问题（{单号}）已经处理完毕，想了解您对处理结果是否满意？"
        "还有没有需要我们改进的地方？",
    ),
    "repair-closed": (
        "case_closed",
        "repair",
        "",
        "repair",
        3,
        "您好，我是{公司}客服。您的产品（{单号}）已经维修完成，请问现在使用是否正常？"
        "师傅上门是否准时、是否收取额外费用？",
    ),
    "installation-closed": (
        "case_closed",
        "installation",
        "",
        "installation",
        3,
        "您好，我是{公司}客服。您的产品（{单号}）已经安装完毕，请问运行是否正常？"
        "安装师傅是否清理了现场？",
    ),
    "delivery": (
        "delivered",
        "",
        "",
        "delivery",
        7,
        "您好，我是{公司}的销售。您的订单（{单号}）已送达，请问货物是否完好、使用是否满意？",
    ),
    "low-score": (
        "low_score",
        "",
        "",
        "dissatisfied",
        0,
        "您好，我是{公司}客服。看到您对我们的服务（{单号}）不太满意，非常抱歉。"
        "能否告诉我们哪里做得不好？我们会马上安排处理。",
    ),
}

# The preset self-inspection checklist (FB-5) and its questions, in order.
CHECKLISTS = {
    "service-records": ("售后服务记录自查", _("After-sales service records self-inspection")),
}
CHECKLIST_ITEMS = {
    "follow-up-on-time": ("回访是否按时", _("Was the follow-up made on time?")),
    "record-complete": ("工单记录是否完整", _("Is the case record complete?")),
    "attitude-recorded": (
        "服务态度记录是否完整",
        _("Is the service attitude fully recorded?"),
    ),
    "three-guarantees": (
        "三包处理是否合规",
        _("Was the Three Guarantees (三包) handling compliant?"),
    ),
    "customer-data": ("客户信息是否准确", _("Is the customer information accurate?")),
}
PRESET_CHECKLIST = ("service-records", list(CHECKLIST_ITEMS))
