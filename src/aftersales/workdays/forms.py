from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledFormMixin


class OverrideForm(StyledFormMixin, forms.Form):
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_workday = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("0", _("a rest day")), ("1", _("a working day"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(
        label=_("Reason"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. company annual meeting")}),
    )


class AnnouncementForm(StyledFormMixin, forms.Form):
    notice = forms.CharField(
        label=_("Notice"),
        max_length=200,
        # The notice's title is Chinese in every language: the example is one.
        widget=forms.TextInput(
            attrs={"placeholder": "国务院办公厅关于2027年部分节假日安排的通知", "lang": "zh-Hans"}
        ),
    )
    file = forms.FileField(
        label=_("Schedule (CSV)"),
        help_text=_(
            "Columns kind,start,end,name — e.g. holiday,2027-02-05,2027-02-12,Spring Festival "
            "and workday,2027-02-14,,Spring Festival make-up working day."
        ),
    )


class NoticeForm(StyledFormMixin, forms.Form):
    """The State Council's notice, pasted or uploaded as a .txt file (R43)."""

    text = forms.CharField(
        label=_("Notice text"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(
            attrs={
                "rows": 12,
                "placeholder": "国务院办公厅关于2027年部分节假日安排的通知\n…\n一、元旦：…",
                "spellcheck": "false",
                "lang": "zh-Hans",
            }
        ),
        help_text=_(
            "Paste the whole notice as published on www.gov.cn; only the numbered "
            "arrangements are read."
        ),
    )
    file = forms.FileField(
        label=_("…or upload it as a .txt file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
    )

    MAX_BYTES = 200_000

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                self.add_error("file", _("The file is too large for a notice."))
                return data
            raw = upload.read()
            try:
                data["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    data["text"] = raw.decode("gb18030")  # saved by Windows Notepad in China
                except UnicodeDecodeError:
                    self.add_error("file", _("This is not a readable text file."))
        if not (data.get("text") or "").strip() and not self.errors:
            self.add_error("text", _("Paste the notice's text or upload it."))
        return data
