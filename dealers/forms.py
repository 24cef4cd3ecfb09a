"""Forms of the sign-in pages and the home page, laid out by crispy-forms."""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from campaign import vin as vinlib
from dealers.vehicle_record import vin_from_input


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the field hints a dealership clerk expects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = FormHelper()
        self.helper.form_tag = False


class VinEntryForm(forms.Form):
    """A VIN typed or scanned: the vehicle record page's form and the home page's VIN box."""

    vin = forms.CharField(
        label="VIN",
        max_length=200,  # a scanned barcode string may carry more than the 17 characters
        widget=forms.TextInput(
            attrs={
                "placeholder": "Type the 17-character VIN or scan its barcode",
                "class": "vin text-uppercase",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, action: str = "", button_label: str = "Look up", large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if large:
            self.fields["vin"].widget.attrs.update({"autofocus": True})
            self.fields["vin"].widget.attrs["class"] += " form-control-lg"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_show_labels = False
        # No name on the button: the record page gets ?vin=… and nothing else.
        self.helper.layout = Layout(
            Div(
                Field("vin", wrapper_class="flex-grow-1 mb-0"),
                StrictButton(
                    f'<i class="bi bi-search me-1"></i>{button_label}',
                    type="submit",
                    css_class="btn-primary btn-lg" if large else "btn-primary",
                ),
                css_class="d-flex gap-2 align-items-start",
            )
        )

    def clean_vin(self) -> str:
        try:
            return vin_from_input(self.cleaned_data["vin"])
        except vinlib.InvalidVin as exc:
            raise forms.ValidationError(exc.message, code="invalid_vin") from None
