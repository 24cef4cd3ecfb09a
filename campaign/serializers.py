"""Shapes of the public VIN API, as the OpenAPI schema documents them.

The view builds its bodies as plain dicts (see ``campaign.api``: the look-up is the
hottest path in the product), so these serializers describe the contract rather than
produce it; ``tests/campaign/test_api.py`` checks that every body matches them.
"""

from __future__ import annotations

from rest_framework import serializers


class RecallSerializer(serializers.Serializer):
    campaign = serializers.CharField(help_text="Manufacturer's campaign code, e.g. ALE.")
    status = serializers.ChoiceField(
        choices=["remedy_not_yet_available", "remedy_available"],
        help_text="Whether owners can have the repair done yet.",
    )
    nhtsa_number = serializers.CharField(
        allow_blank=True, help_text="NHTSA recall number; blank until NHTSA assigns one."
    )
    make = serializers.CharField()
    title = serializers.CharField()
    component = serializers.CharField()
    defect = serializers.CharField(help_text="What is wrong, in plain language.")
    risk = serializers.CharField(help_text="What can happen if it is not repaired.")
    warning_signs = serializers.CharField(allow_blank=True)
    remedy = serializers.CharField(help_text="What the dealer will do.")
    remedy_available = serializers.BooleanField()
    free_of_charge = serializers.BooleanField(help_text="Safety recall repairs are always free.")
    owner_instructions = serializers.CharField(allow_blank=True, help_text="What the owner should do.")
    reimbursement = serializers.CharField(
        allow_blank=True, help_text="For owners who already paid for this repair."
    )
    help_line = serializers.CharField(allow_blank=True, help_text="Manufacturer's customer help line.")
    dir_filed_on = serializers.DateField(help_text="Date the defect report was filed with NHTSA.")


class UnderReviewSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    status = serializers.ChoiceField(choices=["list_not_yet_posted"])
    nhtsa_number = serializers.CharField(allow_blank=True)
    make = serializers.CharField()
    title = serializers.CharField()
    component = serializers.CharField()
    dir_filed_on = serializers.DateField()
    message = serializers.CharField()


class VinRecallsSerializer(serializers.Serializer):
    vin = serializers.CharField(help_text="The VIN as normalised: upper case, no spaces or dashes.")
    model_year = serializers.IntegerField(allow_null=True, help_text="From VIN position 10.")
    model = serializers.CharField(
        allow_null=True, help_text="Model as a campaign's VIN table names it; null if no campaign covers it."
    )
    recalls = RecallSerializer(
        many=True, help_text="Open safety recalls: on the posted list, remedy still to do."
    )
    under_review = UnderReviewSerializer(
        many=True,
        help_text="Campaigns whose VIN ranges cover this VIN but whose affected list is not posted yet.",
    )
    last_updated = serializers.DateTimeField(
        allow_null=True, help_text="When the recall data was last updated."
    )


class VinErrorSerializer(serializers.Serializer):
    vin = serializers.CharField(help_text="What was sent, normalised.")
    error = serializers.CharField(help_text="What is wrong with it, in plain words.")
    code = serializers.ChoiceField(choices=["invalid_vin"])


class ThrottledSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["throttled"])
    retry_after = serializers.IntegerField(help_text="Seconds to wait; also in the Retry-After header.")
