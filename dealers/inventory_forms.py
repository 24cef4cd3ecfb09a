"""Forms of the pre-owned inventory pages (crispy-forms, Bootstrap 5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from campaign import vin as vinlib
from campaign.upload_limits import upload_size_error
from dealers.models import Dealer
from dealers.vehicle_record import vin_from_input

# settings.INVENTORY_MAX_UPLOAD_MB; enforced as the body arrives (campaign.upload_limits).
UPLOAD_LIMIT_SETTING = "INVENTORY_MAX_UPLOAD_MB"


class _DealerChoiceMixin:
    """A dealer field only when the user keeps stock at more than one dealer."""

    def _set_dealers(self, dealers: QuerySet[Dealer]) -> None:
        choices = list(dealers)
        self.fields["dealer"].queryset = dealers
        if len(choices) == 1:
            self.fields["dealer"].initial = choices[0].pk
            self.fields["dealer"].widget = forms.HiddenInput()
        self.single_dealer = choices[0] if len(choices) == 1 else None


class InventoryAddForm(_DealerChoiceMixin, forms.Form):
    dealer = forms.ModelChoiceField(queryset=Dealer.objects.none(), empty_label=None)
    vin = forms.CharField(
        label="VIN",
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "vin text-uppercase", "autocomplete": "off", "autofocus": True}
        ),
        help_text="Type the 17 characters or scan the barcode.",
    )
    stock_number = forms.CharField(label="Stock number", max_length=20)
    received_on = forms.DateField(label="Date received", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, dealers: QuerySet[Dealer], **kwargs):
        super().__init__(*args, **kwargs)
        self._set_dealers(dealers)
        self.fields["received_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("dealer"),
            Row(
                Column("vin", css_class="col-md-6"),
                Column("stock_number", css_class="col-md-3"),
                Column("received_on", css_class="col-md-3"),
            ),
            Submit("add", "Add to inventory", css_class="btn-primary"),
        )

    def clean_vin(self) -> str:
        try:
            return vin_from_input(self.cleaned_data["vin"])
        except vinlib.InvalidVin as exc:
            raise forms.ValidationError(exc.message, code="invalid_vin") from None


class InventoryUploadForm(_DealerChoiceMixin, forms.Form):
    dealer = forms.ModelChoiceField(queryset=Dealer.objects.none(), empty_label=None)
    file = forms.FileField(
        label="CSV file",
        help_text="Header row: vin,stock_number,received_on (dates as YYYY-MM-DD).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, dealers: QuerySet[Dealer], **kwargs):
        super().__init__(*args, **kwargs)
        self._set_dealers(dealers)
        self.fields["file"].help_text += f" At most {getattr(settings, UPLOAD_LIMIT_SETTING)} MB."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("dealer"), Field("file"), Submit("upload", "Upload", css_class="btn-primary")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if too_big := upload_size_error(upload, setting=UPLOAD_LIMIT_SETTING):
            raise forms.ValidationError(f"{too_big} Split it and upload each part.")
        return upload


class DeliverForm(forms.Form):
    note = forms.CharField(
        label="Deal / buyer reference",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "optional"}),
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field("note"), Submit("deliver", "Mark delivered", css_class="btn-success")
        )
