from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.core.clientip import client_ip
from aftersales.core.errors import TooManyRequests
from aftersales.core.forms import StyledFormMixin

from .models import Department
from .roles import Role


class SignInLockMixin:
    """Before any password is checked, a locked account is refused with the reason; and the
    wrong password that locks it says so at once. Wrong passwords are counted by
    ``services.user_record_login_failure`` (Django's ``user_login_failed``)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        self._refuse_if_locked(username)
        try:
            return super().clean()
        except ValidationError:
            self._refuse_if_locked(username)
            raise

    def _refuse_if_locked(self, username) -> None:
        from . import services

        if not username or self.request is None:
            return
        try:
            services.login_refuse_if_locked(username=username, address=client_ip(self.request))
        except TooManyRequests as exc:
            raise ValidationError(exc.message, code="sign_in_locked") from None


class AdminLoginForm(SignInLockMixin, AdminAuthenticationForm):
    """The admin site's log-in, with the same lock."""


class LoginForm(SignInLockMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class UserProfileFields(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(active=True)


class UserCreateForm(UserProfileFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        min_length=8,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 8 characters; the person can change it after signing in."),
    )
    field_order = ["username", "full_name", "password"]


class UserEditForm(UserProfileFields):
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False)
