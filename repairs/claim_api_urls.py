"""The claims API under /api/v1/ (paths fixed by issue #7)."""

from django.urls import path

from repairs import claim_api as api

urlpatterns = [
    path("claims/", api.ClaimSubmitView.as_view(), name="api-claim-submit"),
    path("claims/<int:pk>/", api.ClaimDetailView.as_view(), name="api-claim-detail"),
    path("claims/<int:pk>/approve/", api.ClaimApproveView.as_view(), name="api-claim-approve"),
    path("claims/<int:pk>/reject/", api.ClaimRejectView.as_view(), name="api-claim-reject"),
    path("claims/<int:pk>/resubmit/", api.ClaimResubmitView.as_view(), name="api-claim-resubmit"),
]
