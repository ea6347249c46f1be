"""Written promises (SAL-11, source S2; issue 18 B9): the public promises page carries
promises that are not remedies, such as the authenticity guarantee (正品保证); dealers publish
their own, reviewed by the company."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.customers.tests.factories import DealerFactory, dealer_user
from aftersales.sales import selectors, services
from aftersales.sales.models import WrittenPromise

pytestmark = pytest.mark.django_db

P = WrittenPromise.Status
PROMISE_ROLES = {Role.SALES, Role.SALES_VP, Role.ADMIN, Role.DEALER}


@pytest.fixture
def tv():
    electronics = CategoryFactory(code="electronics", name="电子产品")
    category = CategoryFactory(code="color-tv", name="彩色电视机", parent=electronics)
    return ProductFactory(sku="TV-55", name="液晶彩色电视机", category=category)


@pytest.fixture
def sales(make_user):
    return make_user(Role.SALES, username="sales1", full_name="销售甲")


@pytest.fixture
def vp(make_user):
    return make_user(Role.SALES_VP, username="vp1", full_name="副总甲")


@pytest.fixture
def dealer():
    return DealerFactory(code="sh-xuhui", name="上海徐汇经销店")


@pytest.fixture
def dealer_person(make_user, dealer):
    return dealer_user(make_user, dealer, username="dealer1")


def form(**values) -> dict:
    data = {
        "title": "正品保证",
        "kind": "authenticity",
        "text": "所售商品均为原厂正品，假一赔三。",
        "category": "",
        "product": "",
        "valid_from": "",
        "valid_until": "",
        "sort_order": "0",
        "active": "on",
        "version": "",
    }
    data.update(values)
    return data


def public(sku: str, dealer_code: str = "") -> str:
    """The public promises page as a visitor who is not signed in reads it."""
    url = f"/warranty/promises/{sku}/" + (f"?dealer={dealer_code}" if dealer_code else "")
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    """The part of the page from the section with this ``data-testid`` to its end."""
    start = html.find(f'data-testid="{testid}"')
    if start < 0:
        return ""
    return html[start : html.index("</section>", start)]


def make(actor, **fields) -> WrittenPromise:
    fields.setdefault("title", "正品保证")
    fields.setdefault("text", "所售商品均为原厂正品。")
    fields.setdefault("kind", WrittenPromise.Kind.AUTHENTICITY)
    return services.promise_create(actor=actor, **fields)


# -- the public page ------------------------------------------------------------------------------


def test_a_published_company_promise_appears_on_the_public_page(client, sales, tv):
    """SAL-11/S2: the company's staff write the authenticity guarantee and publish it
    directly; the public promises page then shows it under "Our written promises"."""
    client.force_login(sales)
    response = client.post("/orders/promises/new/", form())
    promise = WrittenPromise.objects.get()
    assert response["Location"] == f"/orders/promises/{promise.pk}/"
    assert promise.status == P.DRAFT and promise.dealer is None and promise.author == sales
    assert "正品保证" not in public("TV-55")  # a draft is nobody's promise yet

    detail = client.get(f"/orders/promises/{promise.pk}/").content.decode()
    assert 'data-testid="action-publish"' in detail
    client.post(f"/orders/promises/{promise.pk}/publish/")
    promise.refresh_from_db()
    assert promise.status == P.PUBLISHED and promise.published_at is not None

    written = section(public("TV-55"), "written-promises")
    assert "正品保证" in written and "所售商品均为原厂正品，假一赔三。" in written


def test_a_dealer_promise_appears_only_after_approval_and_with_its_dealer(
    client, dealer_person, dealer, vp, tv
):
    """SAL-11/S2: a dealer's promise is reviewed by the company: submitted, it is not on the
    public page; approved, it shows with ``?dealer=<code>`` as the dealer's promise."""
    client.force_login(dealer_person)
    client.post(
        "/orders/promises/new/",
        form(title="终身维修", kind="lifetime_repair", text="三包期满后终身维修，只收配件费。"),
    )
    promise = WrittenPromise.objects.get()
    assert promise.dealer == dealer and promise.status == P.DRAFT
    client.post(f"/orders/promises/{promise.pk}/submit/")
    promise.refresh_from_db()
    assert promise.status == P.SUBMITTED and promise.submitted_by == dealer_person
    assert "终身维修" not in public("TV-55", "sh-xuhui")
    # A dealer cannot approve its own promise.
    client.post(f"/orders/promises/{promise.pk}/approve/")
    promise.refresh_from_db()
    assert promise.status == P.SUBMITTED

    client.force_login(vp)
    page = client.get(f"/orders/promises/{promise.pk}/").content.decode()
    assert 'data-testid="action-approve"' in page and 'data-testid="action-reject"' in page
    assert 'data-testid="edit-promise"' not in page  # the dealer's words are the dealer's
    client.post(f"/orders/promises/{promise.pk}/approve/", {"reason": "内容属实"})
    promise.refresh_from_db()
    assert promise.status == P.PUBLISHED and promise.reviewed_by == vp

    html = public("TV-55", "sh-xuhui")
    dealer_section = section(html, "dealer-promises")
    assert "上海徐汇经销店" in dealer_section
    assert "三包期满后终身维修，只收配件费。" in dealer_section
    assert "终身维修" not in section(html, "written-promises")  # not the company's promise
    assert "终身维修" not in public("TV-55")  # the dealer's promises need its code
    assert "终身维修" not in public("TV-55", "hz-xihu")
    assert dealer_person.notifications.filter(title__contains="终身维修").exists()


