"""Forms of the staff campaign pages: publish a document, advance the phase."""

from __future__ import annotations

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from campaign.models import Campaign, CampaignDocument

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".txt", ".png", ".jpg", ".jpeg")


class CampaignDocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=CampaignDocument.Kind.choices)
    title = forms.CharField(label="Title", max_length=200)
    file = forms.FileField(
        label="File",
        help_text=f"PDF, Word, Excel, CSV, text or image; at most {MAX_DOCUMENT_BYTES // 2**20} MB.",
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Field("kind"),
            Field("title"),
            Field("file"),
            Submit("upload", "Publish document", css_class="btn-primary"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_DOCUMENT_BYTES // 2**20} MB.")
        if Path(upload.name).suffix.lower() not in DOCUMENT_EXTENSIONS:
            raise forms.ValidationError(
                f"{Path(upload.name).suffix or 'A file without an extension'} is not accepted; "
                f"upload one of {', '.join(DOCUMENT_EXTENSIONS)}."
            )
        return upload


class PhaseAdvanceForm(forms.Form):
    to_phase = forms.ChoiceField(label="Move to phase", choices=Campaign.Phase.choices)
    note = forms.CharField(
        label="Why (recorded with the change)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, campaign: Campaign, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the moves the service allows: forward. A stale form still gets the
        # service's refusal, which names the current phase.
        if not self.is_bound:
            self.fields["to_phase"].choices = [
                (p.value, p.label) for p in Campaign.Phase.later_than(campaign.phase)
            ]
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field("to_phase"), Field("note"), Submit("advance", "Advance phase", css_class="btn-warning")
        )
