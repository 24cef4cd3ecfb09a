"""The staff upload form for an affected-VIN list."""

from __future__ import annotations

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile

from campaign.errors import DomainError
from campaign.vin_import import vin_import_header_check

# Ten times ALE's list with owners is about 140 MB; anything far beyond is a wrong file.
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
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
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                f"{upload.name} is not a CSV file; save the list as 'CSV UTF-8' (a .csv file) and upload that."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:,.0f} MB; at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
            )
        # Check the header now, so a wrong file is refused here rather than failing in the queue.
        upload.seek(0)
        first_line = upload.readline(64 * 1024)
        upload.seek(0)
        try:
            vin_import_header_check(first_line=first_line)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
