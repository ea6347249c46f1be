"""What customers are told by the feedback loop (SMS / e-mail, in Chinese)."""

from django.utils.translation import gettext_lazy as _

CUSTOMER_MESSAGES = {
    "survey_invite": _(
        "Dear %(name)s, your case %(number)s is closed. How did we do? Six short questions: "
        "%(url)s (valid for %(days)s days)"
    ),
}
