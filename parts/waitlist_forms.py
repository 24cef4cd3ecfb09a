"""Forms of the wait-list pages (crispy-forms, Bootstrap 5). They parse input; the services decide."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet

from campaign.models import Campaign
from dealers.models import Dealer
from repairs.models import Appointment


class JoinForm(forms.Form):
    dealer = forms.ModelChoiceField(queryset=Dealer.objects.none(), empty_label=None)
    vin = forms.CharField(
        label="VIN",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "vin text-uppercase", "autocomplete": "off"}),
    )
    # Every campaign, the preliminary ones included: the line forms before the parts exist.
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("code"), empty_label=None, to_field_name="code"
    )
    symptomatic = forms.BooleanField(
        label="Symptomatic: the owner reports noise, vibration or power loss", required=False
    )
    contact_preference = forms.ChoiceField(
        label="Owner's contact preference", choices=Appointment.ContactPreference.choices
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args, dealers: QuerySet[Dealer], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = dealers
        choices = list(dealers)
        if len(choices) == 1:
            self.fields["dealer"].initial = choices[0].pk
            self.fields["dealer"].widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.attrs = {"id": "waitlist-join-form"}
        self.helper.layout = Layout(
            Field("dealer"),
            Row(Column("vin", css_class="col-md-7"), Column("campaign", css_class="col-md-5")),
            Field("symptomatic"),
            Row(Column("contact_preference", css_class="col-md-5"), Column("notes", css_class="col-md-7")),
            Submit("join", "Add to the wait-list", css_class="btn-primary"),
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Why the owner no longer waits: sold the car, repaired elsewhere, declined.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("reason"), Submit("withdraw", "Withdraw from the wait-list", css_class="btn-danger")
        )
