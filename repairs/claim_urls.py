"""Warranty claim pages under /claims/."""

from django.urls import path

from repairs import claim_views as views

urlpatterns = [
    path("", views.claim_list, name="claim-list"),
    path("to-submit/", views.claim_claimable, name="claim-claimable"),
    path("repair-order/<int:ro_pk>/submit/", views.claim_submit_view, name="claim-submit"),
    path("review/", views.claim_review, name="claim-review"),
    path("payments/", views.claim_payment_list, name="claim-payment-list"),
    path("payments/<int:pk>/", views.claim_payment_detail, name="claim-payment-detail"),
    path("<int:pk>/", views.claim_detail, name="claim-detail"),
    path("<int:pk>/resubmit/", views.claim_resubmit_view, name="claim-resubmit"),
    path("<int:pk>/approve/", views.claim_approve_view, name="claim-approve"),
    path("<int:pk>/reject/", views.claim_reject_view, name="claim-reject"),
    path("<int:pk>/return/", views.claim_return_view, name="claim-return"),
]
