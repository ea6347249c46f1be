"""Scorecards (STF-2): computed for every person of a period at once, then reviewed by the
supervisor (who scores the items no record can tell, with reasons), acknowledged or disputed
by the person, and made final. A final scorecard never changes; a correction is a new
revision that names the one it corrects and why."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import Message, notify, notify_many

from ..indicators import Context, Period, compute_values, line_score, weighted_total
from ..models import (
    Indicator,
    RecordView,
    Scorecard,
    ScorecardEvent,
    ScorecardLine,
    Source,
    StaffPolicy,
)
from ..permissions import (
    can_answer,
    can_compute_scorecards,
    can_correct,
    can_finalize,
    can_review,
)

S = Scorecard.Status

# action -> (from, to): the one table of the scorecard's workflow.
TRANSITIONS = {
    "review": ((S.DRAFT, S.REVIEWED, S.DISPUTED), S.REVIEWED),
    "acknowledge": ((S.REVIEWED,), S.ACKNOWLEDGED),
    "dispute": ((S.REVIEWED,), S.DISPUTED),
    "finalize": ((S.ACKNOWLEDGED, S.DISPUTED), S.FINAL),
}


def _roles_with_indicators(kind: str) -> dict[str, list[Indicator]]:
    by_role: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(active=True, period_kind=kind).order_by(
        "position", "code"
    ):
        by_role[indicator.role].append(indicator)
    return by_role


def assessed_people(kind: str, user_ids=None) -> dict[int, tuple[str, int | None]]:
    """Active staff holding a role with indicators: person -> (the role they are assessed
    in, their department). Someone with two such roles is assessed in the first in the
    roles' order (after-sales service before customer service)."""
    by_role = _roles_with_indicators(kind)
    order = [r for r in Role.values if r in by_role]
    User = get_user_model()
    people = (
        User.objects.filter(is_active=True, groups__name__in=order)
        .exclude(groups__name=Role.DEALER.value)
        .exclude(dealer_member__isnull=False)
    )
    if user_ids is not None:
        people = people.filter(pk__in=user_ids)
    out: dict[int, tuple[str, int | None]] = {}
    rows = people.values_list("pk", "groups__name", "department_id").order_by("pk")
    for pk, role, department in rows:
        if role not in order:
            continue
        held = out.get(pk)
        if held is None or order.index(role) < order.index(held[0]):
            out[pk] = (role, department)
    return out


def _current_cards(period: Period, user_ids) -> dict[int, Scorecard]:
    latest = (
        Scorecard.objects.filter(period=period.key, user_id__in=user_ids)
        .values("user_id")
        .annotate(r=Max("revision"))
    )
    wanted = {(row["user_id"], row["r"]) for row in latest}
    cards = Scorecard.objects.select_for_update().filter(period=period.key, user_id__in=user_ids)
    return {c.user_id: c for c in cards if (c.user_id, c.revision) in wanted}


def _lines_for(card: Scorecard, indicators, values, kept: dict[str, ScorecardLine]):
    lines = []
    for indicator in indicators:
        line = ScorecardLine(
            scorecard=card,
            indicator=indicator,
            code=indicator.code,
            name=indicator.name,
            source=indicator.source,
            direction=indicator.direction,
            target=indicator.target,
            weight=indicator.weight,
            points_per_unit=indicator.points_per_unit,
            position=indicator.position,
        )
        if indicator.source == Source.SCORED:
            old = kept.get(indicator.code)
            if old is not None:
                line.value, line.score, line.reason = old.value, old.score, old.reason
        else:
            value, records = values.get(indicator.source, {}).get(card.user_id, (None, 0))
            line.value, line.records = value, records
            line.score = line_score(
                value, indicator.target, indicator.direction, indicator.points_per_unit
            )
        lines.append(line)
    return lines


