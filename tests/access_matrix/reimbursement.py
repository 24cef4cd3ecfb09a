"""Owner reimbursement: the public form and its confirmation are everyone's; the review
queue, a request (owner data), its receipt and the decision are the warranty administrator's
(and the superuser's). The campaign administrator does not review reimbursements."""

from __future__ import annotations

from django.core import signing

from tests.access_matrix import PERSONAS, Case, World, assert_redirect, expect, only

REVIEWERS = ("warranty_admin", "superuser")


def _window(world: World) -> None:
    from repairs.reimbursement_throttle import reimbursement_throttle_reset
    from tests.repairs.factories_reimbursement import window_set

    window_set(world.ale)
    # Every persona posts from the test client's address: its counter starts afresh each time.
    reimbursement_throttle_reset(address="127.0.0.1")


def _fresh_form(world: World) -> dict:
    from repairs.reimbursement_throttle import reimbursement_throttle_reset
    from tests.repairs.factories_reimbursement import form_data

    vin = world.affected_vehicle().vin
    reimbursement_throttle_reset(vin=vin)  # the VIN is fresh per persona, but not per run
    return form_data(vin)


def _off_list_form(world: World) -> dict:
    from repairs.reimbursement_throttle import reimbursement_throttle_reset
    from tests.repairs.factories_reimbursement import form_data, fresh_vin

    vin = fresh_vin()
    reimbursement_throttle_reset(vin=vin)
    return form_data(vin)


def _filed(world: World):
    from repairs.reimbursement import reimbursement_submit
    from tests.repairs.factories_reimbursement import submission, window_set

    window_set(world.ale)
    return reimbursement_submit(**submission(world.affected_vehicle().vin))


def _filed_pk(world: World) -> dict:
    return {"pk": _filed(world).pk}


def _sent_token(world: World) -> dict:
    from repairs.reimbursement_views import SENT_SALT

    return {"token": signing.dumps(_filed(world).pk, salt=SENT_SALT)}


def _submitted(world, persona, response, kwargs) -> None:
    from repairs.models import ReimbursementRequest

    filed = ReimbursementRequest.objects.latest("pk")
    assert filed.status == "submitted" and filed.events.count() == 1
    assert response["Location"].startswith("/reimbursement/sent/")


def _approved(world, persona, response, kwargs) -> None:
    from repairs.models import ReimbursementRequest

    filed = ReimbursementRequest.objects.get(pk=kwargs["pk"])
    assert filed.status == "approved" and filed.decided_by == world.users[persona]
    assert_redirect(response, f"/reimbursement/review/{filed.pk}/", message="approved")


CASES = [
    Case("reimbursement-request", expect=expect(default=200)),
    Case(
        "reimbursement-request",
        method="post",
        setup=_window,
        data=_fresh_form,
        expect=expect(default=302),
        writes=PERSONAS,
        effect=_submitted,
    ),
    # Off the list: refused on the form, for everyone alike, and nothing written.
    Case(
        "reimbursement-request",
        method="post",
        setup=_window,
        data=_off_list_form,
        expect=expect(default=200),
        id="not-eligible",
    ),
    Case("reimbursement-sent", kwargs=_sent_token, expect=expect(default=200)),
    Case("reimbursement-review", expect=only(REVIEWERS)),
    Case("reimbursement-review-detail", kwargs=_filed_pk, expect=only(REVIEWERS)),
    Case("reimbursement-receipt", kwargs=_filed_pk, expect=only(REVIEWERS)),
    Case(
        "reimbursement-decide",
        method="post",
        kwargs=_filed_pk,
        data={"decision": "approve", "amount": "1000.00", "reason": ""},
        expect=only(REVIEWERS, ok=302),
        writes=REVIEWERS,
        effect=_approved,
    ),
]
