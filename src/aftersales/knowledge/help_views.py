"""The public help centre (FB-4): published public articles for customers on their phones —
search in Chinese, browse by product, "did this solve your problem?", and a request for
service when it did not. No sign-in; rate-limited per address."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.catalog.models import Category, Product
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form
from aftersales.core.throttling import address_rate_exceeded

from . import selectors, services
from .views import attachment_response

PAGE = 20


def _public(number: str):
    article = selectors.public_articles().filter(number=number).first()
    if article is None or article.published is None:
        raise Http404
    return article


def _categories():
    """The top categories with public articles, for browsing."""
    public = selectors.public_articles()
    ids = set(public.values_list("categories", flat=True)) | set(
        public.values_list("products__category", flat=True)
    )
    ids.discard(None)
    tops = {}
    for category in Category.objects.filter(pk__in=ids).select_related("parent"):
        tops[category.pk] = category
    return sorted(tops.values(), key=lambda c: c.code)


def index(request):
    q = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    articles = selectors.public_articles()
    chosen = None
    if category.isdigit():
        chosen = Category.objects.filter(pk=int(category)).first()
        if chosen is not None:
            from .search import _category_tree

            tree = _category_tree(chosen)
            articles = articles.filter(Q(categories__in=tree) | Q(products__category__in=tree))
    product = request.GET.get("product", "")
    item = None
    if product.isdigit():
        item = Product.objects.filter(pk=int(product), active=True).first()
        if item is not None:
            above = {c.pk for c in item.category.path()}
            articles = articles.filter(Q(products=item) | Q(categories__in=above))
    products = []
    if chosen is not None:
        # The products of the chosen category that have public articles, to narrow it down.
        products = list(
            Product.objects.filter(
                active=True, category__in=tree, articles__in=selectors.public_articles()
            )
            .distinct()
            .order_by("name")
        )
    if q and address_rate_exceeded(request, "help_search"):
        return render(request, "knowledge/help/index.html", {"limited": True, "q": q}, status=429)
    articles = (
        selectors.article_search(articles, q).distinct().order_by("-helpful", "-views", "number")
    )
    page = Paginator(articles.select_related("published"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/help/index.html",
        {
            "page": page,
            "q": q,
            "categories": _categories(),
            "chosen": chosen,
            "products": products,
            "product": item,
        },
    )


def article(request, number: str):
    item = _public(number)
    services.article_viewed(item)
    voted = request.session.get("help_votes", {}).get(item.number)
    return render(
        request,
        "knowledge/help/article.html",
        {
            "article": item,
            "shown": item.published,
            "attachments": item.attachments.all(),
            "products": item.products.all(),
            "voted": voted,
        },
    )


@require_POST
def vote(request, number: str):
    item = _public(number)
    if address_rate_exceeded(request, "help_vote"):
        messages.error(request, _("Too many tries. Please wait a minute."))
        return redirect("help:article", number=number)
    votes = request.session.get("help_votes", {})
    if number not in votes:  # one answer per visitor and article
        helpful = request.POST.get("helpful") == "yes"
        services.article_vote(article=item, helpful=helpful)
        votes[number] = "yes" if helpful else "no"
        request.session["help_votes"] = votes
    if votes[number] == "no":
        return redirect(f"{_request_url()}?article={number}")
    messages.success(request, _("Thank you. Glad it helped."))
    return redirect("help:article", number=number)


def _request_url() -> str:
    from django.urls import reverse

    return reverse("help:request")


def article_file(request, number: str, pk: int):
    item = _public(number)
    return attachment_response(get_object_or_404(item.attachments, pk=pk))


class RequestForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=60)
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=24)
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.filter(active=True).order_by("sku"),
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].label_from_instance = lambda p: p.name


# The intake's field names on this form.
_FORM_FIELDS = {
    "customer_phone": "phone",
    "customer.phone": "phone",
    "customer_name": "name",
    "customer.name": "name",
    "product_sku": "product",
}


def service_request(request):
    """A request for service from the help centre: a case through the intake service, with
    channel web; the customer receives its number by SMS as at any intake."""
    from aftersales.service.services.intake import IntakeInput, case_intake_public

    related = request.GET.get("article", "")
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        if address_rate_exceeded(request, "help_request"):
            form.add_error(None, _("Too many requests from this address. Please wait a minute."))
        elif form.is_valid():
            d = form.cleaned_data
            description = d["description"]
            if related:
                description += "\n" + _("(read support article %(number)s)") % {"number": related}
            try:
                case = case_intake_public(
                    data=IntakeInput(
                        channel="web",
                        kind="repair",
                        customer_name=d["name"],
                        customer_phone=d["phone"],
                        description=description,
                        product_sku=d["product"].sku if d["product"] else "",
                    )
                )
            except ApplicationError as exc:
                add_error_to_form(
                    form,
                    type(exc)(
                        exc.message,
                        fields={_FORM_FIELDS.get(k, k): v for k, v in exc.fields.items()},
                    )
                    if exc.fields
                    else exc,
                )
            else:
                return render(request, "knowledge/help/request_done.html", {"case": case})
    return render(request, "knowledge/help/request.html", {"form": form, "related": related})


# The counts a help centre answers with, for the staff's article page and tests.
def vote_counts(article) -> dict:
    return article.votes.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