def test_a_rejection_shows_its_reason_to_the_dealer(client, dealer_person, vp, tv):
    """SAL-11/S2: the company rejects with a reason, which the dealer reads on the promise;
    a rejection without a reason is refused on the reason."""
    promise = make(dealer_person, title="价格保护", kind="price_protection")
    services.promise_submit(actor=dealer_person, promise=promise)
    client.force_login(vp)
    response = client.post(f"/orders/promises/{promise.pk}/reject/", {"reason": ""}, follow=True)
    promise.refresh_from_db()
    assert promise.status == P.SUBMITTED
    with pytest.raises(InvalidInput) as refused:
        services.promise_review(actor=vp, promise=promise, decision="reject", reason=" ")
    assert set(refused.value.fields) == {"reason"}

    client.post(f"/orders/promises/{promise.pk}/reject/", {"reason": "价保期限须写明起止日期"})
    promise.refresh_from_db()
    assert promise.status == P.REJECTED and promise.review_reason == "价保期限须写明起止日期"
    client.force_login(dealer_person)
    page = client.get(f"/orders/promises/{promise.pk}/").content.decode()
    assert "价保期限须写明起止日期" in section(page + "</section>", "review-reason")
    assert 'data-testid="action-submit"' in page  # to correct and send again
    listed = client.get("/orders/promises/?status=rejected").content.decode()
    assert "价格保护" in listed
    assert "价格保护" not in public("TV-55", "sh-xuhui")
    assert response.status_code == 200


def test_editing_a_published_dealer_promise_sends_it_back_for_review(client, dealer_person, vp, tv):
    """SAL-11/S2: a dealer changing the words of a published promise needs the company's
    review again (it leaves the public page until then); switching it off does not."""
    promise = make(dealer_person, title="送装一体", text="48 小时内送货上门。")
    services.promise_submit(actor=dealer_person, promise=promise)
    services.promise_review(actor=vp, promise=promise, decision="approve")
    promise.refresh_from_db()
    assert "48 小时内送货上门。" in public("TV-55", "sh-xuhui")

    client.force_login(dealer_person)
    form_page = client.get(f"/orders/promises/{promise.pk}/edit/").content.decode()
    assert 'data-testid="review-again-note"' in form_page
    client.post(
        f"/orders/promises/{promise.pk}/edit/",
        form(
            title="送装一体",
            kind="delivery_installation",
            text="24 小时内送货上门。",
            version=str(promise.version),
        ),
    )
    promise.refresh_from_db()
    assert promise.status == P.SUBMITTED and promise.text == "24 小时内送货上门。"
    html = public("TV-55", "sh-xuhui")
    assert "24 小时内送货上门。" not in html and "48 小时内送货上门。" not in html

    services.promise_review(actor=vp, promise=promise, decision="approve")
    promise.refresh_from_db()
    services.promise_update(actor=dealer_person, promise=promise, active=False)
    promise.refresh_from_db()
    assert promise.status == P.PUBLISHED and not promise.active
    assert "24 小时内送货上门。" not in public("TV-55", "sh-xuhui")


