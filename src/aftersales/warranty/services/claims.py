"""Dealer claims against the manufacturer (WAR-9, WAR-10, S8).

"Whoever sells is responsible" (谁销售谁负责): the dealer carries out the 三包 work for its
customer, then claims the cost back from the manufacturer. The quality department judges from
the photos, the batch number and the packer number whose fault the defect was
(``quality.ResponsibilityJudgement``); the claim's decision reads that verdict:

* the manufacturer's fault: the manufacturer carries the whole cost;
* not the manufacturer's production cause (transport, the dealer's handling): dealer and
  manufacturer split the cost of parts, materials and labour, 50/50 in the S8 preset
  (the policy's ``dealer_split`` when the policy data has one);
* the customer's misuse, or no defect found: nothing to recover (the customer pays a misuse
  repair, WAR-8), unless the decider overrides the share with a note.

Reads (``claim_list_for_user``, ``claim_get_for_user``, ``dealer_statement``) live here too,
scoped to the reader: a dealer's people see their own dealer's claims only.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import (
    ApplicationError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from aftersales.core.excel import export_response
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.core.services import full_clean_or_invalid, model_update
from aftersales.customers.permissions import is_dealer_user
from aftersales.quality.models import ResponsibilityJudgement
from aftersales.quality.services.judgements import judgement_for
from aftersales.service.models import Case

from ..models import Application, DealerClaim
from ..permissions import (
    can_decide_claim,
    can_settle_claim,
    can_submit_claim,
    can_view_claims,
    dealer_scope,
)

S = DealerClaim.Status
V = ResponsibilityJudgement.Verdict
FEN = Decimal("0.01")
ONE = Decimal("1.00")
ZERO = Decimal("0.00")
# S8 clause 11: a defect that is not the manufacturer's production cause is shared half and
# half. Used when the policy data names no split of its own.
DEFAULT_DEALER_SPLIT = Decimal("0.50")
# Claims still being worked on: a case has at most one of these at a time.
OPEN_STATUSES = (S.SUBMITTED, S.APPROVED)
# The repair is done before the cost is claimed (S8 clause 9: solve first, settle later).
CLAIMABLE_CASE_STATUSES = (Case.Status.RESOLVED, Case.Status.CONFIRMED, Case.Status.CLOSED)
# Verdicts that put the cost on someone other than the manufacturer but inside the 三包 work.
SPLIT_VERDICTS = (V.TRANSPORT, V.DEALER)
COST_FIELDS = ("parts_cost", "labour_cost", "other_cost")


# --- reads ----------------------------------------------------------------------------------


def claim_list_for_user(
    user, *, status: str = "", dealer: str = "", judged: bool | None = None
) -> QuerySet[DealerClaim]:
    """The claims the reader may see, newest first: a dealer's people see their own dealer's
    only (a dealer user without a dealer sees none); ``dealer`` is a dealer code; ``judged``:
    only those whose case the quality department has (True) or has not (False) judged."""
    if not can_view_claims(user):
        return DealerClaim.objects.none()
    claims = DealerClaim.objects.select_related(
        "dealer", "case", "batch", "application", "decided_by", "submitted_by"
    )
    if is_dealer_user(user):
        own = dealer_scope(user)
        if own is None:
            return DealerClaim.objects.none()
        claims = claims.filter(dealer=own)
    if status:
        claims = claims.filter(status=status)
    if dealer:
        claims = claims.filter(dealer__code=dealer)
    if judged is not None:
        verdicts = ResponsibilityJudgement.objects.filter(
            subject_type=ContentType.objects.get_for_model(Case), subject_id=OuterRef("case_id")
        )
        claims = claims.filter(Exists(verdicts) if judged else ~Exists(verdicts))
    return claims.order_by("-created_at", "-id")


def claim_get_for_user(user, *, number: str) -> DealerClaim | None:
    return claim_list_for_user(user).filter(number=number).first()


def claim_judgement(claim: DealerClaim) -> ResponsibilityJudgement | None:
    """The quality department's verdict on the claim's case (None until it has judged)."""
    return judgement_for(claim.case)


def claim_open_for_case(case: Case) -> DealerClaim | None:
    return DealerClaim.objects.filter(case=case, status__in=OPEN_STATUSES).first()


def claim_application_lookup(*, case: Case, number: str) -> Application | None:
    """The 三包 application named by ``number``, which must be one of the case's."""
    number = (number or "").strip()
    if not number:
        return None
    application = Application.objects.filter(number=number, case=case).first()
    if application is None:
        raise InvalidInput(
            fields={
                "application": [
                    _("The case has no return or exchange application %(number)s.")
                    % {"number": number}
                ]
            }
        )
    return application


