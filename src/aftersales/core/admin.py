from django import forms
from django.contrib import admin
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role

from .errors import InvalidInput
from .messaging import default_text, message_keys, sample_context, template_fields
from .models import ExportRecord, MessageTemplate, NumberCounter, NumberSeries, OutboundMessage
from .services import message_template_check, message_template_save


@admin.register(NumberSeries)
class NumberSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "name", "prefix", "padding")
    search_fields = ("kind", "name", "prefix")


@admin.register(NumberCounter)
class NumberCounterAdmin(admin.ModelAdmin):
    list_display = ("series", "day", "last_value")
    list_filter = ("series",)
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # numbers are given out by the numbering service only

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Every export of business data (SEC-1): read-only."""

    list_display = ("at", "user", "what", "rows", "filters")
    list_filter = ("what",)
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The customer message outbox: what was sent by SMS or e-mail, and what failed."""

    list_display = ("created_at", "channel", "to", "status", "attempts", "related", "error")
    list_filter = ("channel", "status")
    search_fields = ("to", "related", "body")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _placeholder_list(fields: list[str]) -> str:
    return "、".join(f"%({f})s" for f in fields) or str(_("none"))


class MessageTemplateForm(forms.ModelForm):
    key = forms.ChoiceField(label=pgettext_lazy("message template", "Message"))

    class Meta:
        model = MessageTemplate
        fields = ("key", "text", "active")
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "cols": 90})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].choices = [("", "---------")] + [
                (key, f"{key} · {Truncator(default_text(key)).chars(48)}") for key in message_keys()
            ]
        self.fields["text"].help_text = _(
            "Write a field as %(example)s, using only the fields of the built-in text; write a "
            "percent sign as %(percent)s."
        ) % {"example": "%(name)s", "percent": "%%"}

    def clean(self):
        data = super().clean()
        key = data.get("key") or self.instance.key
        if key and data.get("text"):
            try:
                data["text"] = message_template_check(key=key, text=data["text"])
            except InvalidInput as exc:
                for name, errors in exc.fields.items():
                    for error in errors:
                        self.add_error(name if name in self.fields else None, error)
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin):
    """Administrators reword the customer messages (SMS and e-mail). The built-in text stays
    beside the key; the preview fills the fields with sample values. Deleting a template, or
    switching it off, gives customers the built-in text again."""

    form = MessageTemplateForm
    list_display = ("key", "excerpt", "active", "updated_by", "updated_at")
    list_filter = ("active",)
    search_fields = ("key", "text")
    list_select_related = ("updated_by",)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("key", "text", "active")})]
        return [
            (None, {"fields": (("key", "default_text"), "allowed_fields")}),
            (_("Your text"), {"fields": ("text", "preview", "active")}),
            (_("Last change"), {"fields": ("updated_by", "updated_at")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("key", "default_text", "allowed_fields", "preview", "updated_by", "updated_at")

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.text).chars(60)

    @admin.display(description=_("built-in text"))
    def default_text(self, obj):
        return default_text(obj.key) if obj.key in message_keys() else "—"

    @admin.display(description=_("fields it may use"))
    def allowed_fields(self, obj):
        return _placeholder_list(template_fields(obj.key)) if obj.key in message_keys() else "—"

    @admin.display(description=_("preview"))
    def preview(self, obj):
        """The saved text with sample values, as a customer would read it."""
        if obj.key not in message_keys():
            return "—"
        try:
            text = obj.text % sample_context(template_fields(obj.key))
        except (KeyError, ValueError, TypeError):
            return _(
                "The text no longer fits the message's fields; customers get the built-in text."
            )
        return format_html(
            '<div style="max-width:40rem;padding:.5rem .75rem;border:1px solid #ccc;'
            'border-radius:.5rem;background:#f8f8f8">{}</div>',
            # linebreaks escapes the text itself; its <p>/<br> are the only markup.
            mark_safe(linebreaks(text, autoescape=True)),
        )

    def save_model(self, request, obj, form, change):
        saved = message_template_save(
            actor=request.user, key=obj.key, text=obj.text, active=obj.active
        )
        obj.pk, obj.updated_by, obj.updated_at = saved.pk, saved.updated_by, saved.updated_at
        obj.created_at = saved.created_at
        obj._state.adding = False

    def has_add_permission(self, request) -> bool:
        return user_has_role(request.user, Role.ADMIN)

    def has_change_permission(self, request, obj=None) -> bool:
        return user_has_role(request.user, Role.ADMIN)

    def has_delete_permission(self, request, obj=None) -> bool:
        return user_has_role(request.user, Role.ADMIN)

    def has_view_permission(self, request, obj=None) -> bool:
        return user_has_role(request.user, Role.ADMIN)
