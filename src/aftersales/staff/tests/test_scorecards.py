"""STF-2: scorecards computed for everyone at once, the workflow (draft → reviewed →
acknowledged or disputed → final; a correction is a new revision), who sees what, the views
kept (SEC-1), and the API contract."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.staff.indicators import line_score, parse_period, weighted_total
from aftersales.staff.models import RecordView, Scorecard, ScorecardLine
from aftersales.staff.services import scorecards as svc

pytestmark = pytest.mark.django_db

NOV = parse_period("2026-11")
S = Scorecard.Status


@pytest.fixture
def cards(head, tech, tech2, agent):
    svc.scorecards_compute(period=NOV)
    return {c.user.username: c for c in Scorecard.objects.select_related("user")}


def review(card, who, knowledge=80, conduct=90):
    return svc.scorecard_review(
        actor=who,
        scorecard=card,
        scores={"knowledge": (knowledge, "抽查答题 8/10"), "conduct": (conduct, "客户表扬两次")},
        comment="继续保持",
    )


def test_computing_makes_one_draft_per_assessed_person_with_the_roles_indicators(
    cards, tech, agent, hr, vp
):
    """Technicians get the after-sales indicators, customer service theirs; HR and the
    vice-president have no indicators and no scorecard."""
    assert set(cards) == {"head1", "tech1", "tech2", "agent1"}
    tech_card, agent_card = cards["tech1"], cards["agent1"]
    assert tech_card.status == S.DRAFT and tech_card.role == "service"
    assert tech_card.department == tech.department
    codes = list(tech_card.lines.values_list("code", flat=True))
    assert codes[:2] == ["first-response", "resolution-sla"] and "first-time-fix" in codes
    assert "follow-ups" in agent_card.lines.values_list("code", flat=True)
    assert agent_card.role == "customer_service"
    # Nothing recorded: rates have no data (left out), counts are 0, scored items unscored.
    csat = tech_card.lines.get(code="csat")
    assert csat.value is None and csat.score is None
    visits = tech_card.lines.get(code="visits")
    assert visits.value == 0 and visits.score == 0


def test_computing_again_updates_drafts_only_and_keeps_the_supervisors_scores(
    cards, head, tech, tech2
):
    review(cards["tech1"], head)
    card2 = cards["tech2"]
    ScorecardLine.objects.filter(scorecard=card2, code="knowledge").update(
        value=70, score=70, reason="草稿中已打分"
    )
    result = svc.scorecards_compute(period=NOV)
    assert result == {"created": 0, "updated": 3, "kept": 1}
    reviewed = Scorecard.objects.get(pk=cards["tech1"].pk)
    assert reviewed.status == S.REVIEWED
    assert reviewed.lines.get(code="knowledge").score == Decimal("80")
    kept = Scorecard.objects.get(pk=card2.pk).lines.get(code="knowledge")
    assert (kept.score, kept.reason) == (Decimal("70"), "草稿中已打分")


def test_the_workflow_to_final_and_a_final_card_never_changes(cards, head, tech, hr):
    card = review(cards["tech1"], head)
    assert card.status == S.REVIEWED
    assert card.lines.get(code="knowledge").reason == "抽查答题 8/10"
    told = Notification.objects.get(recipient=tech)
    assert "2026-11" in told.title and told.link == card.get_absolute_url()
    with pytest.raises(PermissionDenied):
        svc.scorecard_acknowledge(actor=head, scorecard=card)  # only the person
    card = svc.scorecard_acknowledge(actor=tech, scorecard=card)
    assert card.status == S.ACKNOWLEDGED
    with pytest.raises(Conflict):
        review(card, head)  # acknowledged: no more review
    card = svc.scorecard_finalize(actor=head, scorecard=card)
    assert card.status == S.FINAL and card.finalized_by == head
    for step in (
        lambda: review(card, head),
        lambda: svc.scorecard_acknowledge(actor=tech, scorecard=card),
        lambda: svc.scorecard_dispute(actor=tech, scorecard=card, reason="x"),
    ):
        with pytest.raises(Conflict):
            step()
    assert [e.action for e in card.events.all()] == [
        "compute",
        "review",
        "acknowledge",
        "finalize",
    ]


def test_a_dispute_needs_words_and_an_answer_before_the_card_is_final(cards, head, tech):
    card = review(cards["tech1"], head)
    with pytest.raises(InvalidInput) as error:
        svc.scorecard_dispute(actor=tech, scorecard=card, reason="  ")
    assert "reason" in error.value.fields
    card = svc.scorecard_dispute(actor=tech, scorecard=card, reason="10月26日的工单不是我处理的")
    assert card.status == S.DISPUTED
    assert Notification.objects.filter(recipient=head, title__contains="2026-11").exists()
    with pytest.raises(InvalidInput) as error:
        svc.scorecard_finalize(actor=head, scorecard=card)
    assert "note" in error.value.fields
    # The supervisor may review again instead (back to reviewed) …
    card = review(card, head, knowledge=85)
    assert card.status == S.REVIEWED
    card = svc.scorecard_dispute(actor=tech, scorecard=card, reason="仍有异议")
    # … or answer and make it final.
    card = svc.scorecard_finalize(actor=head, scorecard=card, note="已核实，维持评分")
    assert card.status == S.FINAL and card.final_note == "已核实，维持评分"


def test_the_review_needs_every_scored_item_and_a_reason_for_a_changed_score(cards, head):
    card = cards["tech1"]
    with pytest.raises(InvalidInput) as error:
        svc.scorecard_review(
            actor=head, scorecard=card, scores={"knowledge": ("80", "")}, comment=""
        )
    assert set(error.value.fields) == {"reason_knowledge", "score_conduct"}
    with pytest.raises(InvalidInput) as error:
        svc.scorecard_review(
            actor=head,
            scorecard=card,
            scores={"knowledge": ("120", "太高"), "conduct": ("abc", "x")},
        )
    assert set(error.value.fields) == {"score_knowledge", "score_conduct"}
    card.refresh_from_db()
    assert card.status == S.DRAFT  # nothing half-written
    assert not card.lines.filter(code="knowledge", score__isnull=False).exists()
    reviewed = review(card, head)
    # Unchanged scores need no new reason on a second review.
    again = svc.scorecard_review(actor=head, scorecard=reviewed, scores={}, comment="")
    assert again.lines.get(code="knowledge").reason == "抽查答题 8/10"


def test_who_reviews_whom(cards, head, tech, tech2, agent, hr, vp):
    """The head of the person's department; a head's own card: HR or the vice-president;
    nobody their own; a colleague never."""
    with pytest.raises(PermissionDenied):
        review(cards["tech1"], tech2)
    with pytest.raises(PermissionDenied):
        review(cards["head1"], head)
    with pytest.raises(PermissionDenied):
        review(cards["tech1"], agent)
    assert review(cards["head1"], vp).status == S.REVIEWED
    assert review(cards["tech2"], head).status == S.REVIEWED
    with pytest.raises(PermissionDenied):
        review(cards["tech1"], hr)  # not a head's card: the head reviews it


def test_a_correction_is_a_new_revision_and_the_final_one_stays(cards, head, tech, hr):
    card = review(cards["tech1"], head)
    card = svc.scorecard_acknowledge(actor=tech, scorecard=card)
    with pytest.raises(Conflict):
        svc.scorecard_correct(actor=hr, scorecard=card, reason="x")  # not final yet
    card = svc.scorecard_finalize(actor=head, scorecard=card)
    before = (card.total, card.status, card.version)
    with pytest.raises(PermissionDenied):
        svc.scorecard_correct(actor=head, scorecard=card, reason="x")
    with pytest.raises(InvalidInput):
        svc.scorecard_correct(actor=hr, scorecard=card, reason="")
    new = svc.scorecard_correct(actor=hr, scorecard=card, reason="漏算一张工单")
    assert (new.revision, new.corrects, new.status) == (2, card, S.DRAFT)
    assert new.lines.get(code="knowledge").score == Decimal("80")  # the scores kept
    card.refresh_from_db()
    assert (card.total, card.status, card.version) == before
    with pytest.raises(Conflict):
        svc.scorecard_correct(actor=hr, scorecard=card, reason="again")


def test_the_total_weighs_the_scores_of_the_lines_that_have_one():
    """(100 × 10 + 50 × 30) / 40 = 62.5; a line without a score is left out."""
    lines = [
        ScorecardLine(score=Decimal(100), weight=Decimal(10)),
        ScorecardLine(score=Decimal(50), weight=Decimal(30)),
        ScorecardLine(score=None, weight=Decimal(60)),
    ]
    assert weighted_total(lines) == Decimal("62.5")
    assert weighted_total([ScorecardLine(score=None, weight=Decimal(5))]) is None
    assert line_score(Decimal(45), Decimal(90), "higher") == Decimal("50.0")
    assert line_score(Decimal(95), Decimal(90), "higher") == Decimal("100.0")
    assert line_score(Decimal(36), Decimal(24), "lower") == Decimal("66.7")
    assert line_score(Decimal(2), Decimal(0), "lower", Decimal(25)) == Decimal("50.0")
    assert line_score(Decimal(9), Decimal(0), "lower", Decimal(25)) == Decimal("0.0")
    assert line_score(None, Decimal(1), "higher") is None


def test_a_period_is_a_month_or_a_quarter_and_anything_else_names_the_field():
    assert (NOV.first.isoformat(), NOV.last.isoformat()) == ("2026-11-01", "2026-11-30")
    q = parse_period("2026-q4")
    assert (q.key, q.first.isoformat(), q.last.isoformat()) == (
        "2026-Q4",
        "2026-10-01",
        "2026-12-31",
    )
    assert NOV.previous().key == "2026-10" and parse_period("2026-12").next().key == "2027-01"
    for bad in ("", "2026-13", "2026/11", "11-2026", "2026-Q5", "1999-01"):
        with pytest.raises(InvalidInput) as error:
            parse_period(bad)
        assert "period" in error.value.fields


# -- who sees what ------------------------------------------------------------------------------


def _open(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_visibility_of_scorecards_for_every_kind_of_reader(
    client, cards, head, tech, tech2, agent, hr, vp, admin_user, make_user
):
    from aftersales.accounts.roles import Role

    dealer_person = make_user(Role.DEALER, username="dealer1")
    url = cards["tech1"].get_absolute_url()
    allowed = {tech: True, head: True, hr: True, vp: True, tech2: False, agent: False,
               admin_user: False, dealer_person: False}  # fmt: skip
    for reader, may in allowed.items():
        response = _open(client, reader, url)
        assert response.status_code == (200 if may else 404), reader.username
    # Every view of another person's card is kept; one's own is not.
    viewers = set(
        RecordView.objects.filter(subject=tech).values_list("viewer__username", flat=True)
    )
    assert viewers == {"head1", "hr1", "vp1"}


def test_the_ranking_shows_each_reader_what_they_may_see(client, cards, head, tech, hr, agent):
    url = reverse("staff:scorecards") + "?period=2026-11"
    names = lambda r: {c.user.username for c in r.context["cards"]}  # noqa: E731
    assert names(_open(client, head, url)) == {"head1", "tech1", "tech2"}
    assert names(_open(client, hr, url)) == {"head1", "tech1", "tech2", "agent1"}
    assert _open(client, tech, url).status_code == 404
    assert _open(client, agent, url).status_code == 404


def test_the_api_answers_the_contract(api_client, cards, head, tech, hr):
    card = review(cards["tech1"], head)
    api_client.force_authenticate(hr)
    response = api_client.get("/api/v1/staff/scorecards/?period=2026-11&department=after-sales")
    assert response.status_code == 200
    body = response.json()
    assert body[0]["user"]["name"] in {"陈杰", "杨主管", "王强"}
    row = next(r for r in body if r["user"]["id"] == tech.pk)
    assert set(row) == {"user", "period", "status", "indicators", "total"}
    assert row["user"] == {"id": tech.pk, "name": "陈杰", "department": "after-sales"}
    assert (row["period"], row["status"]) == ("2026-11", "reviewed")
    assert row["total"] == float(card.total)
    knowledge = next(i for i in row["indicators"] if i["code"] == "knowledge")
    assert knowledge == {"code": "knowledge", "name": "业务知识", "value": 80.0, "target": 100.0,
                         "score": 80.0, "weight": 5.0, "source": "scored"}  # fmt: skip
    csat = next(i for i in row["indicators"] if i["code"] == "csat")
    assert csat["source"] == "computed" and csat["value"] is None and csat["score"] is None
    # Only the department asked for.
    assert {r["user"]["department"] for r in body} == {"after-sales"}
    assert RecordView.objects.filter(viewer=hr, subject=tech).exists()


def test_the_api_names_the_bad_field_and_scopes_the_reader(api_client, cards, tech, agent):
    api_client.force_authenticate(tech)
    bad = api_client.get("/api/v1/staff/scorecards/?period=2026-11-01")
    assert bad.status_code == 400 and "period" in bad.json()["fields"]
    missing = api_client.get("/api/v1/staff/scorecards/")
    assert missing.status_code == 400 and "period" in missing.json()["fields"]
    unknown = api_client.get("/api/v1/staff/scorecards/?period=2026-11&department=nope")
    assert unknown.status_code == 400 and "department" in unknown.json()["fields"]
    own = api_client.get("/api/v1/staff/scorecards/?period=2026-11")
    assert [r["user"]["id"] for r in own.json()] == [tech.pk]


def test_each_computed_value_opens_to_its_records_for_the_person(client, cards, tech, head):
    card = cards["tech1"]
    response = _open(client, tech, reverse("staff:scorecard-line", args=[card.pk, "visits"]))
    assert response.status_code == 200 and response.context["rows"] == []
    assert (
        _open(
            client, tech, reverse("staff:scorecard-line", args=[card.pk, "knowledge"])
        ).status_code
        == 404
    )
    assert not RecordView.objects.exists()  # one's own
    _open(client, head, reverse("staff:scorecard-line", args=[card.pk, "csat"]))
    assert RecordView.objects.get().what == RecordView.What.DETAIL


def test_hr_sets_targets_and_weights_all_or_nothing(client, hr, head):
    from aftersales.staff.models import Indicator

    csat = Indicator.objects.get(role="service", code="csat")
    visits = Indicator.objects.get(role="service", code="visits")
    with pytest.raises(InvalidInput) as error:
        svc.indicators_update(
            actor=hr,
            changes={
                csat.pk: {"target": "85", "weight": "12", "active": True},
                visits.pk: {"target": "-1", "weight": "0", "active": True},
            },
        )
    assert set(error.value.fields) == {f"target_{visits.pk}", f"weight_{visits.pk}"}
    # A target no value can reach, or one everybody reaches, is refused.
    attitude = Indicator.objects.get(role="service", code="attitude")
    for indicator, target in ((csat, "150"), (csat, "0"), (attitude, "6")):
        with pytest.raises(InvalidInput) as error:
            svc.indicators_update(
                actor=hr, changes={indicator.pk: {"target": target, "weight": "5", "active": True}}
            )
        assert set(error.value.fields) == {f"target_{indicator.pk}"}
    csat.refresh_from_db()
    assert csat.target == Decimal("90")  # nothing half-written
    with pytest.raises(PermissionDenied):
        svc.indicators_update(actor=head, changes={})
    client.force_login(hr)
    page = client.get(reverse("staff:indicators"))
    assert page.status_code == 200
    form = {}
    for group in page.context["groups"]:
        for i in group["rows"]:
            form[f"target_{i.pk}"] = str(i.target)
            form[f"weight_{i.pk}"] = str(i.weight)
            form[f"active_{i.pk}"] = "on"
    form[f"target_{csat.pk}"] = "85"
    form.pop(f"active_{visits.pk}")
    assert client.post(reverse("staff:indicators"), form).status_code == 302
    csat.refresh_from_db()
    visits.refresh_from_db()
    assert csat.target == Decimal("85") and not visits.active
    assert _open(client, head, reverse("staff:indicators")).status_code == 404


def test_every_computed_figure_opens_to_its_records(client, cards, tech, head, hr):
    """Each line's drill-down page answers, whatever kind of record it lists (moments,
    days of training, courses)."""
    from datetime import date

    from .conftest import passed

    passed(tech, "induction-service", date(2026, 11, 2))
    passed(tech, "service-skills", date(2026, 11, 20))
    svc.scorecards_compute(period=NOV)
    card = Scorecard.objects.get(user=tech)
    client.force_login(tech)
    for line in card.lines.exclude(source="scored"):
        response = client.get(reverse("staff:scorecard-line", args=[card.pk, line.code]))
        assert response.status_code == 200, line.code
    training = client.get(reverse("staff:scorecard-line", args=[card.pk, "training"]))
    assert "2026-11-20" in training.content.decode()
