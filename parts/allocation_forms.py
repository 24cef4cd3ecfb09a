"""Forms of the allocation pages: a new allocation, and the draft's lines as a formset."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms import BaseModelFormSet, modelformset_factory

from campaign.models import Kit
from dealers.access import user_scope
from parts.allocation import MAX_QUANTITY
from parts.allocation_selectors import allocation_regions
from parts.models import Allocation, AllocationLine


class KitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kit) -> str:
        return f"{obj.campaign.code} {obj.part_number} · {obj.description}"


class AllocationCreateForm(forms.Form):
    kit = KitChoiceField(
        queryset=Kit.objects.select_related("campaign").order_by("campaign__code", "part_number")
    )
    quantity = forms.IntegerField(
        label="Kits in the shipment",
        min_value=1,
        max_value=MAX_QUANTITY,
        help_text="N: the total never exceeds it.",
    )
    policy = forms.ChoiceField(choices=Allocation.Policy.choices, widget=forms.RadioSelect)
    region = forms.ModelChoiceField(queryset=None, required=False, empty_label="National (every region)")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = allocation_regions(user=user)
        if not user_scope(user).national:
            # Regional staff allocate within a region of theirs: no national choice.
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Preview", css_class="btn-primary"))


class AllocationDiscardForm(forms.Form):
    reason = forms.CharField(
        label="Why discard it",
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text="The draft stays in the list with this reason; nothing is shipped.",
    )


class LineForm(forms.ModelForm):
    class Meta:
        model = AllocationLine
        fields = ("quantity",)
        widgets = {
            "quantity": forms.NumberInput(attrs={"class": "form-control form-control-sm text-end", "min": 0})
        }


class BaseLineFormSet(BaseModelFormSet):
    """The draft's lines; ``form_call`` may attach a refusal (the total over N) to the formset."""

    fields: dict = {}

    def add_error(self, field, error) -> None:
        self.non_form_errors().append(error)

    def quantities(self) -> dict[int, int]:
        return {form.instance.pk: form.cleaned_data["quantity"] for form in self.forms}


LineFormSet = modelformset_factory(AllocationLine, form=LineForm, formset=BaseLineFormSet, extra=0)
