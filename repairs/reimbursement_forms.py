"""Forms of the reimbursement pages: the owner's public request and the reviewer's decision."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings

from campaign import vin as vinlib
from campaign.upload_limits import upload_size_error
from repairs.reimbursement_receipts import UPLOAD_LIMIT_SETTING


class ReimbursementRequestForm(forms.Form):
    """What 573.13 asks of an owner: who, which vehicle, what was done where, what it cost, proof."""

    campaign = forms.ChoiceField(label="Recall campaign")
    vin = forms.CharField(
        label="Vehicle Identification Number (VIN)",
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "vin text-uppercase", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    owner_name = forms.CharField(label="Owner's full name", max_length=120)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Phone", max_length=20, required=False)
    address1 = forms.CharField(label="Street address", max_length=120, required=False)
    city = forms.CharField(max_length=80, required=False)
    state = forms.CharField(
        max_length=2, required=False, widget=forms.TextInput(attrs={"class": "text-uppercase"})
    )
    postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    repair_date = forms.DateField(label="Date of the repair", widget=forms.DateInput(attrs={"type": "date"}))
    facility = forms.CharField(
        label="Who did the repair", max_length=160, help_text="The repair shop or dealer, and its town."
    )
    amount_paid = forms.DecimalField(
        label="Amount you paid (USD)", min_value=0.01, max_digits=10, decimal_places=2
    )
    receipt = forms.FileField(
        label="Receipt or repair order",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
    owner_paid_statement = forms.BooleanField(
        label="I am the owner of this vehicle and I paid for this repair myself.", required=True
    )

    def __init__(self, *args, campaigns: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.code, f"{c.code}: {c.title}") for c in campaigns]
        self.only_campaign = campaigns[0].code if len(campaigns) == 1 else None
        if self.only_campaign:
            # Nothing to choose: no field to get wrong (an error on a hidden field is never seen).
            self.fields["campaign"] = forms.CharField(required=False, widget=forms.HiddenInput())
            self.initial["campaign"] = self.only_campaign
        self.fields["receipt"].help_text = (
            f"A PDF, JPEG or PNG file, at most {getattr(settings, UPLOAD_LIMIT_SETTING)} MB: "
            "a scan or a photo of the paid invoice."
        )
        self.helper = FormHelper()
        self.helper.form_id = "reimbursement-request"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Field("campaign"),
            Fieldset("Your vehicle", Field("vin")),
            Fieldset(
                "You",
                Field("owner_name"),
                Row(Column("email", css_class="col-md-7"), Column("phone", css_class="col-md-5")),
                HTML(
                    '<p class="small text-body-secondary">Give an e-mail address, or a postal address, '
                    "for our answer.</p>"
                ),
                Field("address1"),
                Row(
                    Column("city", css_class="col-md-6"),
                    Column("state", css_class="col-md-2"),
                    Column("postal_code", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                "The repair",
                Row(Column("repair_date", css_class="col-md-5"), Column("amount_paid", css_class="col-md-7")),
                Field("facility"),
                Field("receipt"),
            ),
            Field("owner_paid_statement"),
            Submit("send", "Send my request", css_class="btn-primary btn-lg"),
        )

    def clean_campaign(self) -> str:
        return self.only_campaign or self.cleaned_data["campaign"]

    def clean_vin(self) -> str:
        try:
            return vinlib.validate(self.cleaned_data["vin"])
        except vinlib.InvalidVin as exc:
            raise forms.ValidationError(exc.message, code="invalid_vin") from None

    def clean_receipt(self):
        upload = self.cleaned_data["receipt"]
        if too_big := upload_size_error(upload, setting=UPLOAD_LIMIT_SETTING):
            raise forms.ValidationError(f"{too_big} Scan or photograph it at a lower resolution.")
        return upload


class ReimbursementDecisionForm(forms.Form):
    DECISIONS = (
        ("approve", "Approve"),
        ("deny", "Deny"),
        ("more_info", "Ask the owner for more"),
    )
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Amount to reimburse (USD)", required=False, min_value=0.01, max_digits=10, decimal_places=2
    )
    reason = forms.CharField(
        label="Reason, or what the owner should send",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written to the owner. Needed to deny or to ask for more.",
    )

    def __init__(self, *args, action: str, amount_paid=None, **kwargs):
        super().__init__(*args, **kwargs)
        if amount_paid is not None:
            self.fields["amount"].initial = amount_paid
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field("decision"), Field("amount"), Field("reason"), Submit("decide", "Record decision")
        )
