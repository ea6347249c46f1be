"""Demo feedback: half a year of closed cases with their surveys and complaints (so the
statistics and the complaint analysis have something to draw), follow-ups due today for the
customer-service desk, one dissatisfied answer waiting for its call, department heads,
last month's complaint report, last month's finished self-inspection and this month's open
one, and a service meeting with its action items."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import ComplaintReport, FollowUp, Survey

# What customers say, by complaint category (the words become the analysis's topics).
COMPLAINTS = {
    "quality": [
        "电视屏幕有横线，开机十分钟后出现",
        "冰箱不制冷，压缩机异响",
        "洗衣机脱水时噪音很大，机身晃动",
        "冰箱冷藏室结冰，食物冻坏",
        "电视开机黑屏，指示灯闪烁",
        "洗衣机漏水，地面全是水",
    ],
    "delivery": ["送货晚了两天，没有提前通知", "送货时包装破损，外壳有划痕"],
    "attitude": ["客服电话一直占线，态度冷淡", "师傅上门迟到两小时，也不道歉"],
    "installation": ["安装师傅没清理现场，墙面打孔位置不对", "空调安装后漏水"],
    "billing": ["上门收了额外的材料费，没有开发票"],
}
REPAIRS = ["冰箱冷藏室不制冷", "电视没有声音", "洗衣机不进水", "手机充不进电"]
PROVINCES = ["上海市", "江苏省", "浙江省", "安徽省"]
COMMENTS_GOOD = ["师傅很专业，处理及时", "服务态度好", "", "", "满意"]
COMMENTS_BAD = ["上门迟到，问题也没彻底解决", "等了一周才修好", "收费不透明"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"


def _at(day, hour) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 10)))


def seed(ctx: DemoContext) -> None:
    from .presets import ensure_presets

    ensure_presets()
    departments = ctx.objects.get("departments", {})
    heads = {"service": "yangmin", "cs": "sunli", "quality": "lina", "sales": "zhangwei"}
    for code, username in heads.items():
        department, person = departments.get(code), ctx.objects.get(f"user:{username}")
        if department is not None and person is not None and department.head_id is None:
            department.head = person
            department.save(update_fields=["head", "updated_at"])
    ctx.after.append(_self_inspections_and_meetings)
    if Survey.objects.filter(status=Survey.Status.ANSWERED).exists():
        return  # the history is there already
    agent, technician = ctx.objects.get("user:sunli"), ctx.objects.get("user:chenjie")
    if not (agent and technician and departments):
        return
    from aftersales.core.models import Notification

    started = timezone.now()
    n = _history(ctx, agent, technician, departments)
    # The history's alerts were read in their time: today's bell is for today's work.
    Notification.objects.filter(created_at__gte=started).update(read_at=timezone.now())
    _today(ctx, agent, technician, departments)
    ctx.after.append(_report)
    ctx.log.append(f"feedback: {n} closed cases with surveys over six months, follow-ups due")


def _clocks_back_then(case, shift: timedelta, *, late: bool) -> None:
    """The case's time limits moved to when the case happened (the scorecards count them);
    now and then the resolution finished late."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F

    from aftersales.sla.models import SlaClock

    clocks = SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(case), owner_id=case.pk
    )
    clocks.update(
        started_at=F("started_at") + shift,
        due_at=F("due_at") + shift,
        stopped_at=F("stopped_at") + shift,
    )
    if late:
        clocks.filter(metric="resolution", status="met").update(
            status="breached", stopped_at=F("due_at") + timedelta(hours=20)
        )


