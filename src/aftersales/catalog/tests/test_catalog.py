"""Products, batches and serials: validation, expiry from shelf life, policy fallback, API."""

from datetime import date
from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog import services
from aftersales.catalog.models import Batch, Category, WarrantyPolicy
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user(Role.SALES, username="clerk")


def test_category_warranty_falls_back_to_the_parent():
    policy = WarrantyPolicy.objects.create(name="家具三包", warranty_months=12)
    furniture = Category.objects.create(code="furniture", name="家具", warranty_policy=policy)
    wardrobe = Category.objects.create(code="wardrobe", name="衣柜", parent=furniture)
    assert wardrobe.effective_warranty_policy() == policy
    assert [c.name for c in wardrobe.path()] == ["家具", "衣柜"]


def test_duplicate_sku_is_refused_on_the_sku_field(clerk):
    category = CategoryFactory()
    services.product_create(
        actor=clerk,
        data={"sku": "tv-1", "name": "电视", "list_price": Decimal("1"), "category": category},
    )
    with pytest.raises(InvalidInput) as err:
        services.product_create(
            actor=clerk,
            data={
                "sku": "TV-1",
                "name": "另一台",
                "list_price": Decimal("1"),
                "category": category,
            },
        )
    assert list(err.value.fields) == ["sku"]


def test_shelf_life_must_be_positive_and_gives_the_expiry(clerk):
    category = CategoryFactory()
    with pytest.raises(InvalidInput) as err:
        services.product_create(
            actor=clerk,
            data={
                "sku": "FD-1",
                "name": "坚果",
                "list_price": Decimal("9"),
                "category": category,
                "shelf_life_days": 0,
            },
        )
    assert list(err.value.fields) == ["shelf_life_days"]
    food = ProductFactory(shelf_life_days=180)
    batch = services.batch_create(
        actor=clerk, data={"product": food, "batch_no": "B1", "production_date": date(2026, 1, 1)}
    )
    assert batch.expiry_date == date(2026, 6, 29)
    assert batch.quality_status == Batch.QualityStatus.PENDING


def test_serials_only_for_serial_tracked_products_and_their_own_batches(clerk):
    plain = ProductFactory(serial_tracked=False)
    tracked = ProductFactory(serial_tracked=True)
    other_batch = services.batch_create(
        actor=clerk, data={"product": plain, "batch_no": "B2", "production_date": date(2026, 1, 1)}
    )
    with pytest.raises(InvalidInput) as err:
        services.serial_create(actor=clerk, data={"serial": "S1", "product": plain})
    assert list(err.value.fields) == ["product"]
    with pytest.raises(InvalidInput) as err:
        services.serial_create(
            actor=clerk, data={"serial": "S1", "product": tracked, "batch": other_batch}
        )
    assert list(err.value.fields) == ["batch"]
    assert (
        services.serial_create(actor=clerk, data={"serial": "s1", "product": tracked}).serial
        == "S1"
    )


def test_dealers_cannot_edit_the_catalogue(make_user):
    with pytest.raises(PermissionDenied):
        services.product_create(actor=make_user(Role.DEALER), data={})


def test_product_api(api_as, clerk, django_assert_max_num_queries):
    category = CategoryFactory(code="tv")
    for _ in range(15):
        ProductFactory(category=category)
    client = api_as(clerk)
    created = client.post(
        "/api/v1/products/",
        {
            "sku": "tv-55a1",
            "name": "55英寸电视",
            "list_price": "3299.00",
            "category": "tv",
            "serial_tracked": True,
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["sku"] == "TV-55A1"
    bad = client.post(
        "/api/v1/products/",
        {"sku": "TV-55A1", "name": "x", "list_price": "-1", "category": "nope"},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"list_price", "category"}
    with django_assert_max_num_queries(5):
        listed = client.get("/api/v1/products/", {"q": "TV-55"}).json()
    assert [p["sku"] for p in listed["results"]] == ["TV-55A1"]


def test_product_pages(client, clerk):
    category = CategoryFactory(code="tv", name="电视")
    client.force_login(clerk)
    response = client.post(
        "/products/new/",
        {
            "sku": "TV-1",
            "name": "电视",
            "unit": "台",
            "list_price": "10",
            "category": category.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    html = client.get("/products/", {"q": "TV"}).content.decode()
    assert "TV-1" in html
    assert "电视" in client.get("/products/categories/").content.decode()
