"""Catalogue API: categories, products, batches and serial numbers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination
from aftersales.core.schema import paginated

from . import selectors, services
from .models import Batch, Category, Product, Supplier


def _paginated(request, view, queryset, serializer):
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    depth = serializers.IntegerField()
    warranty_policy = serializers.CharField(allow_null=True)


class CategoryListApi(APIView):
    """The category tree, parents before children."""

    @extend_schema(responses={200: CategorySerializer(many=True)})
    def get(self, request):
        rows = []
        for category, depth in selectors.category_tree():
            policy = category.effective_warranty_policy()
            rows.append(
                {
                    "id": category.pk,
                    "code": category.code,
                    "name": category.name,
                    "parent": category.parent.code if category.parent_id else None,
                    "depth": depth,
                    "warranty_policy": str(policy) if policy else None,
                }
            )
        return Response(CategorySerializer(rows, many=True).data)


class ProductOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    model = serializers.CharField()
    specification = serializers.CharField()
    unit = serializers.CharField()
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    shelf_life_days = serializers.IntegerField(allow_null=True)
    serial_tracked = serializers.BooleanField()
    category = serializers.CharField(source="category.code")
    manufacturer = serializers.CharField(source="manufacturer.code", allow_null=True, default=None)
    active = serializers.BooleanField()
    version = serializers.IntegerField()


class ProductInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120)
    model = serializers.CharField(max_length=60, required=False, allow_blank=True)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=10, required=False)
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    shelf_life_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )
    serial_tracked = serializers.BooleanField(required=False)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    manufacturer = serializers.SlugRelatedField(
        slug_field="code", queryset=Supplier.objects.all(), required=False, allow_null=True
    )
    active = serializers.BooleanField(required=False)


class ProductListCreateApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True)
        category = serializers.CharField(required=False)
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: paginated(ProductOutputSerializer)}
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        products = selectors.product_list_for_user(request.user, **filters.validated_data)
        return _paginated(request, self, products, ProductOutputSerializer)

    @extend_schema(request=ProductInputSerializer, responses={201: ProductOutputSerializer})
    def post(self, request):
        data = ProductInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(actor=request.user, data=data.validated_data)
        return Response(ProductOutputSerializer(product).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(APIView):
    class PatchSerializer(ProductInputSerializer):
        sku = serializers.CharField(max_length=40, required=False)
        name = serializers.CharField(max_length=120, required=False)
        list_price = serializers.DecimalField(
            max_digits=12, decimal_places=2, min_value=0, required=False
        )
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=Category.objects.all(), required=False
        )
        version = serializers.IntegerField(required=False)

    @extend_schema(responses={200: ProductOutputSerializer})
    def get(self, request, product_id: int):
        product = selectors.product_get_for_user(request.user, product_id=product_id)
        return Response(ProductOutputSerializer(product).data)

    @extend_schema(request=PatchSerializer, responses={200: ProductOutputSerializer})
    def patch(self, request, product_id: int):
        product = selectors.product_get_for_user(request.user, product_id=product_id)
        data = self.PatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        product = services.product_update(
            actor=request.user, product=product, data=values, expected_version=version
        )
        return Response(ProductOutputSerializer(product).data)


class BatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.CharField(source="product.sku")
    batch_no = serializers.CharField()
    production_date = serializers.DateField()
    expiry_date = serializers.DateField(allow_null=True)
    packer_no = serializers.CharField()
    packing_list_ref = serializers.CharField()
    quality_status = serializers.CharField()


class BatchListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        product = serializers.SlugRelatedField(slug_field="sku", queryset=Product.objects.all())
        batch_no = serializers.CharField(max_length=40)
        production_date = serializers.DateField()
        packer_no = serializers.CharField(max_length=40, required=False, allow_blank=True)
        packing_list_ref = serializers.CharField(max_length=60, required=False, allow_blank=True)
        quality_status = serializers.ChoiceField(
            choices=Batch.QualityStatus.choices, required=False
        )

    @extend_schema(responses={200: paginated(BatchOutputSerializer)})
    def get(self, request):
        batches = selectors.batch_list_for_user(request.user, q=request.query_params.get("q", ""))
        return _paginated(request, self, batches, BatchOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: BatchOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.batch_create(actor=request.user, data=data.validated_data)
        return Response(BatchOutputSerializer(batch).data, status=status.HTTP_201_CREATED)


class SerialOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    product = serializers.CharField(source="product.sku")
    batch = serializers.CharField(source="batch.batch_no", allow_null=True, default=None)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    sale_ref = serializers.CharField()
    delivery_ref = serializers.CharField()
    warranty_start = serializers.DateField(allow_null=True)


class SerialListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        serial = serializers.CharField(max_length=60)
        product = serializers.SlugRelatedField(slug_field="sku", queryset=Product.objects.all())
        batch = serializers.PrimaryKeyRelatedField(
            queryset=Batch.objects.all(), required=False, allow_null=True
        )
        warranty_start = serializers.DateField(required=False, allow_null=True)
        sale_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)
        delivery_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)

    @extend_schema(responses={200: paginated(SerialOutputSerializer)})
    def get(self, request):
        serials = selectors.serial_list_for_user(request.user, q=request.query_params.get("q", ""))
        return _paginated(request, self, serials, SerialOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: SerialOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        serial = services.serial_create(actor=request.user, data=data.validated_data)
        return Response(SerialOutputSerializer(serial).data, status=status.HTTP_201_CREATED)
