"""The API's one error body, as the schema documents it: ``{"code", "detail"[, "field"]}``.

Every DRF view documents its refusals with ``ApiErrorSerializer`` (one component in the
schema, "Error"); ``campaign.http_errors.api_exception_handler`` writes the bodies.
"""

from __future__ import annotations

from rest_framework import serializers

from campaign.errors import STATUS_BY_CODE


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Machine-readable: "
        + ", ".join(f"{c} ({s})" for c, s in STATUS_BY_CODE.items())
        + ", or DRF's own (e.g. not_authenticated, parse_error, throttled)."
    )
    detail = serializers.CharField(help_text="What a clerk understands.")
    field = serializers.CharField(
        required=False, help_text="The input the error is about, when there is one."
    )

    class Meta:
        ref_name = "Error"
