"""The staff upload form for an affected-VIN list."""

from __future__ import annotations

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile

from campaign.errors import DomainError
from campaign.upload_limits import upload_size_error
from campaign.vin_import_rows import vin_import_header_check

# settings.VIN_IMPORT_MAX_UPLOAD_MB; enforced as the body arrives (campaign.upload_limits).
UPLOAD_LIMIT_SETTING = "VIN_IMPORT_MAX_UPLOAD_MB"
ACCEPTED_SUFFIXES = (".csv", ".txt")


class VinImportForm(forms.Form):
    file = forms.FileField(
        label="Affected-VIN list (CSV)",
        help_text="A header line, then one VIN per line; owner columns are optional.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.txt"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.form_method = "post"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", "Upload and import", css_class="btn-primary"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if too_big := upload_size_error(upload, setting=UPLOAD_LIMIT_SETTING):
            raise forms.ValidationError(too_big)
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                f"{upload.name} is not a CSV file; save the list as 'CSV UTF-8' (a .csv file) and upload that."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        # Check the header now, so a wrong file is refused here rather than failing in the queue.
        upload.seek(0)
        first_line = upload.readline(64 * 1024)
        upload.seek(0)
        try:
            vin_import_header_check(first_line=first_line)
        except DomainError as exc:
            # A form's own validation (not a view catching a service's refusal): the header
            # check's words become the field's error.
            raise forms.ValidationError(exc.message) from None
        return upload