def test_only_published_active_in_date_promises_of_the_product_show(
    sales, dealer_person, vp, tv, time_machine
):
    """SAL-11/S2: nothing unpublished ever shows; a promise shows for every product, its
    category or a category above it, or itself, while active and in force; the company's
    first, then the dealer's."""
    time_machine.move_to(date(2026, 12, 20))
    today = date(2026, 12, 20)
    other = ProductFactory(sku="FR-1", category=CategoryFactory(code="fridge"))

    def published(title, actor=sales, **fields):
        promise = make(actor, title=title, **fields)
        services.promise_submit(actor=actor, promise=promise)
        if actor != sales:
            services.promise_review(actor=vp, promise=promise, decision="approve")
        return promise

    published("所有产品", sort_order=2)
    published("电子产品", category=tv.category.parent, sort_order=1)
    published("电视本身", product=tv)
    published("冰箱", product=other)
    published("已停用", active=False)
    published("已过期", valid_until=today - timedelta(days=1))
    published("未开始", valid_from=today + timedelta(days=1))
    published("期内", valid_from=today, valid_until=today)
    make(sales, title="草稿")
    published("经销店承诺", actor=dealer_person)
    submitted = make(dealer_person, title="待审核")
    services.promise_submit(actor=dealer_person, promise=submitted)

    groups = selectors.promises_for_product(product=tv, dealer_code="sh-xuhui")
    shown = [(g.dealer.code if g.dealer else None, [p.title for p in g.promises]) for g in groups]
    assert shown == [
        (None, ["电视本身", "期内", "电子产品", "所有产品"]),
        ("sh-xuhui", ["经销店承诺"]),
    ]
    every = selectors.promises_for_product(product=tv, every_dealer=True)
    assert [g.dealer.code if g.dealer else None for g in every] == [None, "sh-xuhui"]
    html = public("TV-55", "sh-xuhui")
    for hidden in ("冰箱", "已停用", "已过期", "未开始", "草稿", "待审核"):
        assert hidden not in html


# -- who may do what ------------------------------------------------------------------------------


def test_a_dealer_cannot_see_or_change_another_dealers_promise(
    client, api_as, make_user, dealer_person
):
    """SAL-11/S2: dealers never see or change other dealers' promises: their pages and the API
    answer "not found", their lists leave them out, the services refuse."""
    promise = make(dealer_person, title="徐汇店承诺")
    other = dealer_user(make_user, DealerFactory(code="hz-xihu"), username="dealer2")
    client.force_login(other)
    for url in (f"/orders/promises/{promise.pk}/", f"/orders/promises/{promise.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/orders/promises/{promise.pk}/submit/").status_code == 404
    assert "徐汇店承诺" not in client.get("/orders/promises/").content.decode()
    api = api_as(other)
    assert api.get(f"/api/v1/written-promises/{promise.pk}/").status_code == 404
    assert api.patch(f"/api/v1/written-promises/{promise.pk}/", {"title": "x"}).status_code == 404
    assert api.post(f"/api/v1/written-promises/{promise.pk}/submit/").status_code == 404
    assert api.get("/api/v1/written-promises/").json()["count"] == 0
    with pytest.raises(PermissionDenied):
        services.promise_update(actor=other, promise=promise, title="改")
    promise.refresh_from_db()
    assert promise.title == "徐汇店承诺" and promise.status == P.DRAFT


