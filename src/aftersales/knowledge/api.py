"""The knowledge base over the API (FB-4): suggestions for a description (what the intake
form shows while the agent types), article search and reading, and putting a suggestion to
use on a case (attach it, or send an article to the customer)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.catalog.models import Category, FaultCode, Product
from aftersales.core.api import Pagination
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.service.selectors import case_get_for_user

from . import permissions, selectors, services
from .search import Query


class ArticleSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    visibility = serializers.CharField()
    status = serializers.CharField()
    fault_codes = serializers.SerializerMethodField()
    used = serializers.IntegerField()
    helpful = serializers.IntegerField()
    not_helpful = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    def get_fault_codes(self, article) -> list[str]:
        return [f.code for f in article.fault_codes.all()]

    def get_url(self, article) -> str:
        return reverse("knowledge:article", args=[article.number])

    def get_public_url(self, article) -> str | None:
        if article.visibility != "public" or article.status != "published":
            return None
        return reverse("help:article", args=[article.number])


class ArticleSerializer(ArticleSummarySerializer):
    version = serializers.IntegerField(source="published.number", default=None)
    problem = serializers.CharField(source="published.problem", default="")
    symptoms = serializers.CharField(source="published.symptoms", default="")
    cause = serializers.CharField(source="published.cause", default="")
    solution_steps = serializers.SerializerMethodField()
    parts = serializers.CharField(source="published.parts", default="")
    safety = serializers.CharField(source="published.safety", default="")
    products = serializers.SerializerMethodField()

    def get_solution_steps(self, article) -> list[str]:
        return article.published.steps() if article.published else []

    def get_products(self, article) -> list[str]:
        return [p.sku for p in article.products.all()]


class ArticleHitSerializer(serializers.Serializer):
    score = serializers.FloatField()
    article = ArticleSummarySerializer()


class CaseHitSerializer(serializers.Serializer):
    score = serializers.FloatField()
    number = serializers.CharField(source="case.number")
    product_sku = serializers.CharField(source="case.product.sku", default=None)
    description = serializers.CharField(source="case.description")
    solution = serializers.CharField(source="case.solution")
    url = serializers.SerializerMethodField()

    def get_url(self, hit) -> str:
        return reverse("service:case-detail", args=[hit.case.number])


class SuggestionsSerializer(serializers.Serializer):
    fault_codes = serializers.ListField(child=serializers.CharField())
    articles = ArticleHitSerializer(many=True)
    cases = CaseHitSerializer(many=True)


def _reader(request) -> None:
    if not permissions.can_open_knowledge(request.user):
        raise PermissionDenied()


class SuggestionsApi(APIView):
    """``GET /api/v1/knowledge/suggestions/?text=…&product_sku=…&category=…&case=…``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("text", str, description="What the customer says (Chinese)."),
            OpenApiParameter("product_sku", str),
            OpenApiParameter("category", str, description="A category code."),
            OpenApiParameter(
                "case", str, description="A case number: its text, product and fault code."
            ),
        ],
        responses={200: SuggestionsSerializer},
        operation_id="knowledge_suggestions",
    )
    def get(self, request):
        _reader(request)
        params = request.query_params
        text = params.get("text", "")[:2000]
        product = category = fault = case = None
        if params.get("case"):
            case = case_get_for_user(request.user, number=params["case"])
            if case is None:
                raise InvalidInput(fields={"case": [_("No case has this number.")]})
            text = text or case.description
            product, fault = case.product, case.fault_code
        errors = {}
        if params.get("product_sku"):
            product = Product.objects.filter(sku__iexact=params["product_sku"].strip()).first()
            if product is None:
                errors["product_sku"] = [_("No product has this SKU.")]
        if params.get("category"):
            category = Category.objects.filter(code=params["category"].strip()).first()
            if category is None:
                errors["category"] = [_("No category has this code.")]
        if not text.strip():
            errors["text"] = [_("Say what is wrong.")]
        if errors:
            raise InvalidInput(fields=errors)
        query = Query.build(text, product=product, category=category, fault_code=fault)
        body = {
            "fault_codes": list(
                FaultCode.objects.filter(pk__in=query.fault_ids).values_list("code", flat=True)
            ),
            "articles": selectors.suggest_articles(request.user, query),
            "cases": selectors.similar_cases(
                request.user, query, exclude=case.pk if case else None
            ),
        }
        return Response(SuggestionsSerializer(body).data)


class ArticleListApi(APIView):
    """``GET /api/v1/knowledge/articles/?q=…``: published articles the caller may read."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Words, all of them (Chinese).")],
        responses={200: paginated(ArticleSummarySerializer)},
        operation_id="knowledge_articles",
    )
    def get(self, request):
        _reader(request)
        articles = selectors.article_list_for_user(request.user).filter(status="published")
        articles = selectors.article_search(articles, request.query_params.get("q", ""))
        # No join here (visibility and words are columns): no DISTINCT to pay for.
        articles = articles.prefetch_related("fault_codes").order_by("-used", "number")
        paginator = Pagination()
        page = paginator.paginate_queryset(articles, request, view=self)
        return paginator.get_paginated_response(ArticleSummarySerializer(page, many=True).data)


class ArticleApi(APIView):
    """``GET /api/v1/knowledge/articles/{number}/``: the published text."""

    @extend_schema(responses={200: ArticleSerializer}, operation_id="knowledge_article")
    def get(self, request, number: str):
        _reader(request)
        article = (
            selectors.article_list_for_user(request.user)
            .filter(number=number, status="published")
            .prefetch_related("fault_codes", "products")
            .first()
        )
        if article is None:
            raise NotFound()
        return Response(ArticleSerializer(article).data)


class UseInput(serializers.Serializer):
    case = serializers.CharField()
    action = serializers.ChoiceField(choices=["attach", "send"])
    article = serializers.CharField(required=False, allow_blank=True, default="")
    similar_case = serializers.CharField(required=False, allow_blank=True, default="")


class UseOutput(serializers.Serializer):
    case = serializers.CharField(source="case.number")
    action = serializers.CharField()
    article = serializers.CharField(source="article.number", default=None)
    similar_case = serializers.CharField(source="similar_case.number", default=None)
    at = serializers.DateTimeField()


class UseApi(APIView):
    """``POST /api/v1/knowledge/uses/`` ``{"case", "action": "attach"|"send", "article"}``
    or ``{"case", "action": "attach", "similar_case"}`` → 201."""

    @extend_schema(request=UseInput, responses={201: UseOutput}, operation_id="knowledge_use")
    def post(self, request):
        data = UseInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case = case_get_for_user(request.user, number=v["case"])
        if case is None:
            raise InvalidInput(fields={"case": [_("No case has this number.")]})
        article = other = None
        if v["article"]:
            article = selectors.article_get_for_user(request.user, v["article"])
            if article is None:
                raise InvalidInput(fields={"article": [_("No article has this number.")]})
        if v["similar_case"]:
            other = case_get_for_user(request.user, number=v["similar_case"])
            if other is None:
                raise InvalidInput(fields={"similar_case": [_("No case has this number.")]})
        if v["action"] == "send":
            if article is None:
                raise InvalidInput(fields={"article": [_("Name the article to send.")]})
            use = services.article_send(actor=request.user, case=case, article=article)
        else:
            use = services.suggestion_attach(
                actor=request.user, case=case, article=article, similar_case=other
            )
        return Response(UseOutput(use).data, status=status.HTTP_201_CREATED)
