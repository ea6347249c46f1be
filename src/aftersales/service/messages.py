"""What customers are told about their case (SMS / e-mail, in Chinese)."""

from django.utils.translation import gettext_lazy as _

CUSTOMER_MESSAGES = {
    "case_received": _(
        "Dear %(name)s, we have received your request; your case number is %(number)s. "
        "Follow it at %(url)s"
    ),
    "case_accepted": _("Dear %(name)s, case %(number)s has been accepted and is being handled."),
    "case_timetable": _("Dear %(name)s, for case %(number)s we will: %(timetable)s"),
    "case_resolved": _(
        "Dear %(name)s, case %(number)s has been resolved: %(solution)s Please confirm "
        "whether you are satisfied at %(url)s"
    ),
}
