"""Forms of the stock pages (crispy-forms, Bootstrap 5). They parse input; ``parts.stock`` decides."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.db.models import QuerySet

from campaign.models import Kit
from parts.models import InboundShipment
from parts.stock import MAX_QUANTITY, AdjustReason

UNPLANNED = ""


def _kit_choices(kits: QuerySet[Kit]) -> list[tuple[str, str]]:
    return [(k.part_number, f"{k.part_number} · {k.description}") for k in kits]


class ReceiveForm(forms.Form):
    shipment = forms.TypedChoiceField(
        label="Against",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="An open inbound shipment, or unplanned (kits nobody announced).",
    )
    part_number = forms.ChoiceField(label="Kit", required=False, help_text="Only for an unplanned receipt.")
    quantity = forms.IntegerField(
        label="Kits received", min_value=1, max_value=MAX_QUANTITY, help_text="A part of a shipment is fine."
    )
    reference = forms.CharField(label="Packing slip", max_length=60)

    def __init__(self, *args, shipments: QuerySet[InboundShipment], kits: QuerySet[Kit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipment"].choices = [(UNPLANNED, "Unplanned (no shipment)")] + [
            (
                s.pk,
                f"{s.reference or f'Shipment {s.pk}'}: {s.outstanding} of {s.quantity} × {s.kit.part_number}"
                + (f", expected {s.expected_on:%Y-%m-%d}" if s.expected_on else ""),
            )
            for s in shipments
        ]
        self.fields["part_number"].choices = [("", "–"), *_kit_choices(kits)]
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the form (with the dealer it is for)
        self.helper.layout = Layout(
            "shipment",
            Row(Column("part_number", css_class="col-md-6"), Column("quantity", css_class="col-md-6")),
            "reference",
            Submit("receive", "Receive"),
        )

    def clean(self):
        data = super().clean()
        if data.get("shipment") is None and not data.get("part_number"):
            self.add_error("part_number", "Choose the kit of an unplanned receipt.")
        return data


class AdjustForm(forms.Form):
    part_number = forms.ChoiceField(label="Kit")
    quantity = forms.IntegerField(
        label="Change in kits on hand",
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text="Signed: −2 for two damaged kits, +1 for one found in a count.",
    )
    reason_code = forms.ChoiceField(label="Reason", choices=AdjustReason.CHOICES)
    reason = forms.CharField(
        label="Explanation", max_length=500, required=False, help_text="Needed when the reason is other."
    )
    reference = forms.CharField(
        label="Count sheet or reference",
        max_length=60,
        required=False,
        help_text="If given, the same reference is never counted twice.",
    )

    def __init__(self, *args, kits: QuerySet[Kit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part_number"].choices = _kit_choices(kits)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the form (with the dealer it is for)
        self.helper.layout = Layout(
            Row(Column("part_number", css_class="col-md-7"), Column("quantity", css_class="col-md-5")),
            Row(Column("reason_code", css_class="col-md-4"), Column("reason", css_class="col-md-8")),
            "reference",
            Submit("adjust", "Adjust"),
        )