@transaction.atomic
def scorecards_compute(*, period: Period, actor=None, user_ids=None) -> dict:
    """Compute the period's scorecards for everyone assessed (or ``user_ids``): new ones as
    drafts, drafts again from today's records; reviewed and later ones are left alone. Each
    source is a few set-based queries for all people together."""
    if actor is not None and not can_compute_scorecards(actor):
        raise PermissionDenied(_("Only human resources computes the scorecards."))
    # One computation at a time (HR's button and the monthly task): the policy row is the lock.
    list(StaffPolicy.objects.select_for_update().filter(active=True))
    people = assessed_people(period.kind, user_ids)
    if not people:
        return {"created": 0, "updated": 0, "kept": 0}
    by_role = _roles_with_indicators(period.kind)
    current = _current_cards(period, list(people))
    targets = {
        pk: info
        for pk, info in people.items()
        if pk not in current or current[pk].status == S.DRAFT
    }
    ctx = Context(
        period,
        {pk: current[pk].role if pk in current else role for pk, (role, _d) in targets.items()},
    )
    sources = {i.source for role in set(ctx.roles.values()) for i in by_role.get(role, [])}
    values = compute_values(ctx, sources)
    now = timezone.now()
    new_cards, drafts = [], []
    for pk, (role, department) in targets.items():
        card = current.get(pk)
        if card is None:
            card = Scorecard(
                user_id=pk,
                role=role,
                period=period.key,
                period_kind=period.kind,
                department_id=department,
                computed_at=now,
            )
            new_cards.append(card)
        else:  # a draft keeps the role and department it was first computed for
            card.computed_at = now
            card.version += 1
            drafts.append(card)
    kept: dict[int, dict[str, ScorecardLine]] = defaultdict(dict)
    for line in ScorecardLine.objects.filter(scorecard__in=drafts, source=Source.SCORED):
        kept[line.scorecard_id][line.code] = line
    all_lines = []
    for card in new_cards + drafts:  # totals first: each card is written once
        lines = _lines_for(card, by_role.get(card.role, []), values, kept.get(card.pk, {}))
        card.total = weighted_total(lines)
        all_lines.extend(lines)
    if new_cards:
        bulk_create_with_history(new_cards, Scorecard, default_user=actor)
        # Read back the keys (bulk_create gives none on SQLite's older versions).
        ids = dict(
            Scorecard.objects.filter(
                period=period.key, user_id__in=[c.user_id for c in new_cards], revision=1
            ).values_list("user_id", "pk")
        )
        for card in new_cards:
            card.pk = card.id = ids[card.user_id]
    ScorecardLine.objects.filter(scorecard__in=drafts).delete()
    for line in all_lines:
        line.scorecard = line.scorecard  # the card's key, now that it has one
    ScorecardLine.objects.bulk_create(all_lines, batch_size=2000)
    if drafts:
        bulk_update_with_history(
            drafts,
            Scorecard,
            ["computed_at", "version", "total", "updated_at"],
            default_user=actor,
            batch_size=500,
        )
    ScorecardEvent.objects.bulk_create(
        [
            ScorecardEvent(scorecard_id=c.pk, action="compute", to_status=S.DRAFT, actor=actor)
            for c in new_cards + drafts
        ]
    )
    return {"created": len(new_cards), "updated": len(drafts), "kept": len(people) - len(targets)}


def _locked(scorecard: Scorecard, expected_version: int | None) -> Scorecard:
    card = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if expected_version is not None and expected_version != card.version:
        raise StaleVersion()
    return card


def _move(card: Scorecard, action: str, actor, note: str, fields: list[str]) -> None:
    allowed, to = TRANSITIONS[action]
    if card.status not in allowed:
        raise Conflict(
            _("A scorecard that is %(status)s cannot be %(action)s.")
            % {"status": card.get_status_display(), "action": ACTION_LABELS[action]},
            code="illegal_transition",
        )
    before = card.status
    card.status = to
    card.version += 1
    card._history_user = actor
    card.save(update_fields=["status", "version", "updated_at", *fields])
    ScorecardEvent.objects.create(
        scorecard=card, action=action, from_status=before, to_status=to, actor=actor, note=note
    )


