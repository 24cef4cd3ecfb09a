"""PLACEHOLDER (remove with ``repairs/reimbursement_placeholder.py`` when the reimbursement area's
page takes the name ``reimbursement-request``): a public page that writes nothing."""

from tests.access_matrix import Case, expect

CASES = [Case("reimbursement-request", expect=expect(default=200), id="placeholder")]
