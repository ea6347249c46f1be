"""The calendar's Chinese words in the reader's language: the weekday headers of the month
grids and the statutory holidays' names (the calendar core and the notices store Chinese).

A name a company typed for its own day off (公司年会 …) is its data and shown as it is."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.core.seeded import is_chinese

# Monday first, as the grids are.
WEEKDAYS = [
    pgettext_lazy("calendar header", "Mo"),
    pgettext_lazy("calendar header", "Tu"),
    pgettext_lazy("calendar header", "We"),
    pgettext_lazy("calendar header", "Th"),
    pgettext_lazy("calendar header", "Fr"),
    pgettext_lazy("calendar header", "Sa"),
    pgettext_lazy("calendar header", "Su"),
]

HOLIDAYS = {
    "元旦": gettext_lazy("New Year's Day"),
    "春节": gettext_lazy("Spring Festival"),
    "清明节": gettext_lazy("Qingming Festival"),
    "清明": gettext_lazy("Qingming Festival"),
    "劳动节": gettext_lazy("Labour Day"),
    "端午节": gettext_lazy("Dragon Boat Festival"),
    "中秋节": gettext_lazy("Mid-Autumn Festival"),
    "国庆节": gettext_lazy("National Day"),
    "抗战胜利70周年纪念日": gettext_lazy("Victory Day (70th anniversary)"),
}
IN_LIEU = "（补假）"  # a day off given for a holiday that fell on a weekend
MAKE_UP = "调休上班"  # a weekend day worked to make a longer holiday


def holiday_name(name: str) -> str:
    """A day's name as the calendar shows it: a statutory holiday's in English on an English
    page, anything else as stored."""
    if not name or is_chinese():
        return name
    if name in HOLIDAYS:
        return str(HOLIDAYS[name])
    if name.endswith(IN_LIEU) and name[: -len(IN_LIEU)] in HOLIDAYS:
        return _("%(holiday)s (day off in lieu)") % {"holiday": HOLIDAYS[name[: -len(IN_LIEU)]]}
    if name.endswith(MAKE_UP) and name[: -len(MAKE_UP)] in HOLIDAYS:
        return _("%(holiday)s (make-up working day)") % {"holiday": HOLIDAYS[name[: -len(MAKE_UP)]]}
    return name
