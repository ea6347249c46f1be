"""Demo training and assessment: everyone's induction, the product courses that qualify the
two technicians for different categories, this year's sessions and plans, a refresher
planned next month, and two months of scorecards (the older one final, the latest waiting for
the supervisor's review)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import Course, CourseKind, Scorecard, StaffPolicy, TrainingPlan, TrainingSession
from .seeded import COURSES


def seed(ctx: DemoContext) -> None:
    from .presets import ensure_presets

    ensure_presets()
    # The demo's people all have their training on record, so the policy can gate the work.
    StaffPolicy.objects.filter(active=True).update(induction_gates_work=True)
    hr = ctx.objects.get("user:xuhong")
    departments = ctx.objects.get("departments", {})
    if departments.get("hr") is not None and hr is not None and departments["hr"].head_id is None:
        departments["hr"].head = hr
        departments["hr"].save(update_fields=["head", "updated_at"])
    people = {u: ctx.objects.get(f"user:{u}") for u in ("chenjie", "yangmin", "sunli")}
    if hr is None or None in people.values() or TrainingSession.objects.exists():
        return
    from aftersales.catalog.models import Category

    from .services import scorecards, training

    products = {}
    for code, category, months in (("product-tv", "tv", 24), ("product-washer", "washer", 24)):
        cat = Category.objects.filter(code=category).first()
        if cat is None:
            continue
        products[code], _ = Course.objects.get_or_create(
            code=code,
            defaults={
                "name": COURSES[code][0],
                "kind": CourseKind.PRODUCT,
                "category": cat,
                "hours": Decimal("6"),
                "validity_months": months,
                "description": "产品结构、常见故障与维修方法、安全注意事项，含实操考核。",
            },
        )
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)

    def held(code, day, who, scores, trainer=None, place="公司培训室"):
        session = training.session_create(
            actor=hr,
            course=Course.objects.get(code=code),
            held_on=day,
            attendees=[people[u] for u in who],
            trainer=trainer,
            trainer_name="" if trainer else "厂家培训讲师",
            place=place,
        )
        if day <= today:
            training.session_record(
                actor=hr,
                session=session,
                results={
                    people[u].pk: {"attended": score is not None, "score": score}
                    for u, score in zip(who, scores, strict=True)
                },
            )
        return session

    # Induction when each joined (before this year's records), then this year's courses.
    held("induction-service", year_start - timedelta(days=200), ["chenjie", "yangmin"], [88, 92])
    held("induction-cs", year_start - timedelta(days=150), ["sunli"], [90])
    if "product-tv" in products:
        held("product-tv", year_start + timedelta(days=60), ["yangmin", "chenjie"], [85, 52])
    if "product-washer" in products:
        held("product-washer", year_start + timedelta(days=90), ["chenjie"], [79])
    first_this_month = today.replace(day=1)
    last_month = first_this_month - timedelta(days=1)
    held(
        "service-skills",
        last_month.replace(day=min(12, last_month.day)),
        ["chenjie", "yangmin", "sunli"],
        [86, 91, 95],
        trainer=people["yangmin"],
    )
    held(
        "communication",
        (last_month.replace(day=1) - timedelta(days=1)).replace(day=20),
        ["sunli", "chenjie"],
        [93, 75],
    )
    held(
        "safety",
        today + timedelta(days=21),
        ["chenjie", "yangmin"],
        [None, None],
        place="二楼会议室",
    )
    for department, code, planned in (
        ("service", "product-tv", 2),
        ("service", "service-skills", 2),
        ("service", "safety", 2),
        ("cs", "communication", 1),
        ("cs", "service-skills", 1),
    ):
        course = Course.objects.filter(code=code).first()
        if course is not None and departments.get(department) is not None:
            TrainingPlan.objects.get_or_create(
                year=today.year,
                department=departments[department],
                course=course,
                defaults={"planned": planned},
            )
    _visits_back_then(ctx)
    # Two months of scorecards: the older one reviewed, acknowledged and final.
    from .indicators import period_containing

    latest = period_containing(last_month, "month")
    older = latest.previous()
    scorecards.scorecards_compute(period=older)
    scorecards.scorecards_compute(period=latest)
    heads = {"chenjie": people["yangmin"], "yangmin": hr, "sunli": hr}
    comments = {
        "chenjie": ("业务熟练，个别工单处理偏慢。", 85, 88),
        "yangmin": ("带教新人认真，服务规范。", 92, 95),
        "sunli": ("回访及时，沟通耐心。", 90, 93),
    }
    vp = ctx.objects.get("user:liuyang")
    for username, person in people.items():
        card = Scorecard.objects.filter(user=person, period=older.key).first()
        if card is None:
            continue
        comment, knowledge, conduct = comments[username]
        reviewer = heads[username] if username == "chenjie" else (vp or hr)
        scorecards.scorecard_review(
            actor=reviewer,
            scorecard=card,
            scores={
                "knowledge": (knowledge, "日常工单与抽查答题情况。"),
                "conduct": (conduct, "客户表扬与现场检查情况。"),
            },
            comment=comment,
        )
        card.refresh_from_db()
        scorecards.scorecard_acknowledge(actor=person, scorecard=card)
        card.refresh_from_db()
        scorecards.scorecard_finalize(actor=reviewer, scorecard=card)
    from aftersales.core.models import Notification

    # The demo's past steps are read already; this month's review is what is new.
    Notification.objects.filter(link__startswith="/staff/").update(read_at=timezone.now())


def _visits_back_then(ctx) -> None:
    """The visits behind the last three months' closed repairs and installations (the
    feedback demo's history), so the technicians' scorecards count visits and first-time
    fixes: history written as it was, not through the dispatch steps."""
    from aftersales.repairs.models import WorkOrder
    from aftersales.service.models import Case

    since = timezone.now() - timedelta(days=95)
    cases = (
        Case.objects.filter(
            status="closed",
            kind__in=["repair", "installation"],
            resolved_at__gte=since,
            assignee__technician_profile__isnull=False,
            work_orders__isnull=True,
        )
        .select_related("customer")
        .order_by("resolved_at")
    )
    for n, case in enumerate(cases):
        repair = case.kind == "repair"
        result = "done" if not repair else ("not_fixed" if n % 7 == 3 else "fixed")
        wo = WorkOrder.objects.create(
            number=f"WO-{case.resolved_at:%Y%m%d}-9{n:03d}",
            case=case,
            kind="onsite_repair" if repair else "installation",
            status=WorkOrder.Status.COMPLETED,
            customer=case.customer,
            product=case.product,
            address=case.customer.address,
            region=case.region,
            problem=case.description,
            technician=case.assignee,
            window_start=case.resolved_at - timedelta(hours=3),
            window_end=case.resolved_at - timedelta(hours=1),
            checked_in_at=case.resolved_at - timedelta(hours=3),
            checked_out_at=case.resolved_at - timedelta(hours=1),
            diagnosis="上门检测",
            work_done=case.solution or "已处理",
            result=result,
            completed_at=case.resolved_at - timedelta(hours=1),
        )
        WorkOrder.objects.filter(pk=wo.pk).update(created_at=case.created_at + timedelta(hours=2))
