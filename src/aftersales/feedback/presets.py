"""The presets of the feedback loop, made when missing (the migration makes them on every
database; the demo makes them again after a test flushed the tables)."""

from __future__ import annotations

from .models import (
    ChecklistItem,
    FeedbackPolicy,
    FollowUpRule,
    InspectionChecklist,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    SurveyRule,
)
from .seeded import (
    AFTER_SALES_QUESTIONS,
    CHECKLIST_ITEMS,
    CHECKLISTS,
    FOLLOW_UP_PRESETS,
    FOLLOW_UP_RULES,
    PRESET_CHECKLIST,
    QUESTIONNAIRES,
    QUESTIONS,
    SURVEY_RULES,
)


def ensure_presets() -> None:
    for code, (trigger, case_kind, outcome, kind, days, script) in FOLLOW_UP_PRESETS.items():
        FollowUpRule.objects.get_or_create(
            code=code,
            defaults={
                "name": FOLLOW_UP_RULES[code][0],
                "trigger": trigger,
                "case_kind": case_kind,
                "outcome": outcome,
                "kind": kind,
                "working_days": days,
                "script": script,
            },
        )
    questionnaire, created = Questionnaire.objects.get_or_create(
        code="after-sales",
        defaults={
            "name": QUESTIONNAIRES["after-sales"][0],
            "intro": "感谢您选择我们的产品和服务。请花一分钟告诉我们这次服务做得怎么样。",
        },
    )
    if created or not questionnaire.versions.exists():
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, published=True
        )
        Question.objects.bulk_create(
            [
                Question(
                    version=version,
                    code=code,
                    text=QUESTIONS[code][0],
                    kind=kind,
                    required=required,
                    position=position,
                )
                for position, (code, kind, required) in enumerate(AFTER_SALES_QUESTIONS)
            ]
        )
    SurveyRule.objects.get_or_create(
        code="on-close",
        defaults={"name": SURVEY_RULES["on-close"][0], "questionnaire": questionnaire},
    )
    if not FeedbackPolicy.objects.exists():
        FeedbackPolicy.objects.create(name="默认回访与满意度策略")
    ensure_checklist()


def ensure_checklist() -> None:
    """The preset self-inspection checklist (FB-5), when missing."""
    code, items = PRESET_CHECKLIST
    checklist, created = InspectionChecklist.objects.get_or_create(
        code=code, defaults={"name": CHECKLISTS[code][0]}
    )
    if created or not checklist.items.exists():
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(
                    checklist=checklist,
                    code=item,
                    text=CHECKLIST_ITEMS[item][0],
                    position=position,
                )
                for position, item in enumerate(items)
            ]
        )