def test_the_company_does_not_see_a_dealers_draft_nor_change_its_words(
    client, sales, dealer_person
):
    """SAL-11/S2: a dealer's draft is its own until submitted; the company reviews a dealer's
    promise but does not rewrite it."""
    promise = make(dealer_person, title="徐汇店草稿")
    client.force_login(sales)
    assert client.get(f"/orders/promises/{promise.pk}/").status_code == 404
    assert "徐汇店草稿" not in client.get("/orders/promises/").content.decode()
    services.promise_submit(actor=dealer_person, promise=promise)
    assert client.get(f"/orders/promises/{promise.pk}/").status_code == 200
    assert client.get(f"/orders/promises/{promise.pk}/edit/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.promise_update(actor=sales, promise=promise, text="改写")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_promise_pages_by_role(client, make_user, role):
    """SAL-11/S2: the sales staff, the vice-president, administrators and dealers work with
    written promises, and only they are shown the link to them; the others get "not found"."""
    user = make_user(role)
    if role == Role.DEALER:
        from aftersales.customers.models import DealerMember

        DealerMember.objects.create(dealer=DealerFactory(), user=user)
    client.force_login(user)
    allowed = role in PROMISE_ROLES
    expected = 200 if allowed else 404
    assert client.get("/orders/promises/").status_code == expected
    assert client.get("/orders/promises/new/").status_code == expected
    # Reached from the orders page (the top bar has no room for another entry).
    orders = client.get("/orders/").content.decode()
    assert ('href="/orders/promises/"' in orders) is allowed
    reviews = role in {Role.SALES, Role.SALES_VP, Role.ADMIN}
    if allowed:
        page = client.get("/orders/promises/").content.decode()
        assert ('data-testid="promise-review-queue"' in page) is reviews
        assert 'data-testid="new-promise"' in page


def test_a_dealer_role_without_a_dealer_writes_nothing(client, make_user):
    """SAL-11/S2: a person with the dealer role not yet attached to a dealer sees no promises
    and may write none (they would belong to nobody)."""
    user = make_user(Role.DEALER)
    client.force_login(user)
    assert client.get("/orders/promises/new/").status_code == 404
    assert 'data-testid="new-promise"' not in client.get("/orders/promises/").content.decode()
    with pytest.raises(PermissionDenied):
        make(user)


def test_the_company_reviews_only_dealers_promises(sales, vp):
    """SAL-11/S2: the company's own promises are published by its staff, not reviewed;
    steps outside the table are conflicts."""
    promise = make(sales)
    with pytest.raises(Conflict):
        services.promise_review(actor=vp, promise=promise, decision="approve")
    services.promise_submit(actor=sales, promise=promise)
    with pytest.raises(Conflict) as again:
        services.promise_submit(actor=sales, promise=promise)
    assert again.value.code == "illegal_transition"


# -- bad input ------------------------------------------------------------------------------------


def test_bad_input_names_the_field(client, sales, tv):
    """SAL-11/S2: a promise for a category and a product at once, one ending before it starts,
    or without its words is refused on the field concerned, and nothing is saved."""
    client.force_login(sales)
    response = client.post(
        "/orders/promises/new/",
        form(
            category=str(tv.category.pk),
            product=str(tv.pk),
            valid_from="2026-12-31",
            valid_until="2026-12-01",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="product"' in html and 'data-field-error="valid_until"' in html
    response = client.post("/orders/promises/new/", form(title="", text=""))
    html = response.content.decode()
    assert 'data-field-error="title"' in html and 'data-field-error="text"' in html
    assert not WrittenPromise.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        make(sales, title="  ", kind="nonsense")
    assert {"title", "kind"} <= set(refused.value.fields)


def test_a_stale_edit_is_refused(client, sales):
    """SAL-11/S2: two people editing one promise: the second save, made from the older
    version, is refused instead of silently undoing the first."""
    promise = make(sales)
    old = promise.version
    services.promise_update(actor=sales, promise=promise, text="新的文字。")
    client.force_login(sales)
    response = client.post(
        f"/orders/promises/{promise.pk}/edit/", form(text="旧的改动。", version=str(old))
    )
    assert response.status_code == 200
    promise.refresh_from_db()
    assert promise.text == "新的文字。"


# -- the list -------------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_says_when_empty(
    client, sales, dealer_person, django_assert_max_num_queries
):
    """SAL-11/S2: the list of promises, filtered by status, with an empty state."""
    client.force_login(sales)
    assert 'data-testid="empty-promises"' in client.get("/orders/promises/").content.decode()
    for n in range(12):
        promise = make(sales, title=f"公司承诺{n:02d}")
        if n % 2:
            services.promise_submit(actor=sales, promise=promise)
    waiting = make(dealer_person, title="待审核承诺")
    services.promise_submit(actor=dealer_person, promise=waiting)
    # session, user, roles, dealer membership, notifications badge, waiting count, count, rows
    with django_assert_max_num_queries(9):
        response = client.get("/orders/promises/")
    html = response.content.decode()
    assert html.count('data-testid="promise-row"') == 13
    published = client.get("/orders/promises/?status=published").content.decode()
    assert published.count('data-testid="promise-row"') == 6 and "待审核承诺" not in published
    submitted = client.get("/orders/promises/?status=submitted").content.decode()
    assert submitted.count('data-testid="promise-row"') == 1 and "待审核承诺" in submitted
    assert (
        'data-testid="empty-promises"'
        in client.get("/orders/promises/?status=rejected").content.decode()
    )


# -- the API --------------------------------------------------------------------------------------


def test_the_api_from_draft_to_published(api_as, make_user, sales, vp, dealer_person, tv):
    """SAL-11/S2: list, create, detail, update, submit and review through the API, with the
    status codes of the conventions."""
    dealer_api, vp_api = api_as(dealer_person), api_as(vp)
    created = dealer_api.post(
        "/api/v1/written-promises/",
        {
            "title": "送装一体",
            "kind": "delivery_installation",
            "text": "48 小时内送货上门。",
            "product": "TV-55",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    pk = body["id"]
    assert body["status"] == "draft" and body["scope"] == "product" and body["product"] == "TV-55"
    assert body["dealer"] == "sh-xuhui" and body["dealer_name"] == "上海徐汇经销店"
    assert body["category"] is None and body["version"] == 1 and body["review_reason"] == ""

    assert dealer_api.post(f"/api/v1/written-promises/{pk}/submit/").json()["status"] == "submitted"
    stale = dealer_api.patch(f"/api/v1/written-promises/{pk}/", {"text": "改", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    own = dealer_api.post(f"/api/v1/written-promises/{pk}/review/", {"decision": "approve"})
    assert own.status_code == 403 and own.json()["code"] == "permission_denied"
    no_reason = vp_api.post(f"/api/v1/written-promises/{pk}/review/", {"decision": "reject"})
    assert no_reason.status_code == 400 and set(no_reason.json()["fields"]) == {"reason"}
    wrong = vp_api.post(f"/api/v1/written-promises/{pk}/review/", {"decision": "maybe"})
    assert wrong.status_code == 400 and set(wrong.json()["fields"]) == {"decision"}
    approved = vp_api.post(
        f"/api/v1/written-promises/{pk}/review/", {"decision": "approve", "reason": "同意"}
    )
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "published" and body["reviewed_by"] == "vp1"
    assert body["review_reason"] == "同意" and body["published_at"]
    again = vp_api.post(f"/api/v1/written-promises/{pk}/review/", {"decision": "approve"})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"

    changed = dealer_api.patch(
        f"/api/v1/written-promises/{pk}/", {"text": "24 小时内送货上门。", "version": 3}
    )
    assert changed.status_code == 200 and changed.json()["status"] == "submitted"
    assert vp_api.get(f"/api/v1/written-promises/{pk}/").json()["text"] == "24 小时内送货上门。"
    listed = vp_api.get("/api/v1/written-promises/?status=submitted").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == pk
    assert vp_api.get("/api/v1/written-promises/?status=nonsense").status_code == 400
    assert api_as(make_user(Role.SERVICE)).get("/api/v1/written-promises/").status_code == 403
    assert vp_api.get("/api/v1/written-promises/999999/").status_code == 404


def test_the_api_names_the_wrong_field(api_as, sales, tv):
    """SAL-11/S2: bad input to the API is a 400 naming each field."""
    api = api_as(sales)
    both = api.post(
        "/api/v1/written-promises/",
        {"title": "价保", "kind": "price_protection", "text": "30 天价保。", "category": "color-tv",
         "product": "TV-55"},
    )  # fmt: skip
    assert both.status_code == 400 and set(both.json()["fields"]) == {"product"}
    backwards = api.post(
        "/api/v1/written-promises/",
        {"title": "价保", "kind": "price_protection", "text": "30 天价保。",
         "valid_from": "2026-12-31", "valid_until": "2026-12-01"},
    )  # fmt: skip
    assert backwards.status_code == 400 and set(backwards.json()["fields"]) == {"valid_until"}
    missing = api.post("/api/v1/written-promises/", {"kind": "other", "category": "nope"})
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {"title", "text", "category"}
    assert not WrittenPromise.objects.exists()
    created = api.post(
        "/api/v1/written-promises/",
        {"title": "价保", "kind": "price_protection", "text": "30 天价保。", "category": "color-tv",
         "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["scope"] == "category"


# -- the demo -------------------------------------------------------------------------------------


def test_the_demo_company_publishes_its_promises_and_a_dealer_waits_for_review():
    """SAL-11/S2: the demo seeds the company's 正品保证 (every product) and 30 天价保 (TVs), and
    上海徐汇经销店's published 终身维修 and submitted 送装一体, once however often it runs."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    rows = {
        (p.title, p.dealer.code if p.dealer else None): (p.status, p.scope)
        for p in WrittenPromise.objects.select_related("dealer")
    }
    assert rows == {
        ("正品保证", None): ("published", "all"),
        ("30 天价保", None): ("published", "category"),
        ("终身维修", "sh-xuhui"): ("published", "all"),
        ("送装一体", "sh-xuhui"): ("submitted", "product"),
    }
    html = public("TV-55A1", "sh-xuhui")
    written, dealer_section = section(html, "written-promises"), section(html, "dealer-promises")
    assert "正品保证" in written and "30 天价保" in written
    assert "终身维修" in dealer_section and "送装一体" not in html
    assert "30 天价保" not in public("FR-450")  # a fridge is no TV
