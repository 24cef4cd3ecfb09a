"""Owner reimbursement, under /reimbursement/: the public form and the review pages."""

from django.urls import path

from repairs import reimbursement_views as views

urlpatterns = [
    path("", views.reimbursement_request, name="reimbursement-request"),
    path("sent/<str:token>/", views.reimbursement_sent, name="reimbursement-sent"),
    path("review/", views.reimbursement_review, name="reimbursement-review"),
    path("review/<int:pk>/", views.reimbursement_review_detail, name="reimbursement-review-detail"),
    path("review/<int:pk>/receipt/", views.reimbursement_receipt, name="reimbursement-receipt"),
    path("review/<int:pk>/decide/", views.reimbursement_decide, name="reimbursement-decide"),
]
