"""The feedback policy and the follow-up rules (FB-1): data, with the presets as defaults."""

from __future__ import annotations

from datetime import date

from aftersales.workdays import add_working_days, is_workday

from ..models import FeedbackPolicy, FollowUpRule


def active_policy() -> FeedbackPolicy:
    """The active policy, or an unsaved one with the preset numbers."""
    policy = FeedbackPolicy.objects.filter(active=True).order_by("-updated_at").first()
    return policy or FeedbackPolicy(name="preset")


def rule_for(trigger: str, *, case_kind: str = "", outcome: str = "") -> FollowUpRule | None:
    """The most specific active rule for the event: a rule naming the kind of case beats one
    for any kind, and one naming the outcome beats one for any outcome."""
    best, best_score = None, -1
    for rule in FollowUpRule.objects.filter(trigger=trigger, active=True).order_by("code"):
        if rule.case_kind and rule.case_kind != case_kind:
            continue
        if rule.outcome and rule.outcome != outcome:
            continue
        score = (2 if rule.case_kind else 0) + (1 if rule.outcome else 0)
        if score > best_score:
            best, best_score = rule, score
    return best


def working_day_on_or_after(day: date, n: int) -> date:
    """``n`` working days after ``day``; for 0 the day itself when it is a working day, else
    the next one (a dissatisfied customer is called back the same working day)."""
    if n > 0:
        return add_working_days(day, n)
    return day if is_workday(day) else add_working_days(day, 1)