ACTION_LABELS = {
    "review": gettext_lazy("reviewed"),
    "acknowledge": gettext_lazy("acknowledged"),
    "dispute": gettext_lazy("disputed"),
    "finalize": gettext_lazy("made final"),
}


def _score(raw) -> Decimal | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValueError
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def scorecard_review(
    *,
    actor,
    scorecard: Scorecard,
    scores: dict[str, tuple[object, str]],
    comment: str = "",
    expected_version: int | None = None,
) -> Scorecard:
    """The supervisor scores the items no record can tell (business knowledge, service
    attitude …: 0–100). Every such item needs a score, and a changed score a reason; the
    person is then asked to acknowledge or dispute."""
    card = _locked(scorecard, expected_version)
    if not can_review(actor, card):
        raise PermissionDenied(_("Only the person's supervisor reviews this scorecard."))
    if card.status not in TRANSITIONS["review"][0]:
        _move(card, "review", actor, "", [])  # raises the 409
    lines = list(card.lines.all())
    errors: dict[str, list[str]] = {}
    changes = []
    for line in lines:
        if not line.is_scored:
            continue
        raw, reason = scores.get(line.code, (None, ""))
        reason = (reason or "").strip()
        try:
            value = _score(raw)
        except ValueError:
            errors[f"score_{line.code}"] = [_("Enter a score from 0 to 100.")]
            continue
        if value is None:
            value = line.score
        if value is None:
            errors[f"score_{line.code}"] = [_("Score “%(item)s” (0–100).") % {"item": line.label}]
            continue
        if value != line.score:
            if not reason:
                errors[f"reason_{line.code}"] = [
                    _("Say why “%(item)s” scores %(score)s.") % {"item": line.label, "score": value}
                ]
                continue
            changes.append((line, line.score, value, reason))
    if errors:
        raise InvalidInput(fields=errors)
    for line, _old, value, reason in changes:
        line.value = line.score = value
        line.reason = reason[:1000]
        line.save(update_fields=["value", "score", "reason"])
    card.total = weighted_total(lines)
    card.reviewed_by, card.reviewed_at = actor, timezone.now()
    card.supervisor_comment = (comment or "").strip()[:2000]
    note = "；".join(
        f"{line.label} {old if old is not None else '—'} → {value}：{reason}"
        for line, old, value, reason in changes
    )
    _move(
        card,
        "review",
        actor,
        note,
        ["total", "reviewed_by", "reviewed_at", "supervisor_comment"],
    )
    notify(
        recipients=[card.user],
        title=_("Your scorecard for %(period)s is ready: please acknowledge it or say why not")
        % {"period": card.period},
        body=card.supervisor_comment,
        link=card.get_absolute_url(),
    )
    return card


@transaction.atomic
def scorecard_acknowledge(
    *, actor, scorecard: Scorecard, expected_version: int | None = None
) -> Scorecard:
    card = _locked(scorecard, expected_version)
    if not can_answer(actor, card):
        raise PermissionDenied(_("Only the person assessed acknowledges their scorecard."))
    card.answered_at = timezone.now()
    _move(card, "acknowledge", actor, "", ["answered_at"])
    if card.reviewed_by_id:
        notify(
            recipients=[card.reviewed_by],
            title=_("%(who)s acknowledged the scorecard for %(period)s")
            % {"who": card.user, "period": card.period},
            link=card.get_absolute_url(),
        )
    return card


