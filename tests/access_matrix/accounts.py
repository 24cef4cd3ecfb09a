"""Sign-in pages, the home page and its notices."""

from django.urls import reverse

from tests.access_matrix import DEALER_A_STAFF, DEALER_B_STAFF, Case, assert_redirect, expect, signed_in


def _dismissed(world, persona, response, kwargs) -> None:
    from dealers.models import DealerNotice

    assert_redirect(response, reverse("home"), message="Notice dismissed")
    assert DealerNotice.objects.get(pk=kwargs["pk"]).dismissed_by == world.users[persona]


# The sign-in and password-reset pages are for the public; a signed-in user opening the
# sign-in page is sent home (redirect_authenticated_user).
PUBLIC = expect(default=200)

CASES = [
    Case("login", expect=expect(default=302, anonymous=200)),
    Case(
        "login",
        id="wrong-password",
        method="post",
        data={"username": "nobody", "password": "wrong"},
        expect=expect(default=302, anonymous=200),
    ),
    # Sign-out is POST only (Django 5): a GET link cannot sign anyone out.
    Case("logout", expect=expect(default=405)),
    Case("logout", method="post", expect=expect(default=302)),
    Case("password_change", expect=signed_in(200)),
    Case("password_change_done", expect=signed_in(200)),
    Case("password_reset", expect=PUBLIC),
    Case("password_reset", method="post", data={"email": "nobody@example.com"}, expect=expect(default=302)),
    Case("password_reset_done", expect=PUBLIC),
    # A made-up link renders the "link expired" page, for everyone.
    Case("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "made-up"}, expect=PUBLIC),
    Case("password_reset_complete", expect=PUBLIC),
    # Every signed-in persona has a home page (its content differs: tests/dealers/test_home.py);
    # the warranty administrator's is the claim review queue (302 there).
    Case("home", expect=signed_in(200, warranty_admin=302)),
    # Notices belong to the dealer's own staff: strangers and even the national administrator get
    # 404; regional staff may not dismiss notices at all (no change_dealernotice): 403.
    Case(
        "notice-dismiss",
        method="post",
        kwargs=lambda w: {"pk": w.notice(dealer=w.dealer_a).pk},
        expect=expect(
            default=404,
            anonymous=302,
            regional_west=403,
            warranty_admin=403,
            **dict.fromkeys(DEALER_A_STAFF, 302),
        ),
        writes=DEALER_A_STAFF,
        effect=_dismissed,
    ),
    # Dealer B's twin notice: B's staff dismiss it, A's staff are strangers (404).
    Case(
        "notice-dismiss",
        method="post",
        kwargs=lambda w: {"pk": w.notice(dealer=w.dealer_b).pk},
        expect=expect(
            default=404,
            anonymous=302,
            regional_west=403,
            warranty_admin=403,
            **dict.fromkeys(DEALER_B_STAFF, 302),
        ),
        writes=DEALER_B_STAFF,
        effect=_dismissed,
        id="dealer-b",
    ),
    Case(
        "notice-dismiss",
        id="get",
        kwargs=lambda w: {"pk": w.notice(dealer=w.dealer_a).pk},
        expect=expect(default=405),
    ),
]
