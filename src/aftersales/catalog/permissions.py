from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role

EDIT_ROLES = {Role.ADMIN, Role.SALES, Role.QUALITY_INSPECTION, Role.QUALITY, Role.LOGISTICS}


def can_view_catalog(user) -> bool:
    return bool(user_roles(user))


def can_edit_catalog(user) -> bool:
    """Products, batches and serials are kept by the company, not by dealers."""
    return user_has_role(user, *EDIT_ROLES)


def can_request_release(user) -> bool:
    """Sales and logistics ask for an emergency release of uninspected goods (QC-3)."""
    return user_has_role(user, Role.SALES, Role.LOGISTICS, Role.SALES_VP, Role.ADMIN)


def can_decide_release(user) -> bool:
    """The vice-president alone decides it; an administrator without that role may not."""
    return user_has_role(user, Role.SALES_VP)
