"""The load balancers' health check: the same answer for everyone, signed in or not."""

from tests.access_matrix import Case, expect

CASES = [
    Case("healthz", expect=expect(default=200)),
    Case("healthz", id="post", method="post", expect=expect(default=405)),
]
