"""The roles of REQUIREMENTS.md "People and roles". Each role is a Django group of this name.

One person may hold several roles. The groups are created by a data migration
(``0002_create_role_groups``), so every database has them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales")
    SALES_VP = "sales_vp", _("Sales vice-president")
    QUALITY_INSPECTION = "quality_inspection", _("Quality inspection")
    QUALITY = "quality", _("Quality department")
    LOGISTICS = "logistics", _("Logistics and warehouse")
    SERVICE = "service", _("After-sales service")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    DEALER = "dealer", _("Dealer / merchant")
    HR = "hr", _("Human resources")
    ADMIN = "admin", _("Administrator")


ROLE_DESCRIPTIONS = {
    Role.SALES: _("Contracts and orders, delivery arrangements, customer files."),
    Role.SALES_VP: _("Approves contracts and emergency releases of uninspected goods."),
    Role.QUALITY_INSPECTION: _("Inspects materials and goods, issues certificates, releases."),
    Role.QUALITY: _("Judges responsibility for defects; corrective and preventive actions."),
    Role.LOGISTICS: _("Warehouse receipts and issues, shipping and delivery records."),
    Role.SERVICE: _("Engineers and technicians: diagnosis, repair, on-site visits."),
    Role.CUSTOMER_SERVICE: _("Takes complaints and requests from every channel, follow-ups."),
    Role.DEALER: _(
        "Sees only its own customers and cases; carries out the Three Guarantees (三包) for them."
    ),
    Role.HR: _("Training, qualifications and the staff assessment scorecards."),
    Role.ADMIN: _("Manages users, roles, policies and system settings."),
}