# --- the split ------------------------------------------------------------------------------


def dealer_split(policy_key: str | None = None) -> Decimal:
    """The dealer's part of a cost that is not the manufacturer's fault (S8: 0.50), read from
    the policy data (``policies.policy_for(key).dealer_split``; None: the default policy).
    Falls back to the S8 half when the policy cannot be read."""
    try:
        from .policies import policy_for
    except ImportError:
        return DEFAULT_DEALER_SPLIT
    try:
        policy = policy_for(policy_key or None)
    except (TypeError, LookupError, ApplicationError):
        return DEFAULT_DEALER_SPLIT
    value = getattr(policy, "dealer_split", None)
    if value is None:
        return DEFAULT_DEALER_SPLIT
    try:
        split = Decimal(str(value)).quantize(FEN)
    except InvalidOperation:
        return DEFAULT_DEALER_SPLIT
    return split if ZERO <= split <= ONE else DEFAULT_DEALER_SPLIT


def claim_policy_key(claim: DealerClaim) -> str | None:
    """The policy the claim's application was decided under, if it came from one."""
    return claim.application.policy_key if claim.application_id else None


def manufacturer_share_for(verdict: str, *, policy_key: str | None = None) -> Decimal:
    """What part of the claimed cost the manufacturer carries under a verdict (WAR-9, S8)."""
    if verdict == V.MANUFACTURER:
        return ONE
    if verdict in SPLIT_VERDICTS:
        return (ONE - dealer_split(policy_key)).quantize(FEN)
    return ZERO  # the customer's misuse, no defect: not a 三包 cost to recover


def claim_split(claim: DealerClaim, judgement: ResponsibilityJudgement | None) -> dict | None:
    """The proposed split of a claim for the pages: share and amounts, or None without a
    verdict. A decided claim shows the share that was decided."""
    if claim.manufacturer_share is not None:
        share = claim.manufacturer_share
    elif judgement is not None:
        share = manufacturer_share_for(judgement.verdict, policy_key=claim_policy_key(claim))
    else:
        return None
    manufacturer = _amount(claim.claimed * share)
    return {"share": share, "manufacturer": manufacturer, "dealer": claim.claimed - manufacturer}


