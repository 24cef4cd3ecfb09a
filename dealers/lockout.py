"""Sign-in lock-out: django-axes, counting failures per account and per address separately.

``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``: a sign-in is refused once either
the account has ``AXES_FAILURE_LIMIT`` recent failures (from any address: a guessed account
is locked from everywhere) or the address has (from any accounts: spraying one password
across many accounts from one address is stopped).

Why not django-axes' ``AXES_RESET_ON_SUCCESS``: on success it deletes every failure that
matches *either* parameter, so an attacker who signs in to an account of their own from the
spraying address wipes that address's count, and with it the failures they made against
other people's accounts from there. Here a successful sign-in forgets only the failures of
that same account from that same address: the person who just proved the password is
forgiven their own typos, nobody else's count changes.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt


class AccountAndAddressLockoutHandler(AxesDatabaseHandler):
    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(
            username=user.get_username(), ip_address=request.axes_ip_address
        ).delete()
