"""Between the review and the work: the quality department's verdict on photos (WAR-6, S8
三、10), and the handling plan — remedy, timetable, fees, and for an exchange to a higher
specification the unit and its price difference (WAR-7, S11) — that the customer agrees to
before work starts (S2), on their case page or by phone (issue 18 B4, B6, B7)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.notifications import notify
from aftersales.quality.services.common import role_users

from ..engine.rules import B_WAR6
from ..models import Application, ApplicationEvent, Remedy
from ..permissions import can_judge_photos, can_record_plan_answer, can_review
from .evaluation import evaluate_facts

S = Application.Status
Verdict = Application.Verdict
TIMETABLE_MAX = 300


def _event(app: Application, actor, action: str, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=app,
        action=action,
        from_status=app.status,
        to_status=app.status,
        actor=actor,
        note=note[:500],
    )


def _locked(app: Application, expected_version: int | None) -> Application:
    from aftersales.core.errors import StaleVersion

    locked = Application.objects.select_for_update().get(pk=app.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _save(app: Application, actor, fields: list[str]) -> None:
    app.version += 1
    app._history_user = actor
    app.save(update_fields=[*fields, "version", "updated_at"])


# -- the quality department's verdict on photos (WAR-6) ---------------------------------------


def awaits_quality_verdict(app: Application) -> bool:
    """The engine held a remedy back until the quality department judges the photos."""
    return any(r.get("basis") == B_WAR6 for r in app.answer.get("refused", []))


def needs_quality_verdict(app: Application) -> bool:
    return app.status == S.APPLIED and (awaits_quality_verdict(app) or bool(app.quality_verdict))


@transaction.atomic
def application_quality_verdict(
    *,
    actor,
    application: Application,
    verdict: str,
    note: str = "",
    expected_version: int | None = None,
) -> Application:
    """Record the verdict and ask the engine again with it: a serious defect opens S8's
    return, exchange or repair within 15 days of delivery; otherwise the law's answer stands."""
    if not can_judge_photos(actor):
        raise PermissionDenied(_("The quality department judges the photos."))
    app = _locked(application, expected_version)
    if app.status != S.APPLIED:
        raise Conflict(
            _("The application is already decided; the verdict can no longer change it."),
            code="illegal_transition",
        )
    if verdict not in Verdict.values:
        raise InvalidInput(fields={"verdict": [_("Choose serious defect or not serious.")]})
    if not any(e.is_image for e in app.evidence.all()):
        raise Conflict(
            _("There are no photos on the application to judge: ask the customer for them."),
            code="no_photos",
        )
    facts = {**app.facts, "quality_verdict": verdict}
    engine_facts = {**facts, "price": str(app.price)} if app.price else facts
    app.answer = evaluate_facts(engine_facts, app.policy_key)
    app.facts = facts
    app.evaluated_at = timezone.now()
    app.quality_verdict = verdict
    app.quality_verdict_note = (note or "").strip()[:300]
    app.quality_verdict_by = actor
    app.quality_verdict_at = app.evaluated_at
    _save(
        app,
        actor,
        [
            "facts",
            "answer",
            "evaluated_at",
            "quality_verdict",
            "quality_verdict_note",
            "quality_verdict_by",
            "quality_verdict_at",
        ],
    )
    _event(app, actor, "quality_verdict", f"{Verdict(verdict).label} {app.quality_verdict_note}")
    notify(
        recipients=role_users(Role.SERVICE),
        title=_("The quality department judged the photos of %(number)s: %(verdict)s")
        % {"number": app.number, "verdict": Verdict(verdict).label},
        body=app.quality_verdict_note,
        link=app.get_absolute_url(),
    )
    return app


def ask_for_quality_verdict(app: Application) -> None:
    """Tell the quality department a furniture application waits for its verdict."""
    if not awaits_quality_verdict(app):
        return
    notify(
        recipients=role_users(Role.QUALITY),
        title=_("Judge the photos of %(number)s (serious defect?)") % {"number": app.number},
        body=_("%(customer)s · %(product)s") % {"customer": app.customer, "product": app.product},
        link=app.get_absolute_url(),
    )


# -- the replacement: the same model, or a higher specification (WAR-7, S11) ------------------


