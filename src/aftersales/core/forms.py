"""Helpers that let pages show domain errors the way the API does: on the field concerned."""

from __future__ import annotations

from django import forms
from django.core import validators

from .errors import ApplicationError


def error_text(error: ApplicationError) -> str:
    """One line for a page message: the field messages, or the error's own message."""
    detail = " ".join(str(m) for messages in error.fields.values() for m in messages)
    return detail or str(error.message)


def add_error_to_form(form: forms.Form, error: ApplicationError) -> None:
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class StyledFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on fields that carry an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .input_guard import max_text_length

        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.CharField) and field.max_length is None:
                # Every text has a length: longer text belongs in an attachment.
                field.max_length = max_text_length()
                field.validators.append(validators.MaxLengthValidator(field.max_length))
                widget.attrs.setdefault("maxlength", str(field.max_length))
            if isinstance(
                widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput
            ):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; cleans to a list (maybe
    empty). What the files may be is the service's to check."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(one, initial) for one in data if one]
        return [clean_one(data, initial)] if data else []
