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
    # SVC-10, SVC-11: late delivery.
    "case_delay_compensation": _(
        "Dear %(name)s, order %(order)s is %(days)s days past its promised delivery date. For "
        "case %(number)s we offer you compensation of ¥%(amount)s. Please tell us whether you "
        "accept; details at %(url)s"
    ),
    "case_delay_compensation_refund": _(
        "Dear %(name)s, order %(order)s is %(days)s days past its promised delivery date. For "
        "case %(number)s we offer you compensation of ¥%(amount)s; as the delay exceeds "
        "%(refund_days)s days you may choose a full refund of the order instead. Please tell "
        "us your choice; details at %(url)s"
    ),
}
