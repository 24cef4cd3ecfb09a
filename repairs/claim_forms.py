"""Forms of the claims pages: submit, resubmit, and the warranty administrator's decisions."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from repairs.models import WarrantyClaim

TEXT = {"rows": 2}


def _helper(action: str, label: str, css: str = "btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    helper.add_input(Submit("submit", label, css_class=css))
    return helper


class ClaimTextsForm(forms.Form):
    """What the dealer states and may correct: labor hours (the flat rate unless it differs), sublet, texts."""

    labor_hours = forms.DecimalField(
        label="Flat-rate hours",
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0"),
        help_text="The remedy's flat rate; a different figure holds the claim for review.",
    )
    sublet_amount = forms.DecimalField(
        label="Sublet (USD)", max_digits=10, decimal_places=2, min_value=Decimal("0"), initial=Decimal("0")
    )
    condition = forms.CharField(widget=forms.Textarea(attrs=TEXT))
    cause = forms.CharField(widget=forms.Textarea(attrs=TEXT))
    correction = forms.CharField(widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, action: str, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, label)


class ClaimApproveForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXT), label="Note (optional)")

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("auto_id", "approve-%s")  # three forms on one page: unique ids for labels
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "Approve", "btn-success")


class ClaimRejectForm(forms.Form):
    code = forms.ChoiceField(choices=WarrantyClaim.RejectionCode.choices, label="Rejection code")
    note = forms.CharField(widget=forms.Textarea(attrs=TEXT), help_text="The dealer sees this.")

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("auto_id", "reject-%s")  # three forms on one page: unique ids for labels
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "Reject", "btn-danger")


class ClaimReturnForm(forms.Form):
    code = forms.ChoiceField(
        choices=[("", "—"), *WarrantyClaim.RejectionCode.choices], required=False, label="Reason code"
    )
    note = forms.CharField(widget=forms.Textarea(attrs=TEXT), help_text="What the dealer must correct.")

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("auto_id", "return-%s")  # three forms on one page: unique ids for labels
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, "Return for correction", "btn-warning")
