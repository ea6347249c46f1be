"""Responsibility judgement (S8, SVC-9, WAR-9): the quality department decides whose fault a
defect was, from the photos and the batch and packer data; the verdict splits the 三包 cost."""

from decimal import Decimal

import pytest

from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.quality import selectors
from aftersales.quality.models import ResponsibilityJudgement
from aftersales.quality.services.inspections import inspection_record
from aftersales.quality.services.judgements import (
    cost_split,
    judgement_for,
    judgement_subjects,
    responsibility_judge,
    subject_resolve,
)

from .factories import findings, ship

pytestmark = pytest.mark.django_db

V = ResponsibilityJudgement.Verdict


@pytest.fixture
def shipment(people, batch, plan):
    """A delivery from an inspected batch, found damaged at acceptance."""
    inspection_record(actor=people["inspector"], batch=batch, plan=plan, results=findings(plan))
    return ship(
        batch=batch,
        customer=CustomerFactory(name="王小明"),
        quantity=2,
        seller=people["sales"],
        warehouse=people["logistics"],
    )


def judge(people, subject, verdict, who="quality", **extra):
    return responsibility_judge(
        actor=people[who],
        subject=subject,
        verdict=verdict,
        reasoning=extra.pop("reasoning", "照片显示外箱完好，屏幕内部断裂"),
        **extra,
    )


def test_s8_the_manufacturers_fault_is_carried_by_the_manufacturer(people, shipment, batch):
    judgement = judge(people, shipment, V.MANUFACTURER, batch=batch)
    assert judgement.subject == shipment
    assert judgement.manufacturer_share == Decimal("1.00")
    # The packer and packing list come from the batch unless given.
    assert (judgement.packer_no, judgement.packing_list_ref) == ("P-07", batch.packing_list_ref)
    assert judgement.judged_by == people["quality"]
    assert cost_split(judgement, Decimal("300")) == {
        "manufacturer": Decimal("300.00"),
        "dealer": Decimal("0.00"),
    }


@pytest.mark.parametrize("verdict", [V.TRANSPORT, V.DEALER, V.CUSTOMER, V.NO_DEFECT])
def test_war9_any_other_verdict_splits_the_cost_half_and_half(people, shipment, verdict):
    judgement = judge(people, shipment, verdict)
    assert judgement.manufacturer_share == Decimal("0.50")
    assert cost_split(judgement, Decimal("300")) == {
        "manufacturer": Decimal("150.00"),
        "dealer": Decimal("150.00"),
    }


def test_war9_an_odd_cent_goes_to_the_dealer_and_nothing_is_lost(people, shipment):
    split = cost_split(judge(people, shipment, V.TRANSPORT), Decimal("300.01"))
    assert split == {"manufacturer": Decimal("150.00"), "dealer": Decimal("150.01")}
    assert sum(split.values()) == Decimal("300.01")


def test_war10_without_a_judgement_the_seller_carries_the_cost_for_now():
    assert cost_split(None, Decimal("300")) == {
        "manufacturer": Decimal("0.00"),
        "dealer": Decimal("300"),
    }


def test_s8_judging_again_revises_the_same_judgement(people, shipment, batch):
    first = judge(people, shipment, V.MANUFACTURER, batch=batch, packer_no="P-99")
    revised = judge(people, shipment, V.TRANSPORT, who="admin", reasoning="外箱有叉车孔，运输损坏")
    assert revised.pk == first.pk
    assert ResponsibilityJudgement.objects.count() == 1
    revised = judgement_for(shipment)
    assert (revised.verdict, revised.manufacturer_share, revised.judged_by) == (
        V.TRANSPORT,
        Decimal("0.50"),
        people["admin"],
    )
    assert revised.reasoning == "外箱有叉车孔，运输损坏"
    assert cost_split(revised, Decimal("300"))["manufacturer"] == Decimal("150.00")
    # Both verdicts stay in the history.
    assert list(revised.history.order_by("history_id").values_list("verdict", flat=True)) == [
        V.MANUFACTURER,
        V.TRANSPORT,
    ]


@pytest.mark.parametrize("who", ["inspector", "service", "cs", "sales", "vp"])
def test_s8_only_the_quality_department_judges(people, shipment, who):
    with pytest.raises(PermissionDenied):
        judge(people, shipment, V.DEALER, who=who)
    assert judgement_for(shipment) is None


def test_s8_the_verdict_and_its_reasoning_are_required(people, shipment):
    with pytest.raises(InvalidInput) as err:
        judge(people, shipment, "fate", reasoning="  ")
    assert set(err.value.fields) == {"verdict", "reasoning"}
    assert not ResponsibilityJudgement.objects.exists()


def test_s8_a_delivery_can_be_named_as_the_subject(people, shipment):
    assert "sales.shipment" in judgement_subjects()
    assert subject_resolve("sales.shipment", shipment.pk) == shipment
    with pytest.raises(NotFound):
        subject_resolve("sales.shipment", shipment.pk + 1000)
    for unknown in ("sales.order", "accounts.user", "nonsense"):
        with pytest.raises(InvalidInput) as err:
            subject_resolve(unknown, 1)
        assert list(err.value.fields) == ["subject_type"]


def test_svc9_the_batch_trace_lists_its_judgements(people, shipment, batch):
    judge(people, shipment, V.MANUFACTURER, batch=batch)
    assert [j.verdict for j in selectors.batch_trace(batch, people["quality"])["judgements"]] == [
        V.MANUFACTURER
    ]


def test_acceptance_photos_are_served_only_to_those_who_may_see_the_delivery(
    client, people, shipment, make_user, settings, tmp_path
):
    """S8: the judge looks at the delivery's photos. They come through a permission check, not
    from /media/ (which production does not serve): the quality user sees them, another
    dealer's person gets 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.accounts.roles import Role
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory
    from aftersales.sales.models import AcceptancePhoto

    settings.MEDIA_ROOT = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    photo = AcceptancePhoto.objects.create(
        shipment=shipment, image=SimpleUploadedFile("damage.png", png)
    )
    url = photo.get_absolute_url()
    assert not url.startswith(settings.MEDIA_URL) and "/media/" not in url
    client.force_login(people["quality"])
    seen = client.get(url)
    assert seen.status_code == 200 and seen["Content-Type"] == "image/png"
    assert b"".join(seen.streaming_content) == png
    outsider = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=DealerFactory(), user=outsider)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