def upgrade_choices(app: Application) -> list:
    """Products an exchange may go to instead of the same one: a higher specification of the
    same family, where the policy promises one (services.applications rules it)."""
    from aftersales.catalog.models import Product

    from .applications import higher_specification_allowed

    candidates = (
        Product.objects.filter(
            active=True,
            category_id=app.product.category_id,
            list_price__gte=app.product.list_price,
        )
        .exclude(pk=app.product_id)
        .order_by("list_price", "sku")
    )
    return [p for p in candidates if higher_specification_allowed(app, p)]


def difference_payer(app: Application) -> str:
    """Who pays a higher specification's price difference under the application's policy."""
    from aftersales.core.errors import ApplicationError

    from .policies import policy_for

    try:
        policy = policy_for(app.policy_key or None)
    except ApplicationError:
        return Application.ShippingPayer.CONSUMER
    payer = policy.upgrade_difference
    return (
        Application.ShippingPayer.BUSINESS
        if payer == "business"
        else Application.ShippingPayer.CONSUMER
    )


def price_difference(app: Application, product) -> Decimal:
    """The catalogue price of the unit given less that of the unit returned (never below 0)."""
    return max(product.list_price - app.product.list_price, Decimal("0")).quantize(Decimal("0.01"))


# -- the handling plan (S2) ------------------------------------------------------------------


def default_timetable(app: Application) -> str:
    remedy = app.remedy
    if remedy == Remedy.RETURN:
        return _(
            "Send the goods back within 7 days; we refund the same way you paid once they "
            "arrive and are checked."
        )
    if remedy == Remedy.EXCHANGE:
        return _(
            "Send the goods back within 7 days; we ship the replacement within 3 working days "
            "of receiving them."
        )
    return _("We repair the goods within 15 days of receiving them and send them back.")


def _fee(value, errors: dict) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        fee = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors["extra_fee"] = [_("Enter an amount in yuan, e.g. 120.00.")]
        return Decimal("0")
    if fee < 0 or fee > Decimal("9999999"):
        errors["extra_fee"] = [_("Enter an amount from 0 to 9,999,999.")]
    return fee


def plan_fill(
    app: Application, *, timetable: str = "", replacement_product=None, extra_fee=None
) -> None:
    """Write the plan on ``app`` (not saved); raises InvalidInput naming the field."""
    errors: dict[str, list[str]] = {}
    timetable = (timetable or "").strip() or default_timetable(app)
    if len(timetable) > TIMETABLE_MAX:
        errors["timetable"] = [
            _("Keep the timetable under %(n)s characters.") % {"n": TIMETABLE_MAX}
        ]
    fee = _fee(extra_fee, errors)
    upgrade = None
    if replacement_product is not None and replacement_product.pk != app.product_id:
        if app.remedy != Remedy.EXCHANGE:
            errors["replacement_product"] = [_("Only an exchange gives another product.")]
        elif replacement_product not in upgrade_choices(app):
            errors["replacement_product"] = [
                _(
                    "%(product)s is not a higher specification of %(original)s that the "
                    "policy allows."
                )
                % {"product": replacement_product, "original": app.product}
            ]
        else:
            upgrade = replacement_product
    if errors:
        raise InvalidInput(fields=errors)
    app.replacement_product = upgrade
    if upgrade is not None:
        app.price_difference = price_difference(app, upgrade)
        app.difference_paid_by = difference_payer(app)
    else:
        app.price_difference = None
        app.difference_paid_by = ""
    customer_share = (
        app.price_difference
        if upgrade is not None and app.difference_paid_by == Application.ShippingPayer.CONSUMER
        else Decimal("0")
    )
    app.plan_timetable = timetable
    app.plan_customer_pays = customer_share + fee
    app.plan_sent_at = timezone.now()
    app.plan_answer = ""
    app.plan_answer_via = ""
    app.plan_answered_at = None
    app.plan_answer_note = ""


PLAN_FIELDS = [
    "replacement_product",
    "price_difference",
    "difference_paid_by",
    "plan_timetable",
    "plan_customer_pays",
    "plan_sent_at",
    "plan_answer",
    "plan_answer_via",
    "plan_answered_at",
    "plan_answer_note",
]