def _history(ctx, agent, technician, departments) -> int:
    from aftersales.catalog.models import Product
    from aftersales.customers.models import Dealer
    from aftersales.service.models import Case
    from aftersales.service.services import workflow
    from aftersales.service.services.intake import IntakeInput, case_intake

    from .services.surveys import survey_answer

    rng = random.Random(19)
    products = list(Product.objects.order_by("sku"))
    dealers = list(Dealer.objects.order_by("code"))
    helper = ctx.objects.get("user:yangmin") or technician
    today = timezone.localdate()
    made = 0
    for index in range(84):
        days_ago = 175 - index * 2 + rng.randint(0, 1)
        opened = today - timedelta(days=days_ago)
        if rng.random() < 0.45:
            category = rng.choice(
                ["quality"] * 5 + ["delivery"] * 2 + ["attitude"] * 2 + ["installation", "billing"]
            )
            kind, text = "complaint", rng.choice(COMPLAINTS[category])
        else:
            category, kind = "", rng.choice(["repair", "repair", "installation"])
            text = rng.choice(REPAIRS)
        # A few customers come back: the repeats of the analysis.
        repeat = index % 11 in (3, 7)
        phone = "13500001111" if repeat else f"136{index:04d}{rng.randint(1000, 9999)}"
        name = (
            "冯建国"
            if repeat
            else rng.choice(SURNAMES) + rng.choice(["伟", "芳", "敏", "静", "强", "磊"])
        )
        product = _product_for(text, products, index)
        case, _ = case_intake(
            actor=agent,
            data=IntakeInput(
                channel=rng.choice(["phone", "phone", "web", "dealer"]),
                kind=kind,
                customer_name=name,
                customer_phone=phone,
                description=text,
                category=category,
                product_sku=product.sku if product else "",
                is_complaint=kind == "complaint" or rng.random() < 0.08,
            ),
        )
        person = technician if index % 3 else helper
        dealer = dealers[index % len(dealers)] if dealers and index % 4 else None
        Case.objects.filter(pk=case.pk).update(
            department=departments["service"],
            assignee=person,
            dealer=dealer,
            region=PROVINCES[index % len(PROVINCES)],
        )
        case.refresh_from_db()
        workflow.case_transition(actor=agent, case=case, action="accept")
        workflow.case_transition(actor=person, case=case, action="resolve", solution="已上门处理")
        if rng.random() < 0.7:
            workflow.case_transition(actor=agent, case=case, action="confirm")
        workflow.case_transition(actor=agent, case=case, action="close")
        closed = opened + timedelta(days=rng.randint(1, 4))
        if closed > today:
            closed = today
        Case.objects.filter(pk=case.pk).update(
            created_at=_at(opened, 9), resolved_at=_at(closed, 11), closed_at=_at(closed, 15)
        )
        _clocks_back_then(case, _at(opened, 9) - case.created_at, late=index % 9 == 4)
        survey = Survey.objects.filter(case=case).first()
        if survey is not None:
            Survey.objects.filter(pk=survey.pk).update(
                sent_at=_at(closed, 15), expires_at=_at(closed + timedelta(days=14), 15)
            )
            if rng.random() < 0.78 and days_ago > 2:
                good = rng.random() < (0.65 if kind == "complaint" else 0.85)
                overall = rng.choice([4, 5, 5]) if good else rng.choice([1, 2, 3])
                answers = {
                    "overall": overall,
                    "timeliness": max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))),
                    "attitude": max(1, min(5, overall + rng.choice([0, 0, 1]))),
                    "quality": max(1, min(5, overall + rng.choice([-1, 0]))),
                    "nps": rng.choice([9, 10, 10, 8]) if good else rng.choice([2, 4, 6, 7]),
                    "comment": rng.choice(COMMENTS_GOOD if good else COMMENTS_BAD),
                }
                survey_answer(
                    survey=survey,
                    answers={k: v for k, v in answers.items() if v != ""},
                    channel=rng.choice(["sms", "sms", "tracking"]),
                )
                answered = _at(closed + timedelta(days=rng.randint(0, 2)), 20)
                Survey.objects.filter(pk=survey.pk).update(
                    answered_at=min(answered, timezone.now())
                )
        # The history's follow-ups were called in their time.
        for follow_up in FollowUp.objects.filter(case=case, status=FollowUp.Status.DUE):
            if days_ago > 6:
                FollowUp.objects.filter(pk=follow_up.pk).update(
                    status=FollowUp.Status.DONE,
                    outcome=FollowUp.Outcome.REACHED,
                    verdict=FollowUp.Verdict.SATISFIED,
                    remarks="问题已解决",
                    attempts=1,
                    done_at=_at(closed + timedelta(days=2), 10),
                    done_by=agent,
                    starts_on=closed,
                    due_on=closed + timedelta(days=1),
                    deadline_on=closed + timedelta(days=3),
                )
        made += 1
    return made


