from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        # Load the Celery app in every process (web too), so tasks pick up our settings:
        # eager without a broker, queued with one.
        import config.celery  # noqa: F401
        from aftersales.accounts.roles import Role

        from .api import refuse_numbers_as_text
        from .models import MessageTemplate
        from .navigation import NavItem, register_nav
        from .sms import checks  # noqa: F401  (registers the SMS template check)

        refuse_numbers_as_text()

        register_nav(NavItem("home", _("Home"), "core:home", icon="house", order=0))
        register_nav(
            NavItem(
                "company",
                _("Company profile"),
                "core:company-profile",
                icon="building",
                roles=frozenset({Role.ADMIN.value}),
                order=950,
            )
        )
        # Cache invalidation is what signals are for: a saved or deleted message template,
        # from the service or the admin, makes every process read the overrides again.
        post_save.connect(_message_templates_changed, sender=MessageTemplate)
        post_delete.connect(_message_templates_changed, sender=MessageTemplate)


def _message_templates_changed(**kwargs) -> None:
    from .messaging import message_templates_changed

    message_templates_changed()
