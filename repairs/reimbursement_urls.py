"""URL patterns (filled in by the issue #7 work)."""

from django.urls import path

from repairs.reimbursement_placeholder import reimbursement_request_placeholder

# PLACEHOLDER: the reimbursement area replaces this pattern with its own, under the same name.
urlpatterns: list = [
    path("", reimbursement_request_placeholder, name="reimbursement-request"),
]
