"""Forms of the population page: take one VIN off the list, or upload a removal list."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.conf import settings

from campaign.upload_limits import upload_size_error

UPLOAD_LIMIT_SETTING = "REMOVAL_LIST_MAX_UPLOAD_MB"


class RemoveVinForm(forms.Form):
    vin = forms.CharField(label="VIN", max_length=40)
    reason = forms.CharField(
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "e.g. found not affected: engine replaced in 2006"}),
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field("vin"), Field("reason"), Submit("remove", "Take off the list", css_class="btn-danger")
        )


class RemovalListForm(forms.Form):
    file = forms.FileField(
        label="Removal list (CSV)",
        help_text="Header row: vin,reason.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" At most {getattr(settings, UPLOAD_LIMIT_SETTING)} MB."
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field("file"), Submit("upload", "Import the list", css_class="btn-primary")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if too_big := upload_size_error(upload, setting=UPLOAD_LIMIT_SETTING):
            raise forms.ValidationError(f"{too_big} Split it and upload each part.")
        return upload