# The product a customer's words are about (the demo's appliances), so the register reads true.
PRODUCT_WORDS = (
    ("电视", "TV-"),
    ("冰箱", "FR-"),
    ("洗衣机", "WM-"),
    ("手机", "PH-"),
    ("充", "PH-"),
)


def _product_for(text: str, products: list, index: int):
    appliances = [p for p in products if p.sku[:3] in ("TV-", "FR-", "WM-", "PH-")] or products
    if not appliances:
        return None
    for word, prefix in PRODUCT_WORDS:
        if word in text:
            fitting = [p for p in appliances if p.sku.startswith(prefix)]
            if fitting:
                return fitting[index % len(fitting)]
    return appliances[index % len(appliances)]


def _today(ctx, agent, technician, departments) -> None:
    """Follow-ups due today, so the desk's queue and workbench are not empty."""
    today = timezone.localdate()
    FollowUp.objects.filter(status=FollowUp.Status.DUE, due_on__gt=today).update(due_on=today)


def _report(ctx: DemoContext) -> None:
    from datetime import date

    from aftersales.core.models import Notification

    from .services.reports import complaint_report_make

    started = timezone.now()
    today = timezone.localdate()
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    _proposal(ctx, last_month)
    if not ComplaintReport.objects.exists():
        # Without the PDF libraries on this machine the reports page says there is none yet.
        with contextlib.suppress(OSError):
            complaint_report_make(last_month)
    # Last month's report and proposal were news last month: today's bell is for today.
    Notification.objects.filter(created_at__gte=started).update(read_at=timezone.now())


def _proposal(ctx: DemoContext, last_month) -> None:
    """The quality department's proposal from last month's biggest cause: a nonconformance
    listing its complaints."""
    from .analysis import analysis, period_of
    from .models import ImprovementProposal
    from .services.improvements import proposal_raise

    quality = ctx.objects.get("user:lina")
    if quality is None or ImprovementProposal.objects.exists():
        return
    period = period_of("quarter", last_month)
    bars = [b for b in analysis(quality, period, "category")["pareto"] if b["key"]]
    if not bars:
        return
    top = bars[0]
    proposal_raise(
        actor=quality,
        period=period,
        dimension="category",
        key=top["key"],
        key_label=top["label"],
        title=f"{top['label']}投诉集中（{period.label}）",
        description="冰箱制冷、电视屏幕问题反复出现：排查供应商批次，加严出厂检验。",
        target="nonconformance",
    )


def _self_inspections_and_meetings(ctx: DemoContext) -> None:
    """FB-5: last month's self-inspection, finished with a finding that became a corrective
    action; this month's, half checked, for the customer-service head; last week's service
    meeting with open, overdue and done action items."""
    from datetime import date

    from aftersales.core.models import Notification

    from .models import SelfInspection, ServiceMeeting

    people = {
        name: ctx.objects.get(f"user:{name}") for name in ("sunli", "chenjie", "yangmin", "lina")
    }
    if not all(people.values()):
        return
    started = timezone.now()
    today = timezone.localdate()
    fresh = not SelfInspection.objects.exists()
    if fresh:
        _self_inspection_done(people, date(today.year, today.month, 1) - timedelta(days=1))
    if not ServiceMeeting.objects.exists():
        _meeting(people)
    # Last month's inspection and last week's meeting were news then: the bell is for today.
    Notification.objects.filter(created_at__gte=started).update(read_at=timezone.now())
    if fresh:
        _self_inspection_open(people, today)
    ctx.log.append("feedback: self-inspections (last month done, this month open), a meeting")


