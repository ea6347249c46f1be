from django.conf import settings
from django.utils.functional import SimpleLazyObject

from aftersales.accounts.permissions import user_roles

from .navigation import nav_for_user
from .notifications import unread_count


def site(request):
    from .company import company

    user = getattr(request, "user", None)
    profile = SimpleLazyObject(company)
    if user is None or not user.is_authenticated:
        return {
            "site_title": settings.SITE_TITLE,
            "company": profile,
            "nav_items": [],
            "current_path": request.path,
        }
    return {
        "site_title": settings.SITE_TITLE,
        "company": profile,
        "nav_items": nav_for_user(user, user_roles(user)),
        "unread_notifications": unread_count(user),
        "current_path": request.path,
    }
