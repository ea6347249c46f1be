"""Who gets what: the declared answer of every page and every API ``GET`` operation, for
each reader of ``test_access_matrix``.

The role sets are written out here from the permission predicates (each app's
``permissions.py``, the ``NavItem`` roles, the DRF permission classes), not imported from them:
a change to who may see something must change this table too, on purpose.

Adding a route
--------------
* A page: add ``"<namespace>:<name>": page(ok=...)`` to ``PAGES``.
* An API ``GET`` operation: add ``"GET /api/v1/<path as in the schema>": api(ok=...)`` to
  ``API``.
* A route that cannot be walked with a plain ``GET`` (POST only, a stored file, a public link
  with a signed token): add it to ``NOT_WALKED`` with a one-line reason.
* A new URL argument: teach ``access_world.sample_kwargs`` its sample value.

Readers
-------
``anonymous``; one user per role holding that role only (the ``dealer`` user is a person of
dealer A, whose records the URLs name); ``superuser`` (holds the administrator's role and no
other); ``other_dealer`` (a person of dealer B).

Answers
-------
* A page: 200 for the roles in ``ok``; ``denied`` (404 is the house style, 403 where a view
  says so) for the other signed-in readers; 302 to the log-in page for ``anonymous``.
* An API operation: 200 for ``ok``; ``denied`` for the others (403 by the documented contract;
  404 where an app answers so on purpose, said beside it); 401 (or 403) for ``anonymous``.
* ``scoped``: the URL names a record of dealer A, so ``other_dealer`` gets this (404) even
  when the dealer role may use the route.
* ``known``: where the code answers otherwise than the predicates say, today. Each is a
  disagreement to fix in the view (then remove it here: the test says so) or in the
  predicate; ``why`` says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.accounts.roles import Role

# -- role sets, as the predicates state them ---------------------------------------------------

S, VP, QI, Q = Role.SALES, Role.SALES_VP, Role.QUALITY_INSPECTION, Role.QUALITY
L, SV, CS, D, A = Role.LOGISTICS, Role.SERVICE, Role.CUSTOMER_SERVICE, Role.DEALER, Role.ADMIN
H = Role.HR


def roles(*members) -> frozenset[str]:
    return frozenset(str(m) for m in members)


ALL = roles(*Role)  # any role (``user_roles(user)`` not empty)
NOBODY = roles()
ADMIN = roles(A)  # accounts.can_manage_users, workdays.can_manage_calendar
STAFF = ALL - roles(D)  # quality.is_staff_member, sla.api.INTERNAL_ROLES
# catalog
CATALOG_EDIT = roles(A, S, QI, Q, L)  # catalog.can_edit_catalog
# customers
CUSTOMER_EDIT = roles(A, CS, S, D)  # customers.can_edit_customers
CUSTOMER_EXPORT = roles(A, CS, S, D)  # customers.can_export_customers
# sales (sales.services)
SELLERS = roles(S, A, D)  # SELLER_ROLES
WAREHOUSE = roles(L, A)  # WAREHOUSE_ROLES
ACCEPT = roles(L, S, D, A)  # ACCEPT_ROLES
PROMISES = roles(S, VP, A, D)  # sales.permissions.PROMISE_ROLES (written promises, SAL-11)
# quality
INSPECTORS = roles(QI, Q, A)  # quality.can_inspect
QUALITY_MANAGERS = roles(Q, A)  # quality.can_manage_quality
RECALL_WORKERS = roles(Q, CS, VP, A)  # quality.can_work_recall
# warranty
WARRANTY_VIEW = ALL - roles(QI)  # warranty.can_view_warranty
APPLY = roles(CS, SV, D, S, A)  # warranty.can_apply
CARD_ISSUE = roles(S, L, SV, CS, D, A)  # warranty.can_issue_card
CLAIM_SUBMIT = roles(D, SV, A)  # warranty.can_submit_claim
CLAIM_VIEW = roles(D, SV, A, Q, VP)  # warranty.can_view_claims (submit, decide or settle)
COMPLIANCE = roles(Q, SV, VP, A)  # warranty.can_view_compliance
EXTENDED = roles(S, SV, VP, A, D)  # warranty.can_view_extended (dealers: their customers')
EXTENDED_SELL = roles(S, CS, SV, D, VP, A)  # warranty.can_sell_extended
EXTENDED_PLANS = roles(VP, A)  # warranty.can_edit_extended_plans
# feedback
FOLLOW_UP_QUEUE = roles(CS, A, S, D)  # feedback.can_view_follow_ups (sales, dealers: their own)
FOLLOW_UP_WORK = roles(CS, A)  # feedback.can_work_queue (the sample is a case's follow-up)
SURVEYS = roles(CS, SV, Q, VP, A)  # feedback.can_view_surveys
ANALYSIS = roles(CS, Q, VP, A)  # feedback.can_analyse_complaints
SELF_INSPECTION_VIEW = roles(CS, Q, VP, A)  # feedback.can_view_self_inspections
SELF_INSPECTION_RUN = roles(CS, Q, A)  # feedback.can_run_self_inspections
# feedback.can_work_self_inspection: the sample is the demo's open inspection, whose inspector
# is the head of customer service (not the matrix's customer-service reader)
SELF_INSPECTION_WORK = roles(Q, A)
MEETINGS = roles(CS, SV, Q, VP, A)  # feedback.can_manage_meetings (no field technicians)
# staff (the readers head no department: a head sees their department's people too)
EVERYONE_S_RECORDS = roles(H, VP)  # staff.sees_everyone (the sample is another person's)
TRAINING = roles(H)  # staff.can_run_training, can_compute_scorecards
# management cockpit (no reader heads a department: heads open it too)
COCKPIT = roles(VP, A, Q)  # management.can_open_cockpit
# knowledge (no reader heads a department: heads see drafts and review too)
KB_WRITERS = roles(CS, SV, Q, A)  # knowledge.can_write (company staff), can_see_drafts
KB_ANALYSTS = KB_WRITERS | roles(VP)  # knowledge.can_analyse
# repairs
WORK_ORDER_VIEW = roles(CS, SV, L, D, A)  # repairs.can_view_work_orders
WORK_ORDER_CREATE = roles(CS, SV, D, A)  # repairs.can_create_work_order
DISPATCH = roles(SV, A)  # repairs.can_dispatch (a service person who is no field technician)
STOCK = roles(L, SV, A)  # repairs.can_manage_stock
PARTS_VIEW = roles(L, SV, CS, A)  # repairs.services.parts.can_view_parts
PARTS_SELL = STOCK | roles(CS)  # repairs.services.parts.can_sell_parts
LOANER_VIEW = WORK_ORDER_VIEW - roles(D)  # repairs.services.loaners.can_view_loaners
LOANER_MANAGE = DISPATCH | STOCK  # repairs.services.loaners.can_manage_loaners
# sla
OVERDUE_CLOCKS = roles(A, CS, SV)  # sla.api.OverdueClockListApi

SCOPED = 404  # another dealer's record looks missing (SEC-1)


@dataclass(frozen=True)
class Access:
    kind: str  # "page" or "api"
    ok: frozenset[str]
    denied: int
    scoped: int | None = None
    query: str = ""  # sample query string; ``{name}`` takes a world sample
    redirect: frozenset[str] = frozenset()  # roles answered with a 302 (not the log-in one)
    lands_on: str = ""  # the page those 302s lead to
    anonymous: int | None = None  # None: the default for the kind
    known: dict[str, int] = field(default_factory=dict)  # reader → what the code answers now
    why: str = ""


def page(ok, *, denied=404, **kw) -> Access:
    return Access("page", frozenset(ok), denied, **kw)


def api(ok, *, denied=403, **kw) -> Access:
    return Access("api", frozenset(ok), denied, **kw)


# -- pages, by route name ------------------------------------------------------------------------

PAGES: dict[str, Access] = {
    # core
    "core:home": page(ALL),
    "core:notifications": page(ALL),
    "core:search": page(ALL, query="q=客户"),  # each group scoped like its list
    "core:import": page(CUSTOMER_EDIT),  # /import/customers/: customers.can_edit_customers
    "core:import-template": page(CUSTOMER_EDIT),
    "core:company-profile": page(ADMIN),  # core.can_manage_company
    "javascript-catalog": page(ALL, anonymous=200),  # the translations for app.js, public
    # accounts
    "accounts:login": page(NOBODY, redirect=ALL, lands_on="core:home", anonymous=200),
    "accounts:profile": page(ALL),
    "accounts:user-list": page(ADMIN),
    "accounts:user-create": page(ADMIN),
    "accounts:user-detail": page(ADMIN),
    "accounts:user-edit": page(ADMIN),
    # workdays and SLA: administrators; others see "not found" (workdays.views._admin_only)
    "workdays:year-current": page(NOBODY, redirect=ALL, lands_on="workdays:year"),
    "workdays:year": page(ADMIN),
    "workdays:notice": page(ADMIN),
    "sla:policy-list": page(ADMIN),
    "sla:policy-create": page(ADMIN),
    "sla:policy-edit": page(ADMIN),
    # customers: every role reads, a dealer its own customers only
    "customers:customer-list": page(ALL),
    "customers:customer-create": page(CUSTOMER_EDIT),
    "customers:customer-export": page(CUSTOMER_EXPORT),
    "customers:customer-detail": page(ALL, scoped=SCOPED),
    # the order form's customer picker: the reader's own customers (customer_list_for_user)
    "customers:picker": page(ALL),
    "customers:customer-edit": page(CUSTOMER_EDIT, scoped=SCOPED),
    # catalogue: every role reads (catalog.can_view_catalog), the company edits
    "catalog:product-list": page(ALL),
    "catalog:product-create": page(CATALOG_EDIT),
    "catalog:product-export": page(ALL),
    "catalog:product-detail": page(ALL),
    "catalog:product-edit": page(CATALOG_EDIT),
    "catalog:batch-list": page(ALL),
    "catalog:batch-export": page(ALL),
    "catalog:serial-list": page(ALL),
    "catalog:serial-export": page(ALL),
    "catalog:category-list": page(ALL),
    # sales: every role reads orders (a dealer its own), sellers write
    "sales:order-list": page(ALL),
    "sales:order-create": page(SELLERS),
    # /orders/queue/approval/: the vice-president alone, not an administrator or a superuser
    # (SAL-2); /orders/queue/shipping/ is WAREHOUSE's.
    "sales:queue": page(roles(VP)),
    "sales:register-orders": page(ALL),
    "sales:register-ledger": page(ALL),
    "sales:register-delivery": page(ALL),
    "sales:order-detail": page(ALL, scoped=SCOPED),
    "sales:order-edit": page(SELLERS, scoped=SCOPED),  # a draft
    "sales:shipment-accept": page(ACCEPT, scoped=SCOPED),
    "sales:delivery-note": page(ALL, scoped=SCOPED),
    "sales:order-print": page(ALL, scoped=SCOPED),  # whoever opens the order prints it
    # written promises: the company's sales staff and dealers (their own); the sample is dealer
    # A's promise waiting for review, which only dealer A's people may change
    "sales:promise-list": page(PROMISES),
    "sales:promise-create": page(PROMISES),
    "sales:promise-detail": page(PROMISES, scoped=SCOPED),
    "sales:promise-edit": page(roles(D), scoped=SCOPED),  # sales.can_edit_promise
    # quality: company staff (quality.can_view_quality); a dealer gets "not found"
    "quality:home": page(STAFF),
    "quality:inspection-list": page(STAFF),
    "quality:inspection-create": page(INSPECTORS),
    "quality:inspection-detail": page(STAFF),
    "quality:inspection-report": page(STAFF),
    "quality:certificate-pdf": page(STAFF),
    "quality:plan-list": page(STAFF),
    "quality:plan-create": page(QUALITY_MANAGERS),
    "quality:plan-detail": page(STAFF),
    "quality:release-list": page(STAFF),
    "quality:nc-list": page(STAFF),
    "quality:nc-create": page(STAFF),
    "quality:nc-detail": page(STAFF),
    "quality:trace": page(STAFF),
    "quality:trace-batch": page(STAFF),
    "quality:trace-serial": page(STAFF),
    "quality:judgement": page(STAFF),
    "quality:recall-preview": page(RECALL_WORKERS),
    "quality:recall-export": page(RECALL_WORKERS, query="batches={batch}"),
    "quality:recall-list": page(RECALL_WORKERS),
    "quality:recall-detail": page(RECALL_WORKERS),
    "quality:recall-detail-export": page(RECALL_WORKERS),
    "quality:liaison-list": page(STAFF),
    "quality:liaison-create": page(STAFF),
    "quality:liaison-detail": page(STAFF),
    # service: every role reads cases (a dealer its own) and takes them in
    "service:case-list": page(ALL),
    "service:overview": page(ALL),
    "service:case-create": page(ALL),  # service.intake.can_take_cases
    "service:register-service": page(ALL),
    "service:register-complaints": page(ALL),
    "service:case-detail": page(ALL, scoped=SCOPED),
    "service:case-request-form": page(ALL, scoped=SCOPED),  # whoever opens the case
    "service:case-service-sheet": page(ALL, scoped=SCOPED),
    # warranty
    "warranty:policy-list": page(WARRANTY_VIEW),
    "warranty:policy-detail": page(WARRANTY_VIEW),
    "warranty:card-list": page(WARRANTY_VIEW),
    "warranty:card-new": page(CARD_ISSUE),
    "warranty:card-detail": page(WARRANTY_VIEW, scoped=SCOPED),
    "warranty:card-pdf": page(WARRANTY_VIEW, scoped=SCOPED),
    "warranty:promises": page(ALL, anonymous=200),  # public: what the company promises
    "warranty:claim-list": page(CLAIM_VIEW),
    "warranty:claim-new": page(CLAIM_SUBMIT),
    "warranty:claim-statement": page(CLAIM_VIEW, query="dealer={dealer_code}"),
    "warranty:claim-detail": page(CLAIM_VIEW, scoped=SCOPED),
    "warranty:compliance": page(COMPLIANCE),
    # extended warranties (S14 五、2): the sample contract is on dealer A's certificate
    "warranty:extended-register": page(EXTENDED),
    "feedback:follow-ups": page(FOLLOW_UP_QUEUE),
    "feedback:follow-up": page(FOLLOW_UP_WORK),
    "feedback:stats": page(SURVEYS),
    "feedback:register": page(SURVEYS),
    "feedback:survey": page(SURVEYS),
    "feedback:analysis": page(ANALYSIS),
    "feedback:proposal-new": page(ANALYSIS),
    "feedback:proposal": page(ANALYSIS),
    "feedback:reports": page(ANALYSIS),
    # self-inspection and service meetings (FB-5): a role outside them is refused (403)
    "feedback:self-inspections": page(SELF_INSPECTION_VIEW, denied=403),
    "feedback:self-inspection-new": page(SELF_INSPECTION_RUN, denied=403),
    "feedback:self-inspection": page(SELF_INSPECTION_VIEW, denied=403),
    "feedback:self-inspection-finish": page(SELF_INSPECTION_WORK, denied=403),
    "feedback:meetings": page(MEETINGS, denied=403),
    "feedback:meeting-new": page(MEETINGS, denied=403),
    "feedback:meeting-edit": page(MEETINGS, denied=403),
    # one's own action items, for everyone of the company
    "feedback:meeting-actions": page(STAFF, denied=403),
    # a meeting the reader neither runs, attends nor owns an item of is not there for them
    "feedback:meeting": page(MEETINGS),
    # staff
    "staff:home": page(STAFF),  # one's own record
    "staff:people": page(EVERYONE_S_RECORDS),
    "staff:person": page(EVERYONE_S_RECORDS),
    "staff:certificate": page(EVERYONE_S_RECORDS),  # staff.can_view_person: the holder's readers
    "staff:courses": page(STAFF),
    "staff:course": page(STAFF),
    "staff:course-new": page(TRAINING),
    "staff:course-edit": page(TRAINING),
    "staff:sessions": page(TRAINING),
    "staff:session-new": page(TRAINING),
    "staff:session": page(TRAINING),  # and its trainer
    "staff:plans": page(TRAINING | EVERYONE_S_RECORDS),
    "staff:indicators": page(TRAINING),
    "staff:scorecards": page(EVERYONE_S_RECORDS),
    "staff:scorecard": page(EVERYONE_S_RECORDS),
    "staff:scorecard-line": page(EVERYONE_S_RECORDS),
    # management cockpit: 403 for the others (management.views._guard)
    "management:home": page(COCKPIT, denied=403),
    "management:dashboard": page(COCKPIT, denied=403),
    "management:records": page(
        COCKPIT, denied=403, query="measure=case.intake&from=2026-11-01&to=2026-11-30"
    ),
    "management:reports": page(COCKPIT, denied=403),
    # knowledge: every signed-in reader reads (a dealer: dealer and public articles; the
    # sample is public); writing, reviewing and the analysis are 403 for the others
    "knowledge:list": page(ALL),
    "knowledge:review": page(KB_WRITERS, denied=403),
    "knowledge:article-new": page(KB_WRITERS, denied=403),
    "knowledge:common-problems": page(KB_ANALYSTS, denied=403),
    "knowledge:manual": page(ALL),
    "knowledge:suggest": page(ALL, query="description=电视屏幕有横线&product_sku={sku}"),
    "knowledge:article": page(ALL),
    "knowledge:article-edit": page(KB_WRITERS, denied=403),
    # the public help centre
    "help:index": page(ALL, anonymous=200),
    "help:article": page(ALL, anonymous=200),
    "help:request": page(ALL, anonymous=200),
    "warranty:extended-detail": page(EXTENDED, scoped=SCOPED),
    "warranty:extended-plan-new": page(EXTENDED_PLANS),
    "warranty:extended-plan-edit": page(EXTENDED_PLANS),
    "warranty:application-list": page(WARRANTY_VIEW),
    "warranty:application-new": page(APPLY, query="case={case}", scoped=302),
    "warranty:application-detail": page(WARRANTY_VIEW, scoped=SCOPED),
    # repairs
    "repairs:board": page(DISPATCH, redirect=ALL - DISPATCH, lands_on="repairs:work-order-list"),
    "repairs:work-order-list": page(WORK_ORDER_VIEW),
    "repairs:work-order-new": page(WORK_ORDER_CREATE, query="case={case}", scoped=302),
    "repairs:work-order-detail": page(WORK_ORDER_VIEW, scoped=SCOPED),
    "repairs:my-day": page(ALL),  # the reader's own visits (none for most)
    "repairs:my-visit": page(DISPATCH),  # repairs.can_work_on: its technician, dispatchers
    "repairs:parts-list": page(PARTS_VIEW),
    "repairs:part-new": page(STOCK),
    "repairs:parts-alerts": page(PARTS_VIEW),
    "repairs:counter-sale-new": page(PARTS_SELL),
    "repairs:counter-sale-detail": page(PARTS_SELL),
    "repairs:part-detail": page(PARTS_VIEW),
    "repairs:part-edit": page(STOCK),
    "repairs:loaner-list": page(LOANER_VIEW),
    "repairs:loaner-new": page(LOANER_MANAGE),
    "repairs:loaner-issue": page(LOANER_MANAGE),
    "repairs:loaner-return": page(LOANER_MANAGE),
    "repairs:maintenance-list": page(WORK_ORDER_VIEW),
    "repairs:maintenance-new": page(WORK_ORDER_CREATE),  # maintenance.can_manage_plans
    "repairs:charges-pdf": page(WORK_ORDER_VIEW, scoped=SCOPED),
    # partners: API keys, webhooks and deliveries, administrators (partners.can_manage_partners)
    "partners:home": page(ADMIN),
}

# -- API GET operations, by the schema's path ---------------------------------------------------

API: dict[str, Access] = {
    "GET /api/v1/me/": api(ALL),
    "GET /api/v1/search/": api(ALL, query="q=客户"),  # core.search: scoped like the lists
    "GET /api/v1/users/": api(ADMIN),
    "GET /api/v1/users/{user_id}/": api(ADMIN),
    # workdays: anyone signed in
    "GET /api/v1/workdays/add-working-days/": api(ALL, query="start=2026-09-30&n=3"),
    "GET /api/v1/workdays/period-end/": api(ALL, query="start=2026-09-30&days=7"),
    "GET /api/v1/workdays/working-days-between/": api(ALL, query="a=2026-09-30&b=2026-10-12"),
    "GET /api/v1/workdays/calendar/{year}/": api(ALL),
    "GET /api/v1/workdays/overrides/": api(ALL),
    # sla
    "GET /api/v1/sla/policies/": api(STAFF),
    "GET /api/v1/sla/clocks/overdue/": api(OVERDUE_CLOCKS),
    # customers and catalogue
    "GET /api/v1/customers/": api(ALL),
    "GET /api/v1/customers/{customer_id}/": api(ALL, scoped=SCOPED),
    "GET /api/v1/dealers/": api(ALL),
    "GET /api/v1/categories/": api(ALL),
    "GET /api/v1/products/": api(ALL),
    "GET /api/v1/products/{product_id}/": api(ALL),
    "GET /api/v1/batches/": api(ALL),
    "GET /api/v1/serials/": api(ALL),
    # sales
    "GET /api/v1/orders/": api(ALL),
    "GET /api/v1/orders/{order_id}/": api(ALL, scoped=SCOPED),
    "GET /api/v1/written-promises/": api(PROMISES),
    "GET /api/v1/written-promises/{promise_id}/": api(PROMISES, scoped=SCOPED),
    # quality: company staff; a dealer gets 403 (docs/api.md "Quality")
    "GET /api/v1/quality/plans/": api(STAFF),
    "GET /api/v1/quality/plans/{plan_id}/": api(STAFF),
    "GET /api/v1/quality/inspections/": api(STAFF),
    "GET /api/v1/quality/inspections/{inspection_id}/": api(STAFF),
    "GET /api/v1/quality/emergency-releases/": api(STAFF),
    "GET /api/v1/quality/nonconformances/": api(STAFF),
    "GET /api/v1/quality/nonconformances/{nc_id}/": api(STAFF),
    "GET /api/v1/quality/judgements/": api(
        STAFF, query="subject_type=sales.shipment&subject_id={shipment}"
    ),
    "GET /api/v1/quality/liaison-forms/": api(STAFF),
    "GET /api/v1/quality/liaison-forms/{form_id}/": api(STAFF),
    "GET /api/v1/quality/trace/": api(STAFF, query="q=TV"),
    "GET /api/v1/quality/batches/{batch_id}/trace/": api(STAFF),
    "GET /api/v1/quality/serials/{serial_id}/trace/": api(STAFF),
    "GET /api/v1/quality/recalls/": api(RECALL_WORKERS),
    # service
    "GET /api/v1/tickets/": api(ALL),
    "GET /api/v1/tickets/overview/": api(ALL),
    "GET /api/v1/tickets/{number}/": api(ALL, scoped=SCOPED),
    "GET /api/v1/tickets/{number}/attachments/": api(ALL, scoped=SCOPED),
    "GET /api/v1/tickets/{number}/compensation/": api(ALL, scoped=SCOPED),
    # internal notes and the call log: whoever may see the case reads them (issue 17)
    "GET /api/v1/tickets/{number}/notes/": api(ALL, scoped=SCOPED),
    "GET /api/v1/tickets/{number}/calls/": api(ALL, scoped=SCOPED),
    # warranty
    "GET /api/v1/warranty/applications/": api(WARRANTY_VIEW),
    "GET /api/v1/warranty/applications/{number}/": api(WARRANTY_VIEW, scoped=SCOPED),
    "GET /api/v1/warranty/cards/": api(WARRANTY_VIEW),
    "GET /api/v1/warranty/cards/{number}/": api(WARRANTY_VIEW, scoped=SCOPED),
    "GET /api/v1/warranty/cards/{number}/pdf/": api(WARRANTY_VIEW, scoped=SCOPED),
    # A role outside an API gets 403 (docs/api.md); a record outside the reader's scope, 404.
    "GET /api/v1/warranty/claims/": api(CLAIM_VIEW),
    "GET /api/v1/warranty/claims/statement/": api(CLAIM_VIEW, query="dealer={dealer_code}"),
    "GET /api/v1/warranty/claims/{number}/": api(CLAIM_VIEW, scoped=SCOPED),
    "GET /api/v1/warranty/compliance/": api(COMPLIANCE),
    "GET /api/v1/warranty/extended/": api(EXTENDED),
    "GET /api/v1/surveys/summary/": api(SURVEYS),
    "GET /api/v1/followups/": api(FOLLOW_UP_QUEUE),
    "GET /api/v1/feedback/self-inspections/": api(SELF_INSPECTION_VIEW),
    "GET /api/v1/feedback/self-inspections/{number}/": api(SELF_INSPECTION_VIEW),
    "GET /api/v1/feedback/meetings/": api(MEETINGS),
    # out of the reader's sight (not a manager, attendee or owner) is a 404
    "GET /api/v1/feedback/meetings/{number}/": api(MEETINGS, denied=404),
    "GET /api/v1/staff/scorecards/": api(STAFF, query="period=2026-11"),  # one's own at least
    # someone else's record: out of the reader's sight is a 404 (as for a dealer's records)
    "GET /api/v1/staff/people/{username}/training/": api(EVERYONE_S_RECORDS, denied=404),
    "GET /api/v1/management/dashboards/{area}/": api(COCKPIT),
    "GET /api/v1/knowledge/suggestions/": api(ALL, query="text=电视屏幕有横线"),
    "GET /api/v1/knowledge/articles/": api(ALL),
    "GET /api/v1/knowledge/articles/{number}/": api(ALL),
    "GET /api/v1/warranty/extended/{number}/": api(EXTENDED, scoped=SCOPED),
    "GET /api/v1/warranty/extended/plans/": api(EXTENDED | EXTENDED_SELL),
    "GET /api/v1/warranty/extended/revenue/": api(EXTENDED),
    "GET /api/v1/warranty/compliance/summary/": api(COMPLIANCE),
    # repairs
    "GET /api/v1/loaners/": api(LOANER_VIEW),
    "GET /api/v1/maintenance-plans/": api(WORK_ORDER_VIEW),
    "GET /api/v1/work-orders/": api(WORK_ORDER_VIEW),
    "GET /api/v1/work-orders/{number}/": api(WORK_ORDER_VIEW, scoped=SCOPED),
    "GET /api/v1/work-orders/{number}/suggestions/": api(DISPATCH, scoped=SCOPED),
    "GET /api/v1/parts/": api(PARTS_VIEW),
    "GET /api/v1/parts/alerts/": api(PARTS_VIEW),
    "GET /api/v1/parts/{part_no}/": api(PARTS_VIEW),
    # partners: administrators (an API key with webhooks:manage reads its own webhooks; the
    # matrix's readers are people)
    "GET /api/v1/partner-keys/": api(ADMIN),
    "GET /api/v1/webhooks/": api(ADMIN),
    "GET /api/v1/webhooks/deliveries/": api(ADMIN),
}

# -- the navigation ------------------------------------------------------------------------------
#
# A menu entry (``NavItem``) shown to a role must lead it to a page it may open. Entries shown to
# fewer roles than may open their page are listed here: nav key → the roles left out.

NAV_NARROWER: dict[str, frozenset[str]] = {
    # sales.apps hides "Orders" from quality inspection, whose order list (and every order
    # detail, sales.selectors.order_list_for_user: any role) still opens.
    "orders": roles(QI),
    # service.apps hides "After-sales" from quality inspection, whose case list still opens
    # (service.selectors.case_list_for_user: any role).
    "service": roles(QI),
}

# -- routes the walk does not GET, each with its reason ------------------------------------------
#
# Keys are route names, URL prefixes ending in "*", or API paths as in the schema (an API path
# here is one without a GET operation). ``POST`` marks routes that answer a plain GET with 405:
# the test checks that they do.

POST = "POST only"
FILE = "a stored upload, served by its own view; needs a file in storage"

NOT_WALKED: dict[str, str] = {
    # not ours, or not an application page
    "admin:*": "Django's admin site: superusers only, Django's own permission checks",
    "admin/*": "the admin site's unnamed routes (its catch-all, object redirects)",
    "api-schema": "the OpenAPI document itself (walked here through SchemaGenerator)",
    "api-docs": "Swagger UI over the schema, static assets only",
    "healthz": "load-balancer health check, public by design (core.tests.test_healthz)",
    "static/*": "static files (WhiteNoise), public",
    "media/*": "never served from MEDIA_URL (config/urls.py)",
    "set_language": "Django's language switch, a POST from the layout's form",
    "accounts:logout": POST + ": Django's LogoutView",
    # public customer pages: a signed link, or the number and the last four phone digits
    "sales:track": "public order tracking by number + phone tail (sales test_tracking_limits)",
    "service:track": "public case page by signed token (service.tests.test_tracking_limits)",
    "GET /api/v1/track/": "public order tracking API, rate-limited per address",
    "core:company-logo": "the company's logo, public branding under its content's name "
    "(core.tests.test_company)",
    # stored files: the record's view checks the scope before serving (tests of each app)
    "sales:order-scan-file": FILE,
    "sales:acceptance-photo": FILE,
    "quality:inspection-attachment": FILE,
    "service:case-attachment": FILE,
    "GET /api/v1/tickets/{number}/attachments/{attachment_id}/": FILE,
    "warranty:application-evidence": FILE,
    "repairs:work-order-photo": FILE,
    "repairs:my-visit-photo": FILE,
    "repairs:my-visit-signature": FILE + " (the customer's signature)",
    # POST-only pages
    "core:notifications-read": POST,
    "core:import-apply": POST,
    "accounts:token-rotate": POST,
    "accounts:token-revoke": POST,
    "accounts:user-token-revoke": POST,
    "accounts:user-unlock": POST,
    "workdays:override-add": POST,
    "workdays:override-delete": POST,
    "workdays:announcement-load": POST,
    "customers:customer-validate": POST + ": inline validation while typing (htmx)",
    "customers:customer-reveal": POST + ": a recorded phone reveal",
    "customers:customer-file-add": POST,
    "customers:customer-merge": POST,
    "sales:order-ship": POST,
    "sales:order-reship": POST,
    "sales:order-credit": POST,
    "sales:order-scan": POST,
    "feedback:report": "a stored PDF (the monthly complaint analysis), opened from its list",
    "feedback_public:answer": "the customer's survey, behind a signed, single-use link",
    "feedback:meeting-action-done": POST,
    "staff:material": FILE + " (a course's material)",
    "staff:scorecards-compute": POST,
    "staff:plan-save": POST,
    "staff:scorecard-step": POST,
    "management:report-make": POST,
    "knowledge:manual-pdf": FILE + " (the technical support manual, a PDF; knowledge tests)",
    "knowledge:article-file": FILE,
    "knowledge:article-submit": POST,
    "knowledge:article-review": POST,
    "knowledge:article-archive": POST,
    "knowledge:article-upload": POST,
    "knowledge:case-use": POST,
    "knowledge:case-fault-code": POST,
    "help:vote": POST + " (the help centre's answer, rate-limited)",
    "help:article-file": FILE + " (a public article's file)",
    "management:report-pdf": FILE + " (a month's management report)",
    "sales:order-action": POST,
    "sales:promise-action": POST,
    "warranty:extended-sell": POST,
    "warranty:extended-cancel": POST,
    "sales:shipment-deliver": POST,
    "quality:release-request": POST,
    "quality:release-decide": POST,
    "quality:nc-investigate": POST,
    "quality:action-add": POST,
    "quality:nc-verify": POST,
    "quality:action-complete": POST,
    "quality:recall-close": POST,
    "quality:recall-task": POST,
    "quality:liaison-step": POST,
    "service:cases-assign": POST,
    "service:case-step": POST,
    "service:case-attachment-upload": POST,
    "warranty:policy-action": POST,
    "warranty:claim-decide": POST,
    "warranty:claim-settle": POST,
    "warranty:application-step": POST,
    "repairs:work-order-step": POST,
    "repairs:my-visit-check-in": POST,
    "repairs:my-visit-pause": POST,
    "repairs:my-visit-resume": POST,
    "repairs:my-visit-part": POST,
    "repairs:my-visit-photos": POST,
    "repairs:my-visit-complete": POST,
    "repairs:part-receive": POST,
    "repairs:part-transfer": POST,
    "repairs:part-adjust": POST,
    "repairs:maintenance-generate": POST,
    "repairs:charges-add": POST,
    "repairs:charges-remove": POST,
    "repairs:charges-quote": POST,
    "repairs:charges-cost-split": POST,
    # API paths without a GET operation
    "/api/v1/auth/token/": POST + " (and DELETE): sign-in for the API",
    "/api/v1/users/{user_id}/token/": "DELETE only",
    "/api/v1/users/{user_id}/roles/": "PUT only",
    "/api/v1/surveys/responses/": "POST only",
    "/api/v1/feedback/self-inspections/{number}/results/": POST,
    "/api/v1/feedback/self-inspections/{number}/finish/": POST,
    "/api/v1/feedback/meetings/{number}/actions/{id}/done/": POST,
    "/api/v1/workdays/notices/": POST,
    "/api/v1/knowledge/uses/": POST + " (attach a suggestion, send an article; knowledge tests)",
    "/api/v1/workdays/overrides/{day}/": "DELETE only",
    "/api/v1/customers/{customer_id}/reveal-phone/": POST,
    "/api/v1/customers/{customer_id}/merge/": POST,
    "/api/v1/customers/{customer_id}/file/": POST,
    "/api/v1/orders/{order_id}/submit/": POST,
    "/api/v1/orders/{order_id}/approve/": POST,
    "/api/v1/orders/{order_id}/reject/": POST,
    "/api/v1/orders/{order_id}/rework/": POST,
    "/api/v1/orders/{order_id}/cancel/": POST,
    "/api/v1/orders/{order_id}/start-fulfilment/": POST,
    "/api/v1/orders/{order_id}/close/": POST,
    "/api/v1/orders/{order_id}/shipments/": POST,
    "/api/v1/orders/{order_id}/reship/": POST,
    "/api/v1/orders/{order_id}/credit/": POST,
    "/api/v1/shipments/{shipment_id}/deliver/": POST,
    "/api/v1/shipments/{shipment_id}/accept/": POST,
    "/api/v1/written-promises/{promise_id}/submit/": POST,
    "/api/v1/written-promises/{promise_id}/review/": POST,
    "/api/v1/quality/emergency-releases/{release_id}/approve/": POST,
    "/api/v1/quality/emergency-releases/{release_id}/reject/": POST,
    "/api/v1/batches/{batch_id}/emergency-release/": POST,
    "/api/v1/quality/nonconformances/{nc_id}/actions/": POST,
    "/api/v1/quality/nonconformances/{nc_id}/verify/": POST,
    "/api/v1/quality/actions/{action_id}/complete/": POST,
    "/api/v1/quality/liaison-forms/{form_id}/route/": POST,
    "/api/v1/quality/liaison-forms/{form_id}/handle/": POST,
    "/api/v1/quality/liaison-forms/{form_id}/verify/": POST,
    "/api/v1/quality/liaison-forms/{form_id}/nonconformance/": POST,
    "/api/v1/quality/recalls/{recall_id}/close/": POST,
    "/api/v1/quality/recall-tasks/{task_id}/": POST,
    "/api/v1/tickets/assign/": POST,
    "/api/v1/tickets/{number}/substatus/": POST,
    "/api/v1/tickets/{number}/promise/": POST,
    "/api/v1/tickets/{number}/assign/": POST,
    "/api/v1/tickets/{number}/compensation/answer/": POST,
    "/api/v1/tickets/{number}/{action}/": POST,
    "/api/v1/warranty/evaluate/": POST + ": the engine takes the facts in the body",
    "/api/v1/warranty/applications/{number}/{action}/": POST,
    "/api/v1/warranty/cards/{number}/repairs/": POST,
    "/api/v1/warranty/claims/{number}/decide/": POST,
    "/api/v1/warranty/claims/{number}/settle/": POST,
    "/api/v1/loaners/issues/": POST,
    "/api/v1/loaners/issues/{id}/return/": POST,
    "/api/v1/work-orders/{number}/charges/": POST,
    "/api/v1/work-orders/{number}/quote/{action}/": POST,
    "/api/v1/work-orders/{number}/{action}/": POST,
    "/api/v1/parts/counter-sales/": POST,
    "/api/v1/parts/work-orders/{number}/consume/": POST,
    "/api/v1/parts/{part_no}/receive/": POST,
    "/api/v1/parts/{part_no}/transfer/": POST,
    "/api/v1/partner-keys/{key_id}/": "DELETE only (revoke a key)",
    "/api/v1/webhooks/{webhook_id}/": "DELETE only (switch a webhook off)",
    "/api/v1/webhooks/deliveries/{delivery_id}/resend/": POST,
    "partners:key-create": POST + " (the key is shown on the answer only)",
    "partners:key-revoke": POST,
    "partners:webhook-create": POST,
    "partners:webhook-off": POST,
    "partners:delivery-resend": POST,
}
