"""The presets of the feedback loop (FB-1, FB-2), and the sales follow-ups (SAL-9) moved
onto the follow-up queue: every database starts with the rules and the preset questionnaire
售后服务满意度调查, whose question codes are a contract."""

from django.db import migrations

# Frozen copies of seeded.py's presets as they were when this migration was written.
RULES = {
    "complaint-closed": ("投诉结案回访", "case_closed", "complaint", "complaint", 1),
    "repair-closed": ("维修完工回访", "case_closed", "repair", "repair", 3),
    "installation-closed": ("安装完工回访", "case_closed", "installation", "installation", 3),
    "delivery": ("送货回访", "delivered", "", "delivery", 7),
    "low-score": ("不满意回访", "low_score", "", "dissatisfied", 0),
}
# overall and nps are required; the detail questions may be skipped (a short phone call).
QUESTIONS = [
    ("overall", "您对本次售后服务的总体满意度", "rating", True),
    ("timeliness", "处理是否及时", "rating", False),
    ("attitude", "服务人员的态度", "rating", False),
    ("quality", "维修/处理质量", "rating", False),
    ("nps", "您有多大可能向亲友推荐我们", "nps", True),
    ("comment", "您的意见和建议", "text", False),
]


def presets(apps, schema_editor):
    from aftersales.feedback.seeded import FOLLOW_UP_PRESETS

    Rule = apps.get_model("feedback", "FollowUpRule")
    for code, (name, trigger, case_kind, kind, days) in RULES.items():
        script = FOLLOW_UP_PRESETS.get(code, ("",) * 6)[5]
        Rule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "trigger": trigger,
                "case_kind": case_kind,
                "kind": kind,
                "working_days": days,
                "script": script,
            },
        )
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Version = apps.get_model("feedback", "QuestionnaireVersion")
    Question = apps.get_model("feedback", "Question")
    q, created = Questionnaire.objects.get_or_create(
        code="after-sales",
        defaults={
            "name": "售后服务满意度调查",
            "intro": "感谢您选择我们的产品和服务。请花一分钟告诉我们这次服务做得怎么样。",
        },
    )
    if created:
        version = Version.objects.create(questionnaire=q, number=1, published=True)
        for position, (code, text, kind, required) in enumerate(QUESTIONS):
            Question.objects.create(
                version=version,
                code=code,
                text=text,
                kind=kind,
                required=required,
                position=position,
            )
    apps.get_model("feedback", "SurveyRule").objects.get_or_create(
        code="on-close", defaults={"name": "结案即发满意度调查", "questionnaire": q}
    )
    apps.get_model("feedback", "FeedbackPolicy").objects.get_or_create(
        name="默认回访与满意度策略"
    )


def move_sales_follow_ups(apps, schema_editor):
    """Each sales follow-up becomes a delivery follow-up with the same day, person and result."""
    SalesFollowUp = apps.get_model("sales", "FollowUp")
    FollowUp = apps.get_model("feedback", "FollowUp")
    Rule = apps.get_model("feedback", "FollowUpRule")
    Policy = apps.get_model("sales", "SalesPolicy")
    policy = Policy.objects.filter(active=True).first()
    rule = Rule.objects.get(code="delivery")
    if policy is not None and policy.follow_up_working_days != 3:
        # A company that set its own number keeps it (3 was the old default, 7 the preset).
        rule.working_days = policy.follow_up_working_days
        rule.save(update_fields=["working_days"])
    for i, old in enumerate(SalesFollowUp.objects.select_related("order").order_by("pk"), 1):
        order = old.order
        FollowUp.objects.create(
            number=f"HF-{old.due_on:%Y%m%d}-M{old.pk:05d}",
            kind="delivery",
            rule=rule,
            order=order,
            customer_id=order.customer_id,
            assignee_id=old.assignee_id,
            starts_on=old.due_on,
            due_on=old.due_on,
            deadline_on=old.due_on,
            status="done" if old.done_at else "due",
            outcome="reached" if old.done_at else "",
            remarks=old.result,
            done_at=old.done_at,
            done_by_id=old.assignee_id if old.done_at else None,
            attempts=1 if old.done_at else 0,
            overdue_told=True,  # old calls are not news: no flood of overdue alerts
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.RunPython(presets, migrations.RunPython.noop),
        migrations.RunPython(move_sales_follow_ups, migrations.RunPython.noop),
    ]
