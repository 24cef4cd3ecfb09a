"""Forms of the sign-in pages and the home page, laid out by crispy-forms."""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the field hints a dealership clerk expects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = FormHelper()
        self.helper.form_tag = False


class VinCheckForm(forms.Form):
    """The home page's VIN box: a GET to the vehicle record page (the "confirm through TIS" step)."""

    vin = forms.CharField(
        label="VIN",
        max_length=64,  # a scanned barcode string may carry more than the 17 characters
        widget=forms.TextInput(
            attrs={
                "placeholder": "17-character VIN, or scan the barcode",
                "class": "vin",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_show_labels = False
        # No name on the button: the record page gets ?vin=… and nothing else.
        self.helper.layout = Layout(
            Div(
                Field("vin", wrapper_class="flex-grow-1 mb-0"),
                StrictButton(
                    '<i class="bi bi-search me-1"></i>Check VIN', type="submit", css_class="btn-primary"
                ),
                css_class="d-flex gap-2 align-items-start",
            )
        )
