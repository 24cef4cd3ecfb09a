"""Forms of the repair-order pages and the vehicle record's outcome forms.

They only parse what was typed; the services decide (and their ``DomainError`` lands on
the form through ``form_call``).
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from campaign.models import Campaign
from dealers.models import Dealer
from repairs.models import OutcomeChange

PARTS_HELP = (
    "One part a line: part number, quantity, lot (e.g. 13711-31110, 1, L2407). Prefilled from the kit."
)


class CheckInForm(forms.Form):
    ro_number = forms.CharField(label="RO number", max_length=20)
    mileage_in = forms.IntegerField(label="Mileage in", min_value=0)


class WalkInForm(CheckInForm):
    dealer = forms.ModelChoiceField(queryset=Dealer.objects.none())
    vin = forms.CharField(label="VIN", max_length=40)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none())

    field_order = ("dealer", "vin", "campaign", "ro_number", "mileage_in")

    def __init__(self, *args, dealers: QuerySet[Dealer], campaigns: QuerySet[Campaign], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = dealers
        self.fields["campaign"].queryset = campaigns
        if len(dealers) == 1:
            self.fields["dealer"].initial = dealers[0].pk
        if len(campaigns) == 1:
            self.fields["campaign"].initial = campaigns[0].pk


def parts_text(parts: list[tuple[str, int, str]]) -> str:
    return "\n".join(", ".join(str(v) for v in line).rstrip(", ") for line in parts)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="Completed on", widget=forms.DateInput(attrs={"type": "date"}))
    mileage_out = forms.IntegerField(label="Mileage out", min_value=0)
    technician = forms.CharField(max_length=80)
    labor_hours = forms.DecimalField(label="Actual labor hours", max_digits=5, decimal_places=1, min_value=0)
    parts = forms.CharField(
        label="Parts used", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=PARTS_HELP
    )

    def clean_parts(self) -> list[tuple[str, int, str]]:
        lines = []
        for number, raw in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not raw.strip():
                continue
            cells = [c.strip() for c in raw.split(",")]
            if len(cells) > 3 or not cells[0]:
                raise forms.ValidationError(f"Line {number}: part number, quantity, lot.")
            quantity = cells[1] if len(cells) > 1 and cells[1] else "1"
            if not quantity.isdigit() or int(quantity) < 1:
                raise forms.ValidationError(f"Line {number}: the quantity is a whole number, at least 1.")
            lines.append((cells[0], int(quantity), cells[2] if len(cells) > 2 else ""))
        return lines


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class RemediedElsewhereForm(ReasonForm):
    other_dealer_code = forms.CharField(label="Code of the dealer that did the remedy", max_length=10)
    other_ro_number = forms.CharField(label="Their RO number", max_length=20)

    field_order = ("other_dealer_code", "other_ro_number", "reason")


class UnreachableForm(forms.Form):
    unreachable_reason = forms.ChoiceField(label="Why", choices=OutcomeChange.UnreachableReason.choices)
    reason = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for Other.",
    )
