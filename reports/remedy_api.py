"""``GET /api/v1/campaigns/{code}/remedy-report/?quarter=YYYY-Q``: a quarter's §573.7 figures.

For campaign administrators (the national figures) and regional staff (their regions', with the
same names); anyone else 403, an unknown campaign 404, a malformed quarter 400, each with the
API's one error body. The figures are ``reports.remedy_report``'s: the submitted snapshot when
the quarter's report was submitted, else as the data stood at the quarter's end.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from campaign.models import Campaign
from repairs.models import OutcomeChange
from reports.remedy_periods import Quarter
from reports.remedy_report import VIEW, RemedyReport, remedy_report_get


class UnreachableByReasonSerializer(serializers.Serializer):
    exported = serializers.IntegerField()
    stolen = serializers.IntegerField()
    scrapped = serializers.IntegerField()
    owner_not_located = serializers.IntegerField()
    other = serializers.IntegerField()


class NotificationDatesSerializer(serializers.Serializer):
    first_mailing = serializers.DateField(
        allow_null=True, help_text="First owner letter mailed; null until known."
    )
    last_mailing = serializers.DateField(
        allow_null=True, help_text="Last owner letter mailed; null until known."
    )


class RemedyReportSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    quarter = serializers.CharField(help_text="YYYY-Q, as asked.")
    as_of = serializers.DateField(help_text="The quarter's last day: the figures are cumulative to its end.")
    scope = serializers.ChoiceField(choices=("national", "regions"))
    report_number = serializers.IntegerField(
        allow_null=True, help_text="1-8 quarterly, 9-11 annual; null off schedule."
    )
    submitted_at = serializers.DateTimeField(
        allow_null=True, help_text="Set once submitted: the figures are then fixed."
    )
    involved = serializers.IntegerField()
    remedied = serializers.IntegerField()
    not_needed = serializers.IntegerField(help_text="Inspected and found not to need the remedy.")
    unreachable = serializers.IntegerField()
    removed = serializers.IntegerField(help_text="Taken off the population (not counted in involved).")
    unreachable_by_reason = UnreachableByReasonSerializer()
    notification_dates = NotificationDatesSerializer()


class CanViewRemedyReports(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(VIEW)


def report_body(report: RemedyReport) -> dict:
    f = report.figures
    return {
        "campaign": report.campaign.code,
        "quarter": str(report.quarter),
        "as_of": report.until.isoformat(),
        "scope": "regions" if report.regional else "national",
        "report_number": report.period.number if report.period else None,
        "submitted_at": report.submission.submitted_at.isoformat().replace("+00:00", "Z")
        if report.submission
        else None,
        "involved": f.involved,
        "remedied": f.remedied,
        "not_needed": f.not_needed,
        "unreachable": f.unreachable,
        "removed": f.removed,
        "unreachable_by_reason": {
            r: f.unreachable_by_reason.get(r, 0) for r in OutcomeChange.UnreachableReason.values
        },
        "notification_dates": {
            "first_mailing": report.notification.first.isoformat() if report.notification.first else None,
            "last_mailing": report.notification.last.isoformat() if report.notification.last else None,
        },
    }


EXAMPLE = OpenApiExample(
    "Third quarter of 2010",
    value={
        "campaign": "ALE",
        "quarter": "2010-3",
        "as_of": "2010-09-30",
        "scope": "national",
        "report_number": 1,
        "submitted_at": "2010-10-20T16:02:11Z",
        "involved": 138869,
        "remedied": 21455,
        "not_needed": 312,
        "unreachable": 1204,
        "removed": 17,
        "unreachable_by_reason": {
            "exported": 210,
            "stolen": 41,
            "scrapped": 388,
            "owner_not_located": 560,
            "other": 5,
        },
        "notification_dates": {"first_mailing": None, "last_mailing": None},
    },
    response_only=True,
)


class RemedyReportView(APIView):
    permission_classes = [CanViewRemedyReports]

    @extend_schema(
        operation_id="remedy_report_retrieve",
        parameters=[
            OpenApiParameter(
                "quarter",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                pattern=r"^\d{4}-[1-4]$",
                description="YYYY-Q: 2010-3 is July to September 2010 (the server's time zone).",
            )
        ],
        responses={
            200: RemedyReportSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="The quarter is missing or not YYYY-Q."),
            401: OpenApiResponse(ApiErrorSerializer, description="No token, or not a valid one."),
            403: OpenApiResponse(
                ApiErrorSerializer, description="Not a campaign administrator or regional staff."
            ),
            404: OpenApiResponse(ApiErrorSerializer, description="No such campaign."),
        },
        examples=[EXAMPLE],
        summary="A quarter's remedy report (49 CFR 573.7): cumulative figures at the quarter's end",
    )
    def get(self, request: Request, code: str) -> Response:
        campaign = Campaign.objects.filter(code=code).first()
        if campaign is None:
            raise DomainError("No such campaign.", code="not_found")
        quarter = Quarter.parse(request.query_params.get("quarter", ""))
        return Response(report_body(remedy_report_get(campaign=campaign, quarter=quarter, user=request.user)))
