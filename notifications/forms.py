from __future__ import annotations

from django import forms

from notifications.models import ContactPreference


class PreferenceForm(forms.Form):
    choice = forms.ChoiceField(label="The owner wants", choices=ContactPreference.Choice.choices)
    reason = forms.CharField(
        label="Why (what the owner said)",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Called on …"}),
    )
