"""Forms of the mailing pages: a new mailing, and a return file upload."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile

from campaign.models import Campaign
from campaign.upload_limits import upload_size_error
from mailings.models import Mailing

RETURNS_LIMIT_SETTING = "RETURNED_MAIL_MAX_UPLOAD_MB"


class MailingForm(forms.Form):
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("code"), to_field_name="code", empty_label=None
    )
    kind = forms.ChoiceField(
        choices=Mailing.Kind.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )


class ReturnedMailForm(forms.Form):
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("code"), to_field_name="code", empty_label=None
    )
    file = forms.FileField(
        label="Return file (CSV)",
        help_text="letter_id or vin, reason, and the forwarding address columns when USPS gave one.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.txt"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if too_big := upload_size_error(upload, setting=RETURNS_LIMIT_SETTING):
            raise forms.ValidationError(too_big)
        if Path(upload.name).suffix.lower() not in (".csv", ".txt"):
            raise forms.ValidationError(
                f"{upload.name} is not a CSV file; save it as 'CSV UTF-8' and upload that."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        return upload
