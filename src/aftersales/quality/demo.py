"""Demo quality records: plans, inspections with a certificate and a failure, a
nonconformance with an action, a liaison form and an emergency-release request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import Inspection, InspectionItem, InspectionKind, InspectionPlan, LiaisonForm
from .services import inspections, liaison, nonconformances, releases

A, T = InspectionItem.Aspect, InspectionItem.ResultType

PLANS = [
    (
        "电视成品检验",
        "tv",
        InspectionKind.FINISHED,
        5,
        "GB/T 39051-2020",
        [
            ("外观无划伤、无污渍", A.APPEARANCE, T.PASS_FAIL, "", None, None, False),
            ("屏幕无坏点、亮点", A.FUNCTION, T.PASS_FAIL, "", None, None, True),
            ("整机宽度", A.DIMENSIONS, T.MEASURED, "mm", "1230", "1234", False),
            ("开机及遥控功能", A.FUNCTION, T.PASS_FAIL, "", None, None, True),
            ("包装完好、附件齐全", A.PACKAGING, T.PASS_FAIL, "", None, None, False),
        ],
    ),
    (
        "家电成品检验",
        "appliances",
        InspectionKind.FINISHED,
        3,
        "GB 4706.1-2005",
        [
            ("外观无磕碰变形", A.APPEARANCE, T.PASS_FAIL, "", None, None, False),
            ("通电运行正常", A.FUNCTION, T.PASS_FAIL, "", None, None, True),
            ("泄漏电流", A.FUNCTION, T.MEASURED, "mA", None, "0.75", True),
            ("异味", A.SMELL, T.PASS_FAIL, "", None, None, False),
            ("铭牌与标识", A.LABELLING, T.PASS_FAIL, "", None, None, False),
        ],
    ),
    (
        "食品成品检验",
        "food",
        InspectionKind.FINISHED,
        10,
        "GB 7100-2015",
        [
            ("色泽形态", A.APPEARANCE, T.PASS_FAIL, "", None, None, False),
            ("气味滋味", A.TASTE, T.PASS_FAIL, "", None, None, True),
            ("净含量", A.DIMENSIONS, T.MEASURED, "g", "495", "510", False),
            ("包装密封", A.PACKAGING, T.PASS_FAIL, "", None, None, True),
        ],
    ),
]


def seed(ctx: DemoContext) -> None:
    if InspectionPlan.objects.exists():
        return
    from aftersales.catalog.models import Batch, Category, Product

    quality, inspector = ctx.objects.get("user:lina"), ctx.objects.get("user:wangfang")
    logistics, cs = ctx.objects.get("user:zhaolei"), ctx.objects.get("user:sunli")
    if not (quality and inspector and logistics and cs):
        return
    plans = {}
    for name, category, kind, sample, standard, items in PLANS:
        plans[category] = inspections.plan_create(
            actor=quality,
            data={
                "name": name,
                "kind": kind,
                "category": Category.objects.get(code=category),
                "sample_size": sample,
                "minor_failures_allowed": 1,
                "standard": standard,
            },
            items=[
                inspections.ItemSpec(
                    name=n,
                    aspect=aspect,
                    result_type=rtype,
                    unit=unit,
                    lower_limit=Decimal(low) if low else None,
                    upper_limit=Decimal(high) if high else None,
                    critical=critical,
                )
                for n, aspect, rtype, unit, low, high, critical in items
            ],
        )

    def results(plan, failing=(), values=None):
        values = values or {}
        rows = []
        for item in plan.items.all():
            if item.result_type == T.MEASURED:
                default = item.upper_limit if item.lower_limit is None else item.lower_limit
                rows.append(
                    inspections.ItemInput(
                        item.pk,
                        measured_value=values.get(item.name, default + Decimal("1"))
                        if item.lower_limit is not None
                        else values.get(item.name, default - Decimal("0.2")),
                    )
                )
            else:
                rows.append(inspections.ItemInput(item.pk, passed=item.name not in failing))
        return rows

    # The older TV batch: its finished-goods inspection and certificate on record.
    tv = Product.objects.get(sku="TV-55A1")
    old_tv = tv.batches.order_by("production_date").first()
    inspections.inspection_record(
        actor=inspector,
        batch=old_tv,
        plan=plans["tv"],
        results=results(plans["tv"]),
        inspected_at=timezone.now() - timedelta(days=70),
    )
    # The recent batch of every product a plan covers passed its finished-goods inspection.
    covered = Q(category__code__in=list(plans)) | Q(category__parent__code__in=list(plans))
    for product in Product.objects.filter(covered):
        recent = product.batches.order_by("-production_date").first()
        plan = next(iter(inspections.plans_for_batch(recent, kind=InspectionKind.FINISHED)), None)
        if recent is None or plan is None or recent.inspections.exists():
            continue
        inspections.inspection_record(
            actor=inspector,
            batch=recent,
            plan=plan,
            results=results(plan),
            inspected_at=timezone.now() - timedelta(days=18),
        )
    # New batches off the line: one TV batch waiting, one fridge batch that fails.
    today = timezone.localdate()
    waiting = Batch.objects.create(
        product=tv,
        batch_no=f"TV{today:%Y%m%d}03",
        production_date=today,
        packer_no="P07",
        packing_list_ref=f"PL-{today:%m%d}-03",
    )
    fridge = Product.objects.get(sku="FR-450")
    bad = Batch.objects.create(
        product=fridge,
        batch_no=f"FR{today:%Y%m%d}03",
        production_date=today - timedelta(days=1),
        packer_no="P12",
        packing_list_ref=f"PL-{today:%m%d}-12",
    )
    failed = inspections.inspection_record(
        actor=inspector,
        batch=bad,
        plan=plans["appliances"],
        results=results(plans["appliances"], failing={"通电运行正常"}),
        note="3台中1台压缩机不启动",
    )
    nc = failed.nonconformances.get()
    nonconformances.nonconformance_investigate(
        actor=quality,
        nc=nc,
        data={
            "owner": quality,
            "containment": "该批次全部隔离，暂停发货；已发货数量为0。",
            "root_cause_method": "five_why",
            "whys": ["压缩机不启动", "启动继电器接触不良", "来料继电器批次不良"],
        },
    )
    nonconformances.corrective_action_add(
        actor=quality,
        nc=nc,
        description="继电器来料加严检验（抽样由5只提高到20只）",
        owner=quality,
        due_in_working_days=5,
    )
    nonconformances.corrective_action_add(
        actor=quality,
        nc=nc,
        kind="preventive",
        description="与供应商召开质量会议，要求提交8D报告",
        owner=logistics,
        due_in_working_days=10,
    )
    releases.emergency_release_request(
        actor=logistics, batch=waiting, reason="经销商徐汇店周末促销急需20台，质检报告周一补"
    )
    from aftersales.accounts.models import Department

    department = Department.objects.filter(code="quality").first()
    if department:
        liaison.liaison_create(
            actor=cs,
            kind=LiaisonForm.Kind.SUGGESTION,
            content="多位客户电话中提到电视包装箱四角容易压破，建议加厚护角。",
            department=department,
            contact="客服热线来电（3位客户）",
        )
    ctx.log.append(
        f"quality: {len(plans)} plans, {Inspection.objects.count()} inspections, "
        "1 nonconformance, 1 release request, 1 liaison form"
    )
