"""Forms of the booking pages (crispy-forms, Bootstrap 5). They parse input; the services decide."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from campaign.models import Campaign
from dealers.models import Dealer
from repairs.models import Appointment, ShopHours

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


class BookingForm(forms.Form):
    dealer = forms.ModelChoiceField(queryset=Dealer.objects.none(), empty_label=None)
    vin = forms.CharField(
        label="VIN",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "vin text-uppercase", "autocomplete": "off"}),
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), empty_label=None, to_field_name="code"
    )
    date = forms.DateField(label="Date (dealer's local time)", widget=DATE)
    time = forms.TimeField(label="Time", widget=TIME)
    transport = forms.ChoiceField(
        label="Transportation",
        choices=Appointment.Transport.choices,
        help_text="A job of more than a day cannot be a waiter.",
    )
    symptomatic = forms.BooleanField(
        label="Symptomatic: the owner reports noise, vibration or power loss", required=False
    )
    contact_preference = forms.ChoiceField(
        label="Owner's contact preference", choices=Appointment.ContactPreference.choices
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args, dealers: QuerySet[Dealer], campaigns: QuerySet[Campaign], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = dealers
        choices = list(dealers)
        if len(choices) == 1:
            self.fields["dealer"].initial = choices[0].pk
            self.fields["dealer"].widget = forms.HiddenInput()
        self.fields["campaign"].queryset = campaigns
        self.helper = FormHelper()
        self.helper.attrs = {"id": "booking-form"}
        self.helper.layout = Layout(
            Field("dealer"),
            Row(Column("vin", css_class="col-md-7"), Column("campaign", css_class="col-md-5")),
            Row(
                Column(Field("date", css_class="booking-date"), css_class="col-md-4"),
                Column("time", css_class="col-md-3"),
                Column("transport", css_class="col-md-5"),
            ),
            Field("symptomatic"),
            Row(Column("contact_preference", css_class="col-md-5"), Column("notes", css_class="col-md-7")),
            Submit("book", "Book appointment", css_class="btn-primary"),
        )


class _Button(Submit):
    """A submit button whose colour is only the given class (crispy's Submit is always btn-primary)."""

    field_classes = "btn"


class _ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    button = "Save"
    button_class = "btn-primary"

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(*self.fields, _Button("save", self.button, css_class=self.button_class))


class RescheduleForm(_ReasonForm):
    date = forms.DateField(widget=DATE)
    time = forms.TimeField(widget=TIME)
    field_order = ("date", "time", "reason")
    button = "Reschedule"


class CancelForm(_ReasonForm):
    button = "Cancel appointment"
    button_class = "btn-outline-danger"


class NoShowForm(_ReasonForm):
    button = "Record no-show"
    button_class = "btn-outline-warning"


class ShopHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=ShopHours.Weekday.choices, coerce=int)
    opens_at = forms.TimeField(label="First start", widget=TIME)
    closes_at = forms.TimeField(label="Last start", widget=TIME)
    technician_hours = forms.DecimalField(
        label="Recall technician hours", min_value=0, max_digits=5, decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("weekday", css_class="col-md-3"),
                Column("opens_at", css_class="col-md-3"),
                Column("closes_at", css_class="col-md-3"),
                Column("technician_hours", css_class="col-md-3"),
            ),
            Submit("hours", "Save hours", css_class="btn-primary"),
        )


class ClosureForm(forms.Form):
    date = forms.DateField(widget=DATE)
    reason = forms.CharField(max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("booking-closure-add")
        self.helper.layout = Layout(
            Row(Column("date", css_class="col-md-4"), Column("reason", css_class="col-md-8")),
            _Button("closure", "Close that day", css_class="btn-outline-primary"),
        )
