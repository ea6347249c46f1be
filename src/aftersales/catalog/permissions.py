from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role

EDIT_ROLES = {Role.ADMIN, Role.SALES, Role.QUALITY_INSPECTION, Role.QUALITY, Role.LOGISTICS}


def can_view_catalog(user) -> bool:
    return bool(user_roles(user))


def can_edit_catalog(user) -> bool:
    """Products, batches and serials are kept by the company, not by dealers."""
    return user_has_role(user, *EDIT_ROLES)
