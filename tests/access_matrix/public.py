"""The public look-up (page and JSON API) and the API's schema and docs: open to everyone, alike.

49 CFR 573.15 asks for a free look-up by VIN without sign-in, so every persona, anonymous
or signed in, gets the same status; none of these answers carries owner data.
"""

from __future__ import annotations

from tests.access_matrix import Case, expect

ALE_VIN = "JTHBE96S170007930"  # inside ALE's 2007 GS 350 BE96S range
MISTYPED_VIN = "JTHBE96S270007930"  # wrong check digit


def _fresh_throttle(world) -> None:
    # Nine personas in a row from one test client address: start each from a zero count,
    # so the matrix never meets the public limit (tests/campaign/test_throttle.py tests that).
    from campaign.throttling import lookup_throttle_reset

    lookup_throttle_reset(client="127.0.0.1")


def _affected(world) -> dict:
    return {"vin": world.affected_vehicle().vin}


CASES = [
    Case("public-lookup", expect=expect(default=200)),
    Case("public-lookup", data={"vin": ALE_VIN}, setup=_fresh_throttle, expect=expect(default=200), id="vin"),
    Case(
        "public-lookup",
        data={"vin": MISTYPED_VIN},
        setup=_fresh_throttle,
        expect=expect(default=200),
        id="mistyped",
    ),
    Case("api-vin-recalls", kwargs=_affected, setup=_fresh_throttle, expect=expect(default=200)),
    Case(
        "api-vin-recalls",
        kwargs={"vin": MISTYPED_VIN},
        setup=_fresh_throttle,
        expect=expect(default=400),
        id="invalid",
    ),
    Case(
        "api-vin-recalls",
        method="post",
        kwargs={"vin": ALE_VIN},
        setup=_fresh_throttle,
        expect=expect(default=405),
        id="read-only",
    ),
    Case("api-schema", expect=expect(default=200)),
    Case("api-docs", expect=expect(default=200)),
]