@transaction.atomic
def scorecard_dispute(
    *, actor, scorecard: Scorecard, reason: str, expected_version: int | None = None
) -> Scorecard:
    card = _locked(scorecard, expected_version)
    if not can_answer(actor, card):
        raise PermissionDenied(_("Only the person assessed disputes their scorecard."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say what you disagree with.")]})
    card.answered_at, card.dispute = timezone.now(), reason[:2000]
    _move(card, "dispute", actor, reason[:2000], ["answered_at", "dispute"])
    if card.reviewed_by_id:
        notify(
            recipients=[card.reviewed_by],
            title=_("%(who)s disputes the scorecard for %(period)s")
            % {"who": card.user, "period": card.period},
            body=reason,
            link=card.get_absolute_url(),
        )
    return card


@transaction.atomic
def scorecard_finalize(
    *, actor, scorecard: Scorecard, note: str = "", expected_version: int | None = None
) -> Scorecard:
    """Make the scorecard final; a disputed one only with an answer to the dispute."""
    card = _locked(scorecard, expected_version)
    if not can_finalize(actor, card):
        raise PermissionDenied(_("Only the supervisor or human resources makes it final."))
    note = (note or "").strip()
    if card.status == S.DISPUTED and not note:
        raise InvalidInput(fields={"note": [_("Answer the dispute before making it final.")]})
    card.finalized_by, card.finalized_at, card.final_note = actor, timezone.now(), note[:2000]
    _move(card, "finalize", actor, note[:2000], ["finalized_by", "finalized_at", "final_note"])
    notify(
        recipients=[card.user],
        title=_("Your scorecard for %(period)s is final: %(total)s")
        % {"period": card.period, "total": card.total if card.total is not None else "—"},
        link=card.get_absolute_url(),
    )
    return card


@transaction.atomic
def scorecard_correct(*, actor, scorecard: Scorecard, reason: str) -> Scorecard:
    """A final scorecard found wrong: a new revision (a draft, computed again from today's
    records, the supervisor's scores kept) names the one it corrects and why. The final one
    stays as it was."""
    card = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if not can_correct(actor, card):
        raise PermissionDenied(_("Only human resources corrects a final scorecard."))
    if card.status != S.FINAL:
        raise Conflict(
            _("Only a final scorecard is corrected; change this one through its review."),
            code="illegal_transition",
        )
    if Scorecard.objects.filter(
        user=card.user, period=card.period, revision__gt=card.revision
    ).exists():
        raise Conflict(
            _("A correction of this scorecard already exists."), code="already_corrected"
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the scorecard is corrected.")]})
    new = Scorecard(
        user=card.user,
        role=card.role,
        period=card.period,
        period_kind=card.period_kind,
        department=card.department,
        revision=card.revision + 1,
        corrects=card,
        correction_reason=reason[:300],
        computed_at=timezone.now(),
        supervisor_comment=card.supervisor_comment,
    )
    new._history_user = actor
    new.save()
    ScorecardLine.objects.bulk_create(
        [
            ScorecardLine(
                scorecard=new,
                **{
                    f: getattr(line, f)
                    for f in (
                        "indicator_id",
                        "code",
                        "name",
                        "source",
                        "direction",
                        "target",
                        "weight",
                        "points_per_unit",
                        "value",
                        "records",
                        "score",
                        "reason",
                        "position",
                    )
                },
            )
            for line in card.lines.all()
        ]
    )
    ScorecardEvent.objects.create(
        scorecard=new, action="correct", to_status=S.DRAFT, actor=actor, note=reason[:300]
    )
    from ..indicators import parse_period

    scorecards_compute(period=parse_period(card.period), actor=None, user_ids=[card.user_id])
    new.refresh_from_db()
    return new


def record_view(*, viewer, subject, what: str, scorecard: Scorecard | None = None) -> None:
    """Keep that ``viewer`` opened someone else's record (their own is not kept)."""
    if viewer.pk == subject.pk:
        return
    RecordView.objects.create(viewer=viewer, subject=subject, what=what, scorecard=scorecard)


def record_views(*, viewer, cards) -> None:
    """Keep the views of other people's scorecards a list showed (one INSERT)."""
    RecordView.objects.bulk_create(
        [
            RecordView(
                viewer=viewer, subject_id=c.user_id, what=RecordView.What.SCORECARD, scorecard=c
            )
            for c in cards
            if c.user_id != viewer.pk
        ]
    )


def heads_told_to_review(period: Period) -> int:
    """Tell each department head how many of their people's scorecards wait for review."""
    waiting = (
        Scorecard.objects.filter(period=period.key, status=S.DRAFT, department__head__isnull=False)
        .exclude(user=F("department__head"))  # a head's own card is not theirs to review
        .values("department__head")
        .annotate(n=Count("id"))
    )
    User = get_user_model()
    heads = User.objects.in_bulk([row["department__head"] for row in waiting])
    from django.urls import reverse

    link = reverse("staff:scorecards") + f"?period={period.key}"
    messages = [
        Message(
            (heads[row["department__head"]],),
            _("%(n)s scorecards for %(period)s wait for your review")
            % {"n": row["n"], "period": period.key},
            "",
            link,
        )
        for row in waiting
        if row["department__head"] in heads
    ]
    return notify_many(messages) if messages else 0


def monthly_scorecards_due(today=None) -> str | None:
    """On the month's first working day (or the first day the task runs after it): last
    month's scorecards, computed as drafts, and the heads told; once."""
    from aftersales.workdays import is_workday

    from ..indicators import period_containing

    today = today or timezone.localdate()
    first = today.replace(day=1)
    try:
        first_workday = next(
            first.replace(day=d) for d in range(1, 29) if is_workday(first.replace(day=d))
        )
    except (StopIteration, ValueError):
        return None
    from datetime import timedelta

    period = period_containing(first - timedelta(days=1), "month")
    # From the first working day on, until done (a day the task did not run is caught up).
    if today < first_workday or Scorecard.objects.filter(period=period.key).exists():
        return None
    scorecards_compute(period=period)
    heads_told_to_review(period)
    return period.key


PERCENT_SOURCES = {
    Source.SLA_FIRST_RESPONSE,
    Source.SLA_RESOLUTION,
    Source.FIRST_TIME_FIX,
    Source.FOLLOW_UPS_ON_TIME,
    Source.CSAT,
    Source.QUALIFICATIONS_VALID,
    Source.SCORED,
}


def _target_range(indicator: Indicator) -> tuple[Decimal, Decimal]:
    """A target a value can reach: a percent or a score up to 100, an attitude up to 5; more
    than nothing where higher is better (a target of 0 would give everyone 100)."""
    low = Decimal("0.01") if indicator.direction == Indicator.Direction.HIGHER else Decimal(0)
    if indicator.source in PERCENT_SOURCES:
        return low, Decimal(100)
    if indicator.source == Source.ATTITUDE:
        return low, Decimal(5)
    return low, Decimal(99_999)


@transaction.atomic
def indicators_update(*, actor, changes: dict[int, dict]) -> int:
    """HR sets the targets, weights and use of the indicators (``changes``: indicator id →
    ``{"target", "weight", "active"}``); all or nothing. Scorecards computed before keep the
    values they were computed with."""
    if not can_compute_scorecards(actor):
        raise PermissionDenied(_("Only human resources sets the indicators."))
    indicators = Indicator.objects.select_for_update().in_bulk(list(changes))
    errors: dict[str, list[str]] = {}
    updated = []
    for pk, change in changes.items():
        indicator = indicators.get(pk)
        if indicator is None:
            continue
        for field, low, high in (
            ("target", *_target_range(indicator)),
            ("weight", Decimal("0.1"), Decimal(100)),
        ):
            try:
                value = Decimal(str(change.get(field, "")).strip())
                if not value.is_finite() or not low <= value <= high:
                    raise InvalidOperation
            except InvalidOperation:
                errors[f"{field}_{pk}"] = [
                    _("%(indicator)s: enter a %(field)s from %(low)s to %(high)s.")
                    % {
                        "indicator": indicator.label,
                        "field": _("target") if field == "target" else _("weight"),
                        "low": low,
                        "high": high,
                    }
                ]
                continue
            setattr(indicator, field, value)
        indicator.active = bool(change.get("active"))
        updated.append(indicator)
    if errors:
        raise InvalidInput(fields=errors)
    for indicator in updated:
        indicator._history_user = actor
        indicator.save(update_fields=["target", "weight", "active", "updated_at"])
    return len(updated)