def _check(inspection, actor, *, fail: dict[str, str], cases: int | None = None) -> None:
    """Results for the first ``cases`` sampled cases: pass, but ``fail`` (item code → note)
    on the second case, and not applicable for the Three Guarantees on repairs outside it."""
    from .services.self_inspections import ResultInput, checklist_items, self_inspection_record

    items = checklist_items(inspection)
    rows = list(inspection.rows.select_related("case").order_by("position"))[:cases]
    entries = []
    for index, row in enumerate(rows):
        for item in items:
            result, note = "pass", ""
            if index == 1 and item.code in fail:
                result, note = "fail", fail[item.code]
            elif item.code == "three-guarantees" and row.case.kind != "repair":
                result = "na"
            entries.append(ResultInput(row.case.number, item.pk, result, note))
    if entries:
        self_inspection_record(actor=actor, inspection=inspection, results=entries)


def _self_inspection_done(people, last_month) -> None:
    from .services.self_inspections import (
        FindingInput,
        first_working_day_of,
        monthly_self_inspections_due,
        self_inspection_finish,
    )

    made = monthly_self_inspections_due(first_working_day_of(last_month))
    for inspection in made:
        _check(
            inspection,
            people["sunli"],
            fail={
                "follow-up-on-time": "结案后第5个工作日才回访",
                "record-complete": "未记录更换的零件",
            },
        )
        inspection.refresh_from_db()
        failed = [
            i.pk
            for i in inspection.checklist.items.filter(code="follow-up-on-time")
            if inspection.rows.filter(results__item=i, results__result="fail").exists()
        ]
        self_inspection_finish(
            actor=people["sunli"],
            inspection=inspection,
            findings=[
                FindingInput(
                    item=pk,
                    text="回访超期的工单逐一补访，并在晨会通报",
                    owner=people["sunli"],
                    owner_given=True,
                )
                for pk in failed
            ],
            summary="整体记录规范，回访及时性需加强。",
        )


def _self_inspection_open(people, today) -> None:
    from .services.self_inspections import first_working_day_of, monthly_self_inspections_due

    for inspection in monthly_self_inspections_due(max(today, first_working_day_of(today))):
        if inspection.inspector_id:
            _check(inspection, inspection.inspector, fail={}, cases=3)


def _meeting(people) -> None:
    from .models import MeetingAction
    from .services.meetings import ActionInput, MeetingInput, meeting_action_done, meeting_create

    today = timezone.localdate()
    meeting = meeting_create(
        actor=people["yangmin"],
        data=MeetingInput(
            held_on=today - timedelta(days=7),
            title=f"{today.month}月服务例会",
            attendees=list(people.values()),
            agenda="1. 上月投诉与满意度回顾\n2. 自查发现的问题\n3. 派工与备件",
            minutes="客服通报上月满意度为82%，投诉集中在冰箱制冷和上门迟到；"
            "自查发现回访超期两单。售后部说明派工延误主要因为备件未到。",
            decisions="1. 回访超过2个工作日的工单当天补访。\n2. 常用备件安全库存提高到10件。",
            actions=[
                ActionInput("迟到投诉的工单逐一电话致歉", people["chenjie"], today + timedelta(7)),
                ActionInput("更新回访话术，加入三包说明", people["sunli"], today + timedelta(10)),
                ActionInput("复核上月自查不合格项的整改", people["lina"], today + timedelta(3)),
                ActionInput("排查派工延误原因", people["yangmin"], today + timedelta(2)),
            ],
        ),
    )
    actions = {a.owner.username: a for a in meeting.actions.select_related("owner")}
    # Time has passed since the meeting: one item is late, one is done.
    MeetingAction.objects.filter(pk=actions["lina"].pk).update(due_on=today - timedelta(days=2))
    meeting_action_done(
        actor=people["yangmin"],
        action=actions["yangmin"],
        result="备件到货慢，已与供应商约定48小时到货",
    )
