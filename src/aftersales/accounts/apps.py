from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from aftersales.core.navigation import NavItem, register_nav

        from .services import user_record_login, user_record_login_failure

        # Signing in is not an edit of the person: record it without a history row.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(user_record_login, dispatch_uid="aftersales_record_login")
        # Wrong passwords count towards the sign-in lock (services.login_failure_record).
        user_login_failed.connect(
            user_record_login_failure, dispatch_uid="aftersales_record_login_failure"
        )

        from .roles import Role

        register_nav(
            NavItem(
                "users",
                _("Users & roles"),
                "accounts:user-list",
                icon="people",
                roles=frozenset({Role.ADMIN.value}),
                order=900,
            ),
        )
