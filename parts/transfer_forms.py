"""Forms of the transfer pages: the request, and one small form per step."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from parts.allocation_forms import KitChoiceField
from parts.transfers import MAX_QUANTITY, transfer_request_dealers

STEP_BUTTONS = {
    "approve": ("Approve", "btn-success"),
    "decline": ("Decline", "btn-outline-danger"),
    "ship": ("Ship", "btn-primary"),
    "receive": ("Receive", "btn-primary"),
    "cancel": ("Cancel the request", "btn-outline-secondary"),
}


class TransferRequestForm(forms.Form):
    to_dealer = forms.ModelChoiceField(queryset=None, label="For dealer", empty_label=None)
    # A code, not a select of every dealer (1,400 options).
    from_dealer = forms.CharField(
        label="From dealer (code)", max_length=5, help_text="The five-digit dealer code."
    )
    kit = KitChoiceField(queryset=None)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="The sender reads this.")

    def __init__(self, *args, user, **kwargs):
        from campaign.models import Kit

        super().__init__(*args, **kwargs)
        self.fields["to_dealer"].queryset = transfer_request_dealers(user=user)
        self.fields["kit"].queryset = Kit.objects.select_related("campaign").order_by(
            "campaign__code", "part_number"
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Request", css_class="btn-primary"))


class TransferStepForm(forms.Form):
    """A step's note: the reason (needed to decline) or, when shipping, the carrier reference."""

    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 1}), label="Note")

    def __init__(self, *args, action: str, step: str, **kwargs):
        kwargs.setdefault("auto_id", f"{step}-%s")  # several forms on one page
        super().__init__(*args, **kwargs)
        if step == "decline":
            self.fields["reason"].required = True
            self.fields["reason"].label = "Why"
        if step == "ship":
            self.fields["reason"].label = "Carrier or packing-slip reference"
            self.fields["reason"].widget = forms.TextInput()
        if step == "receive":
            self.fields.pop("reason")
        label, css = STEP_BUTTONS[step]
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", label, css_class=css))
