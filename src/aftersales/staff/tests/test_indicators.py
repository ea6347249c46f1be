"""STF-2: each computed indicator on hand-made records, the expected number worked out in the
test. The period is November 2026; records of October or December, or of someone else, must
not count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from aftersales.catalog.tests.factories import ProductFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.models import FollowUp, QuestionnaireVersion, Survey
from aftersales.repairs.models import WorkOrder
from aftersales.service.models import Case
from aftersales.sla.models import SlaClock
from aftersales.staff.indicators import SOURCES, Context, Links, compute_values, p90, parse_period
from aftersales.staff.models import Source

from .conftest import at, passed

pytestmark = pytest.mark.django_db

NOV = parse_period("2026-11")
_n = iter(range(1, 10_000))


@pytest.fixture
def customer(db):
    return CustomerFactory(name="王小明", mobile="13912345678")


@pytest.fixture
def product(db):
    return ProductFactory()


def case(customer, *, assignee=None, created=None, resolved=None, product=None, kind="repair"):
    row = Case.objects.create(
        number=f"TK-T-{next(_n):04d}",
        channel="phone",
        kind=kind,
        customer=customer,
        description="洗衣机漏水",
        assignee=assignee,
        product=product,
    )
    Case.objects.filter(pk=row.pk).update(
        created_at=created or at(2026, 11, 1, 9), resolved_at=resolved
    )
    row.refresh_from_db()
    return row


def values(source: str, roles: dict) -> dict:
    return compute_values(Context(NOV, roles), {source})[source]


def records(source: str, person, role="service"):
    ctx = Context(NOV, {person.pk: role})
    return SOURCES[source].records(ctx, person, Links(person))


def clock(case_row, metric: str, status: str, stopped):
    return SlaClock.objects.create(
        owner_type=ContentType.objects.get_for_model(Case),
        owner_id=case_row.pk,
        metric=metric,
        amount=24,
        unit="clock_hours",
        started_at=stopped - timedelta(hours=5),
        due_at=stopped,
        status=status,
        stopped_at=stopped,
    )


def test_first_response_on_time_is_met_over_stopped_clocks_of_the_persons_cases(
    tech, tech2, customer
):
    """3 met and 1 late in November for tech → 75.00 %; October's and tech2's do not count;
    a running clock has not finished yet."""
    mine, theirs = case(customer, assignee=tech), case(customer, assignee=tech2)
    for day in (3, 10, 20):
        clock(mine, "first_response", "met", at(2026, 11, day, 15))
    clock(mine, "first_response", "breached", at(2026, 11, 25, 15))
    clock(mine, "first_response", "breached", at(2026, 10, 31, 23, 59))
    clock(mine, "resolution", "breached", at(2026, 11, 25, 15))  # another metric
    clock(theirs, "first_response", "breached", at(2026, 11, 5, 10))
    SlaClock.objects.create(
        owner_type=ContentType.objects.get_for_model(Case), owner_id=mine.pk,
        metric="first_response", amount=24, unit="clock_hours", started_at=at(2026, 11, 29, 9),
        due_at=at(2026, 11, 30, 9), status="running",
    )  # fmt: skip
    got = values(Source.SLA_FIRST_RESPONSE, {tech.pk: "service", tech2.pk: "service"})
    assert got[tech.pk] == (Decimal("75.00"), 4)
    assert got[tech2.pk] == (Decimal("0.00"), 1)
    assert values(Source.SLA_RESOLUTION, {tech.pk: "service"})[tech.pk] == (Decimal("0.00"), 1)
    rows = records(Source.SLA_FIRST_RESPONSE, tech)
    assert [r.good for r in rows] == [True, True, True, False]
    assert {r.number for r in rows} == {mine.number}


def test_resolution_time_counts_working_hours_and_the_90th_percentile_is_nearest_rank(
    tech, customer
):
    """Working hours 09:00–18:00 on working days (the policy's): Monday 09:00–13:00 is 4 h;
    Friday 17:00 to Monday 10:00 is 1 h + 1 h = 2 h; Tuesday 09:00 to Wednesday 18:00 is 18 h.
    Average 8.00; nearest-rank p90 of [2, 4, 18] is the 3rd: 18."""
    case(customer, assignee=tech, created=at(2026, 11, 2, 9), resolved=at(2026, 11, 2, 13))
    case(customer, assignee=tech, created=at(2026, 11, 6, 17), resolved=at(2026, 11, 9, 10))
    case(customer, assignee=tech, created=at(2026, 11, 10, 9), resolved=at(2026, 11, 11, 18))
    case(customer, assignee=tech, created=at(2026, 10, 1, 9), resolved=at(2026, 10, 30, 9))
    assert values(Source.RESOLUTION_HOURS_AVG, {tech.pk: "service"})[tech.pk] == (
        Decimal("8.00"),
        3,
    )
    assert values(Source.RESOLUTION_HOURS_P90, {tech.pk: "service"})[tech.pk] == (
        Decimal("18.00"),
        3,
    )
    assert p90([5.0]) == 5.0 and p90(list(range(1, 11))) == 9  # ceil(0.9 × 10) = 9th
    assert values(Source.CASES_HANDLED, {tech.pk: "service"})[tech.pk] == (Decimal(3), 3)
    texts = [r.text for r in records(Source.RESOLUTION_HOURS_AVG, tech)]
    assert texts[0].startswith("4.00")


def visit(tech, case_row, *, result, completed, created=None, product=None, customer=None):
    wo = WorkOrder.objects.create(
        number=f"WO-T-{next(_n):04d}",
        case=case_row,
        kind="onsite_repair",
        status=WorkOrder.Status.COMPLETED,
        customer=customer or case_row.customer,
        product=product,
        problem="不制冷",
        technician=tech,
        result=result,
        completed_at=completed,
    )
    WorkOrder.objects.filter(pk=wo.pk).update(created_at=created or completed - timedelta(days=1))
    wo.refresh_from_db()
    return wo


def test_first_time_fix_counts_only_each_cases_first_visit(tech, tech2, customer):
    """Case A fixed on the first visit; case B not fixed on the first visit and fixed on the
    second (which is not a first visit, so it does not count); case C is tech2's.
    tech: 1 of 2 first visits fixed → 50.00 %."""
    a, b, c = case(customer), case(customer), case(customer)
    visit(tech, a, result="fixed", completed=at(2026, 11, 4, 15))
    visit(tech, b, result="not_fixed", completed=at(2026, 11, 5, 15), created=at(2026, 11, 4, 9))
    visit(tech, b, result="fixed", completed=at(2026, 11, 9, 15), created=at(2026, 11, 6, 9))
    visit(tech2, c, result="fixed", completed=at(2026, 11, 9, 15))
    got = values(Source.FIRST_TIME_FIX, {tech.pk: "service", tech2.pk: "service"})
    assert got[tech.pk] == (Decimal("50.00"), 2)
    assert got[tech2.pk] == (Decimal("100.00"), 1)
    assert values(Source.VISITS_HANDLED, {tech.pk: "service"})[tech.pk] == (Decimal(3), 3)
    # Remote support is neither a visit nor a first visit before the technician's.
    remote = visit(tech, case(customer), result="fixed", completed=at(2026, 11, 20, 15))
    WorkOrder.objects.filter(pk=remote.pk).update(kind="remote")
    assert values(Source.VISITS_HANDLED, {tech.pk: "service"})[tech.pk] == (Decimal(3), 3)
    assert [r.good for r in records(Source.FIRST_TIME_FIX, tech)] == [True, False]


def test_a_repeat_repair_is_a_new_case_on_the_same_product_within_the_window(
    tech, customer, product, policy
):
    """Counted in the month the repeat is reported. Fixed on 5 Nov, reported for repair again
    on 20 Nov (15 days): a repeat; fixed on 10 Nov, the same report is 10 days later: a
    repeat too. Fixed on 25 Oct, another product reported again on 3 Nov: November's. A
    complaint about the product, a report on 20 Dec or about another product are not."""
    assert policy.repeat_repair_days == 30
    first = case(customer, product=product)
    visit(tech, first, result="fixed", completed=at(2026, 11, 5, 15), product=product)
    again = case(customer, product=product, created=at(2026, 11, 20, 10))
    second = case(customer, product=product)
    visit(tech, second, result="fixed", completed=at(2026, 11, 10, 15), product=product)
    case(customer, product=product, created=at(2026, 11, 7, 10), kind="complaint")
    case(customer, product=product, created=at(2026, 12, 20, 10))
    older, other = ProductFactory(), ProductFactory()
    october = case(customer, product=older, created=at(2026, 10, 20, 9))
    visit(tech, october, result="fixed", completed=at(2026, 10, 25, 15), product=older)
    late = case(customer, product=older, created=at(2026, 11, 3, 10))
    case(customer, product=other, created=at(2026, 11, 12, 10))
    got = values(Source.REPEAT_REPAIRS, {tech.pk: "service"})
    assert got[tech.pk] == (Decimal(3), 3)
    rows = records(Source.REPEAT_REPAIRS, tech)
    assert [r.text.split("：")[-1] for r in rows] == [late.number, again.number, again.number]
    policy.repeat_repair_days = 5
    policy.save()
    assert values(Source.REPEAT_REPAIRS, {tech.pk: "service"})[tech.pk] == (Decimal(0), 0)


def test_someone_without_repairs_has_zero_repeats_but_no_first_time_fix_rate(tech):
    """A count with nothing to count is 0; a rate with nothing to count is no data."""
    assert values(Source.REPEAT_REPAIRS, {tech.pk: "service"})[tech.pk] == (Decimal(0), 0)
    assert tech.pk not in values(Source.FIRST_TIME_FIX, {tech.pk: "service"})


def follow_up(customer, who, *, done, deadline, case_row=None, complaint=None):
    return FollowUp.objects.create(
        number=f"HF-T-{next(_n):04d}",
        kind="repair",
        case=case_row,
        customer=customer,
        starts_on=deadline - timedelta(days=3),
        due_on=deadline - timedelta(days=2),
        deadline_on=deadline,
        status=FollowUp.Status.DONE,
        outcome="reached",
        done_at=done,
        done_by=who,
        complaint=complaint,
    )


def test_follow_ups_on_time_are_those_made_by_their_deadline(agent, customer):
    """Done on the deadline day (late evening) and before it: on time; a day after: late.
    2 of 3 → 66.67 %."""
    follow_up(customer, agent, done=at(2026, 11, 10, 22), deadline=date(2026, 11, 10))
    follow_up(customer, agent, done=at(2026, 11, 3, 10), deadline=date(2026, 11, 6))
    follow_up(customer, agent, done=at(2026, 11, 12, 9), deadline=date(2026, 11, 11))
    follow_up(customer, agent, done=at(2026, 12, 1, 9), deadline=date(2026, 11, 11))
    got = values(Source.FOLLOW_UPS_ON_TIME, {agent.pk: "customer_service"})
    assert got[agent.pk] == (Decimal("66.67"), 3)
    assert [r.good for r in records(Source.FOLLOW_UPS_ON_TIME, agent, "customer_service")] == [
        True,
        True,
        False,
    ]


def survey(case_row, person, *, overall, attitude=None, answered):
    answers = {"overall": overall, "nps": 8}
    if attitude is not None:
        answers["attitude"] = attitude
    return Survey.objects.create(
        case=case_row,
        customer=case_row.customer,
        version=QuestionnaireVersion.objects.filter(published=True).first(),
        sent_at=answered - timedelta(days=1),
        expires_at=answered + timedelta(days=13),
        sent_via="sms",
        status=Survey.Status.ANSWERED,
        assignee=person,
        answered_at=answered,
        answers=answers,
        overall=overall,
        nps=8,
    )


def test_csat_and_the_attitude_score_come_from_the_persons_answered_surveys(tech, tech2, customer):
    """Overall 5, 4 and 2: two satisfied of three (≥ 4, the policy's) → 66.67 %. Attitude 5
    and 3 (the third skipped the question) → 4.00. October's answer and tech2's do not
    count."""
    row = case(customer, assignee=tech)
    survey(row, tech, overall=5, attitude=5, answered=at(2026, 11, 3, 10))
    survey(row, tech, overall=4, attitude=3, answered=at(2026, 11, 13, 10))
    survey(row, tech, overall=2, answered=at(2026, 11, 23, 10))
    survey(row, tech, overall=1, attitude=1, answered=at(2026, 10, 23, 10))
    survey(row, tech2, overall=1, attitude=1, answered=at(2026, 11, 23, 10))
    roles = {tech.pk: "service"}
    assert values(Source.CSAT, roles)[tech.pk] == (Decimal("66.67"), 3)
    assert values(Source.ATTITUDE, roles)[tech.pk] == (Decimal("4.00"), 2)
    assert [r.good for r in records(Source.CSAT, tech)] == [True, True, False]
    assert [r.text for r in records(Source.ATTITUDE, tech)] == ["态度 5", "态度 3"]


def test_complaints_about_the_person_are_those_opened_on_a_follow_up_of_their_case(
    tech, tech2, agent, customer
):
    mine, theirs = case(customer, assignee=tech), case(customer, assignee=tech2)
    complaint = case(customer, kind="complaint", created=at(2026, 11, 18, 10))
    old = case(customer, kind="complaint", created=at(2026, 10, 18, 10))
    follow_up(customer, agent, done=at(2026, 11, 18, 10), deadline=date(2026, 11, 20),
              case_row=mine, complaint=complaint)  # fmt: skip
    follow_up(customer, agent, done=at(2026, 10, 18, 10), deadline=date(2026, 10, 20),
              case_row=mine, complaint=old)  # fmt: skip
    follow_up(customer, agent, done=at(2026, 11, 18, 10), deadline=date(2026, 11, 20),
              case_row=theirs)  # fmt: skip
    got = values(Source.COMPLAINTS, {tech.pk: "service", tech2.pk: "service"})
    assert got == {tech.pk: (Decimal(1), 1), tech2.pk: (Decimal(0), 0)}
    assert [r.number for r in records(Source.COMPLAINTS, tech)] == [complaint.number]


def test_training_hours_and_required_qualifications(tech, hr):
    """Induction (16 h, required of technicians) passed in November, service skills (4 h)
    attended in November: 20 h; 100 % of the required qualifications valid on 30 Nov. An
    induction that ran out on 29 Nov would leave 0 %."""
    passed(tech, "induction-service", date(2026, 11, 2))
    passed(tech, "service-skills", date(2026, 11, 20))
    roles = {tech.pk: "service"}
    assert values(Source.TRAINING_HOURS, roles)[tech.pk] == (Decimal("20.00"), 2)
    assert values(Source.QUALIFICATIONS_VALID, roles)[tech.pk] == (Decimal("100.00"), 1)
    from aftersales.staff.models import Attendance

    Attendance.objects.filter(session__course__code="induction-service").update(
        valid_until=date(2026, 11, 29)
    )
    assert values(Source.QUALIFICATIONS_VALID, roles)[tech.pk] == (Decimal("0.00"), 1)
    rows = records(Source.QUALIFICATIONS_VALID, tech)
    assert [(r.good, r.text) for r in rows] == [(False, "未通过或已过期")]


def test_every_source_has_a_computation_but_the_supervisors_score():
    assert set(SOURCES) == set(Source.values) - {Source.SCORED}