def _amount(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


# --- writes ---------------------------------------------------------------------------------


def _costs(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Decimal]:
    costs: dict[str, Decimal] = {}
    for field, raw in values.items():
        try:
            amount = Decimal(str(raw if raw not in (None, "") else "0"))
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[field] = [_("Enter an amount like 1299.00.")]
            continue
        if amount < 0:
            errors[field] = [_("An amount cannot be negative.")]
            continue
        if amount != amount.quantize(FEN):
            errors[field] = [_("At most two decimal places (fen).")]
            continue
        costs[field] = amount.quantize(FEN)
    if len(costs) == len(values) and sum(costs.values()) <= 0:
        errors["parts_cost"] = [_("Enter what the work cost: the total must be more than zero.")]
    return costs


def _dealer_people(dealer) -> list:
    return list(get_user_model().objects.filter(dealer_member__dealer=dealer, is_active=True))


def _quality_people() -> list:
    return list(get_user_model().objects.filter(groups__name=Role.QUALITY.value, is_active=True))


@transaction.atomic
def claim_submit(
    *,
    actor,
    case: Case,
    parts_cost,
    labour_cost,
    other_cost,
    description: str,
    packer_no: str = "",
    packing_list_ref: str = "",
    application: Application | None = None,
    dealer=None,
) -> DealerClaim:
    """The dealer claims the cost of the 三包 work on a case (WAR-10). The claim is the case's
    dealer's; the batch is the case's, and the packer number and packing list default to the
    case's (S8 clause 9: without them the quality department cannot tell whose fault it was).
    A case has one open claim at a time; the number is allocated in this transaction."""
    if not can_submit_claim(actor):
        raise PermissionDenied(_("Only a dealer or the after-sales department submits a claim."))
    if is_dealer_user(actor):
        own = dealer_scope(actor)
        # Another dealer's case looks like a missing one (SEC-1).
        if own is None or case.dealer_id != own.pk:
            raise NotFound()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("dealer", "batch")
        .get(pk=case.pk)
    )
    errors: dict[str, list[str]] = {}
    if case.dealer_id is None:
        errors["case"] = [
            _("This case has no dealer: only a case a dealer handled can be claimed.")
        ]
    elif dealer is not None and dealer.pk != case.dealer_id:
        errors["dealer"] = [
            _("The claim belongs to the case's dealer, %(dealer)s.") % {"dealer": case.dealer}
        ]
    if case.batch_id is None:
        errors["batch"] = [
            _(
                "The case has no batch number. Record the batch on the case first: the quality "
                "department judges from the batch and packer number."
            )
        ]
    packer_no = (packer_no or case.packer_no or (case.batch.packer_no if case.batch else ""))[
        :40
    ].strip()
    packing_list_ref = (
        packing_list_ref
        or case.packing_list_ref
        or (case.batch.packing_list_ref if case.batch else "")
    )[:60].strip()
    if not packer_no:
        errors["packer_no"] = [_("Give the packer number from the packing (S8).")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the work done: parts replaced, hours, travel.")]
    if application is not None and application.case_id != case.pk:
        errors["application"] = [_("This application belongs to another case.")]
    costs = _costs(
        {"parts_cost": parts_cost, "labour_cost": labour_cost, "other_cost": other_cost}, errors
    )
    if errors:
        raise InvalidInput(fields=errors)
    if case.status not in CLAIMABLE_CASE_STATUSES:
        raise Conflict(
            _("Finish the case first: a claim follows the repair (the case is %(status)s).")
            % {"status": case.get_status_display()},
            code="case_not_resolved",
        )
    earlier = claim_open_for_case(case)
    if earlier is not None:
        raise Conflict(
            _("The case already has claim %(number)s being handled.") % {"number": earlier.number},
            code="claim_open",
        )
    claim = DealerClaim(
        number=document_number_next(kind="dealer_claim"),
        dealer=case.dealer,
        case=case,
        application=application,
        batch=case.batch,
        packer_no=packer_no,
        packing_list_ref=packing_list_ref,
        description=description.strip(),
        submitted_by=actor,
        **costs,
    )
    full_clean_or_invalid(claim)
    claim._history_user = actor
    claim.save()
    title = _("Dealer claim %(number)s: %(dealer)s claims %(amount)s yuan") % {
        "number": claim.number,
        "dealer": claim.dealer,
        "amount": claim.claimed,
    }
    body = _("Case %(case)s · batch %(batch)s · packer %(packer)s") % {
        "case": case.number,
        "batch": case.batch.batch_no,
        "packer": packer_no,
    }
    people = [p for p in [*_quality_people(), *_dealer_people(claim.dealer)] if p != actor]
    notify(recipients=people, title=title, body=body, link=claim.get_absolute_url())
    return claim


def _locked(claim: DealerClaim, expected_version: int | None) -> DealerClaim:
    locked = (
        DealerClaim.objects.select_for_update(of=("self",))
        .select_related("dealer", "case", "batch", "application", "submitted_by")
        .get(pk=claim.pk)
    )
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _share(value) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(FEN)
    except InvalidOperation:
        share = Decimal("-1")
    if not ZERO <= share <= ONE:
        raise InvalidInput(
            fields={"manufacturer_share": [_("Give a share between 0 and 1, e.g. 0.5.")]}
        )
    return share


@transaction.atomic
def claim_decide(
    *,
    actor,
    claim: DealerClaim,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
    manufacturer_share=None,
) -> DealerClaim:
    """Approve or reject a submitted claim (WAR-9, S8). Approval reads the quality
    department's verdict on the case: no verdict, no decision (409 ``judgement_missing``).
    The approved amount is the claimed cost times the manufacturer's share, in fen. A decider
    may set another share (``manufacturer_share``, 0 to 1) with a note saying why; a
    rejection always needs a note."""
    if not can_decide_claim(actor):
        raise PermissionDenied(_("The quality department decides dealer claims."))
    claim = _locked(claim, expected_version)
    if claim.status != S.SUBMITTED:
        raise Conflict(
            _("Claim %(number)s has already been decided.") % {"number": claim.number},
            code="already_decided",
        )
    note = (note or "").strip()[:300]
    if approve:
        judgement = judgement_for(claim.case)
        if judgement is None:
            raise Conflict(
                _(
                    "The quality department has not judged case %(case)s yet. Whose fault it "
                    "was decides the split: ask for a responsibility judgement first."
                )
                % {"case": claim.case.number},
                code="judgement_missing",
            )
        share = manufacturer_share_for(judgement.verdict, policy_key=claim_policy_key(claim))
        if manufacturer_share not in (None, ""):
            chosen = _share(manufacturer_share)
            if chosen != share and not note:
                raise InvalidInput(
                    fields={"note": [_("Say why the share differs from the verdict's.")]}
                )
            share = chosen
        data = {
            "status": S.APPROVED,
            "manufacturer_share": share,
            "approved_amount": _amount(claim.claimed * share),
        }
    else:
        if not note:
            raise InvalidInput(fields={"note": [_("Say why the claim is rejected.")]})
        data = {"status": S.REJECTED, "manufacturer_share": None, "approved_amount": ZERO}
    data.update({"decision_note": note, "decided_by": actor, "decided_at": timezone.now()})
    claim._history_user = actor
    claim, _changed = model_update(
        instance=claim, fields=list(data), data=data, expected_version=expected_version
    )
    if approve:
        title = _("Dealer claim %(number)s approved: %(amount)s yuan") % {
            "number": claim.number,
            "amount": claim.approved_amount,
        }
    else:
        title = _("Dealer claim %(number)s rejected") % {"number": claim.number}
    people = [claim.submitted_by, *_dealer_people(claim.dealer), *_quality_people()]
    notify(
        recipients=[p for p in people if p != actor],
        title=title,
        body=note,
        link=claim.get_absolute_url(),
        level="info" if approve else "warning",
    )
    return claim


@transaction.atomic
def claim_settle(*, actor, claim: DealerClaim, expected_version: int | None = None) -> DealerClaim:
    """Record that the manufacturer paid the approved amount to the dealer."""
    if not can_settle_claim(actor):
        raise PermissionDenied(_("The sales vice-president records the payment of a claim."))
    claim = _locked(claim, expected_version)
    if claim.status != S.APPROVED:
        raise Conflict(
            _("Only an approved claim can be settled (claim %(number)s is %(status)s).")
            % {"number": claim.number, "status": claim.get_status_display()},
            code="illegal_transition",
        )
    data = {"status": S.PAID, "settled_at": timezone.now()}
    claim._history_user = actor
    claim, _changed = model_update(
        instance=claim, fields=list(data), data=data, expected_version=expected_version
    )
    notify(
        recipients=[p for p in [claim.submitted_by, *_dealer_people(claim.dealer)] if p != actor],
        title=_("Dealer claim %(number)s paid: %(amount)s yuan")
        % {"number": claim.number, "amount": claim.approved_amount},
        link=claim.get_absolute_url(),
    )
    return claim


# --- the monthly statement ------------------------------------------------------------------


def month_parse(raw: str) -> tuple[int, int]:
    """``"2026-11"`` → ``(2026, 11)``; a clear error on the ``month`` field otherwise."""
    try:
        year_text, month_text = (raw or "").strip().split("-")
        year, month = int(year_text), int(month_text)
        if not (2000 <= year <= 2999 and 1 <= month <= 12):
            raise ValueError
    except ValueError:
        raise InvalidInput(fields={"month": [_("Give the month as 2026-11.")]}) from None
    return year, month


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not (1 <= month <= 12 and 1 <= year <= 9998):
        raise InvalidInput(fields={"month": [_("Give the month as 2026-11.")]})
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


def dealer_statement(*, dealer, year: int, month: int) -> dict:
    """The claims of ``dealer`` decided in the month (Asia/Shanghai): one row each, and the
    totals claimed, approved, settled (paid) and outstanding (approved, not yet paid).
    A rejected claim counts as claimed with nothing approved."""
    start, end = _month_bounds(year, month)
    claims = (
        DealerClaim.objects.filter(dealer=dealer, decided_at__gte=start, decided_at__lt=end)
        .select_related("case", "batch")
        .order_by("decided_at", "id")
    )
    rows = []
    totals = {"claimed": ZERO, "approved": ZERO, "settled": ZERO, "outstanding": ZERO}
    for claim in claims:
        approved = claim.approved_amount or ZERO
        settled = approved if claim.status == S.PAID else ZERO
        outstanding = approved if claim.status == S.APPROVED else ZERO
        rows.append(
            {
                "claim": claim,
                "number": claim.number,
                "case": claim.case.number,
                "batch": claim.batch.batch_no if claim.batch else "",
                "decided_at": claim.decided_at,
                "status": claim.status,
                "status_label": claim.get_status_display(),
                "claimed": claim.claimed,
                "manufacturer_share": claim.manufacturer_share,
                "approved": approved,
                "settled": settled,
                "outstanding": outstanding,
            }
        )
        totals["claimed"] += claim.claimed
        totals["approved"] += approved
        totals["settled"] += settled
        totals["outstanding"] += outstanding
    return {
        "dealer": dealer,
        "year": year,
        "month": month,
        "label": f"{year:04d}-{month:02d}",
        "rows": rows,
        "totals": totals,
        "count": len(rows),
    }


def statement_headers() -> list[str]:
    return [
        _("Claim number"),
        _("Case number"),
        _("Batch"),
        _("Decided on"),
        _("Status"),
        _("Claimed (CNY)"),
        _("Manufacturer's share"),
        _("Approved (CNY)"),
        _("Settled (CNY)"),
        _("Outstanding (CNY)"),
    ]


def dealer_statement_export(statement: dict):
    """The statement as an Excel workbook: one row per claim, then the totals row.
    Returns the response and the number of claim rows."""

    def rows():
        for r in statement["rows"]:
            yield [
                r["number"],
                r["case"],
                r["batch"],
                timezone.localtime(r["decided_at"]).date() if r["decided_at"] else None,
                r["status_label"],
                r["claimed"],
                r["manufacturer_share"],
                r["approved"],
                r["settled"],
                r["outstanding"],
            ]
        t = statement["totals"]
        yield [
            _("Total"),
            "",
            "",
            None,
            "",
            t["claimed"],
            None,
            t["approved"],
            t["settled"],
            t["outstanding"],
        ]

    dealer = statement["dealer"]
    response, count = export_response(
        filename=_("dealer-claims-%(dealer)s-%(month)s.xlsx")
        % {"dealer": dealer.code, "month": statement["label"]},
        headers=statement_headers(),
        rows=rows(),
        sheet_title=statement["label"],
    )
    return response, count - 1
