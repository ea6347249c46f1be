"""Accounts API: tokens, the current person, and (for administrators) people and roles."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination
from aftersales.core.clientip import client_ip
from aftersales.core.errors import InvalidInput
from aftersales.core.schema import paginated

from . import selectors, services
from .models import Department, User
from .permissions import has_role, user_roles
from .roles import Role


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    phone = serializers.CharField()
    department = DepartmentSerializer(allow_null=True)
    roles = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()

    def get_roles(self, user) -> list[str]:
        return sorted(user_roles(user))


class TokenObtainApi(APIView):
    """``POST``: exchange a username and password for an API token (``Authorization: Token
    <key>``), good until ``expires_at`` (``API_TOKEN_DAYS`` after its issue; asked again after
    that, a new one is issued). After ``LOGIN_FAILURE_LIMIT`` wrong passwords the account is
    locked from the caller's address (429, with ``Retry-After``), the right password included.

    ``DELETE``: the signed-in caller revokes their own token (204)."""

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    def get_authenticators(self):
        # Issuing needs no sign-in, and a stale token in the headers must not stand in its way.
        request = getattr(self, "request", None)
        if request is not None and request.method == "DELETE":
            return super().get_authenticators()
        return []

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, address = data.validated_data["username"], client_ip(request)
        services.login_refuse_if_locked(username=username, address=address)
        user = authenticate(request, **data.validated_data)
        if user is None:
            # The failure was counted (user_login_failed); say so at once if it locked.
            services.login_refuse_if_locked(username=username, address=address)
            raise InvalidInput(
                _("Wrong username or password."),
                code="invalid_credentials",
                fields={"password": [_("Wrong username or password.")]},
            )
        services.login_success_record(username=user.get_username(), address=address)
        token = services.user_token_get(user=user)
        return Response({"token": token.key, "expires_at": selectors.token_expires_at(token)})

    @extend_schema(
        request=None,
        responses={204: None},
        description="The signed-in caller revokes their own API token.",
    )
    def delete(self, request):
        services.user_token_revoke(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    """The signed-in person with their roles."""

    @extend_schema(responses={200: UserOutputSerializer})
    def get(self, request):
        user = User.objects.select_related("department").get(pk=request.user.pk)
        return Response(UserOutputSerializer(user).data)


class UserListCreateApi(APIView):
    """People and their roles; administrators only."""

    permission_classes = [has_role(Role.ADMIN)]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=Role.choices, required=False)
        department = serializers.CharField(required=False)
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
        password = serializers.CharField(min_length=8, write_only=True)
        full_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        phone = serializers.CharField(max_length=24, required=False, allow_blank=True)
        department = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Department.objects.filter(active=True),
            required=False,
            allow_null=True,
        )
        roles = serializers.ListField(
            child=serializers.ChoiceField(choices=Role.choices), required=False
        )

    @extend_schema(parameters=[FilterSerializer], responses={200: paginated(UserOutputSerializer)})
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        users = selectors.user_list_for_user(request.user, **filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(users, request, view=self)
        return paginator.get_paginated_response(UserOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: UserOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **data.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailApi(APIView):
    permission_classes = [has_role(Role.ADMIN)]

    @extend_schema(responses={200: UserOutputSerializer})
    def get(self, request, user_id: int):
        user = selectors.user_get_for_user(request.user, user_id=user_id)
        return Response(UserOutputSerializer(user).data)


class UserTokenApi(APIView):
    """An administrator revokes a person's API token (204)."""

    permission_classes = [has_role(Role.ADMIN)]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, user_id: int):
        user = selectors.user_get_for_user(request.user, user_id=user_id)
        services.user_token_revoke(actor=request.user, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserRolesApi(APIView):
    """Replace a person's roles: ``{"roles": ["service", "customer_service"]}``."""

    permission_classes = [has_role(Role.ADMIN)]

    class InputSerializer(serializers.Serializer):
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))

    @extend_schema(request=InputSerializer, responses={200: UserOutputSerializer})
    def put(self, request, user_id: int):
        user = selectors.user_get_for_user(request.user, user_id=user_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_set_roles(actor=request.user, user=user, **data.validated_data)
        return Response(UserOutputSerializer(user).data)
