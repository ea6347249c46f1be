from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role


def can_manage_calendar(user) -> bool:
    """Overrides, announcements and SLA policies are set by administrators."""
    return user_has_role(user, Role.ADMIN)