def plan_summary(app: Application) -> str:
    """The plan in one line, for the message and the event."""
    parts = [str(Remedy(app.remedy).label)]
    if app.replacement_product_id:
        parts.append(_("replacement: %(product)s") % {"product": app.replacement_product.name})
        if app.price_difference:
            parts.append(
                _("price difference ¥%(amount)s paid by %(payer)s")
                % {
                    "amount": app.price_difference,
                    "payer": Application.ShippingPayer(app.difference_paid_by).label,
                }
            )
    parts.append(app.plan_timetable.rstrip("。."))
    parts.append(_("you pay ¥%(amount)s") % {"amount": app.plan_customer_pays})
    return "；".join(str(p) for p in parts)


def send_plan_to_customer(app: Application) -> None:
    """By SMS and e-mail, with the link to their case page where they agree or refuse."""
    from aftersales.core.messaging import message_customer

    link = ""
    if app.case_id:
        from aftersales.service.services.tracking import tracking_url

        link = tracking_url(app.case)
    customer = app.customer
    message_customer(
        phone=customer.mobile or "",
        email=customer.email,
        template="warranty_plan",
        context={
            "name": customer.name,
            "number": app.number,
            "plan": plan_summary(app),
            "link": link or _("call us"),
        },
        related=app.number,
    )


@transaction.atomic
def application_plan_send(
    *,
    actor,
    application: Application,
    timetable: str = "",
    replacement_product=None,
    extra_fee=None,
    expected_version: int | None = None,
) -> Application:
    """Send (or revise after a refusal) the plan of an approved application."""
    if not can_review(actor):
        raise PermissionDenied(_("The after-sales department sends the handling plan."))
    app = _locked(application, expected_version)
    if app.status != S.APPROVED:
        raise Conflict(
            _("A handling plan is sent once the application is approved, before work starts."),
            code="illegal_transition",
        )
    plan_fill(
        app,
        timetable=timetable,
        replacement_product=replacement_product,
        extra_fee=extra_fee,
    )
    _save(app, actor, PLAN_FIELDS)
    _event(app, actor, "plan_send", plan_summary(app))
    send_plan_to_customer(app)
    return app


@transaction.atomic
def application_plan_answer(
    *,
    actor,
    application: Application,
    agree: bool,
    via: str,
    note: str = "",
    expected_version: int | None = None,
) -> Application:
    """The customer's answer: through the signed link of their case (``via="link"``; ``actor``
    is None and the caller checked the link), or by phone or in writing, recorded by staff."""
    via_link = via == Application.PlanVia.LINK
    if via not in Application.PlanVia.values:
        raise InvalidInput(fields={"via": [_("Say how the customer answered.")]})
    if not via_link and not can_record_plan_answer(actor):
        raise PermissionDenied(_("Customer service or the after-sales department records this."))
    app = _locked(application, expected_version)
    if app.status != S.APPROVED or app.plan_sent_at is None:
        raise Conflict(_("There is no handling plan waiting for an answer."), code="no_plan")
    if app.plan_answer:
        raise Conflict(
            _("The customer already answered: %(answer)s.")
            % {"answer": Application.PlanAnswer(app.plan_answer).label},
            code="plan_answered",
        )
    note = (note or "").strip()
    if not via_link and not note:
        raise InvalidInput(
            fields={"note": [_("Write down what the customer said, and when they said it.")]}
        )
    app.plan_answer = Application.PlanAnswer.AGREED if agree else Application.PlanAnswer.REFUSED
    app.plan_answer_via = via
    app.plan_answered_at = timezone.now()
    app.plan_answer_note = note[:300]
    _save(app, actor, ["plan_answer", "plan_answer_via", "plan_answered_at", "plan_answer_note"])
    _event(
        app,
        actor,
        "plan_agree" if agree else "plan_refuse",
        f"{Application.PlanVia(via).label} {note}".strip(),
    )
    if not agree:
        recipients = [app.reviewed_by] if app.reviewed_by_id else role_users(Role.SERVICE)
        notify(
            recipients=recipients,
            title=_("The customer refused the handling plan of %(number)s")
            % {"number": app.number},
            body=note,
            link=app.get_absolute_url(),
            level="warning",
        )
    return app


def plan_agreed(app: Application) -> bool:
    return app.plan_answer == Application.PlanAnswer.AGREED
