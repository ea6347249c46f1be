from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from aftersales.core.errors import PermissionDenied

from . import selectors, services
from .forms import AdminLoginForm
from .models import Department, LoginFailure, User
from .permissions import can_manage_users

# The admin's own log-in is locked after wrong passwords like the site's.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "department", "phone", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "department")
    search_fields = ("username", "full_name", "phone", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Work"), {"fields": ("full_name", "department", "phone")}),
    )
    actions = ["revoke_api_tokens", "unlock_sign_in"]

    @admin.action(description=_("Revoke the API tokens of the selected people"))
    def revoke_api_tokens(self, request, queryset):
        if not can_manage_users(request.user):
            self.message_user(request, PermissionDenied.default_message, messages.ERROR)
            return
        revoked = sum(
            services.user_token_revoke(actor=request.user, user=person) for person in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock the sign-in of the selected people"))
    def unlock_sign_in(self, request, queryset):
        if not can_manage_users(request.user):
            self.message_user(request, PermissionDenied.default_message, messages.ERROR)
            return
        for person in queryset:
            for failure in selectors.login_failures_for_user(request.user, user=person):
                services.login_failure_clear(actor=request.user, failure=failure)
        self.message_user(request, _("The selected people may sign in again."), messages.SUCCESS)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "active")
    search_fields = ("code", "name")


@admin.register(LoginFailure)
class LoginFailureAdmin(SimpleHistoryAdmin):
    """Failed sign-ins by account and address; the history lists every one."""

    list_display = (
        "username",
        "address",
        "failures",
        "failures_total",
        "last_failure_at",
        "locked_until",
        "locked",
    )
    list_filter = ("last_failure_at", "locked_until")
    search_fields = ("username", "address")
    readonly_fields = [f.name for f in LoginFailure._meta.fields]
    actions = ["unlock"]

    @admin.display(boolean=True, description=_("locked"))
    def locked(self, obj: LoginFailure) -> bool:
        return obj.is_locked(timezone.now())

    @admin.action(description=_("Unlock the selected sign-ins"))
    def unlock(self, request, queryset):
        if not can_manage_users(request.user):
            self.message_user(request, PermissionDenied.default_message, messages.ERROR)
            return
        for failure in queryset:
            services.login_failure_clear(actor=request.user, failure=failure)
        self.message_user(request, _("Unlocked."), messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
