"""PLACEHOLDER, to be replaced by the reimbursement area's page at merge.

The public look-up links to ``reverse("reimbursement-request")``; this stands in for that page
so the link resolves on the remedy branch. It writes nothing and shows no data.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def reimbursement_request_placeholder(request: HttpRequest) -> HttpResponse:
    return render(request, "repairs/reimbursement_placeholder.html")
