"""The §573.7 report as files: a CSV of its figures, a PDF of its page, and NHTSA's layout.

NHTSA's public file of quarterly reports (FLAT_RCL_Qrtly_Rpts) is tab-delimited, without a
header, dates YYYYMMDD, one report a line, columns in this order: MFGTXT, CAMPNO, MFGCAMPNO,
RCLSUBJ, ODATE, ODATEEND, RPTNO, RPTQTR, INVOLVED, TTLREMEDIED, TTLUNREACH, TTLREMOVED,
SUBMDATE. RPTQTR is the quarter the period ends in, as ``YYYY-Q`` (the API's own spelling);
ODATE/ODATEEND are the first and last owner mailing (``reports.letter_figures``), empty when no
owner notice was mailed by the period's end; SUBMDATE is empty for a report not yet submitted. Text fields lose tabs and line breaks (they would break the layout).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from campaign.csv_safe import csv_row_escape
from reports.remedy_report import RemedyReport

PDF_CSS = Path(__file__).with_name("remedy_pdf.css")
NHTSA_COLUMNS = (
    "MFGTXT", "CAMPNO", "MFGCAMPNO", "RCLSUBJ", "ODATE", "ODATEEND", "RPTNO", "RPTQTR",
    "INVOLVED", "TTLREMEDIED", "TTLUNREACH", "TTLREMOVED", "SUBMDATE",
)  # fmt: skip


def _text(value: str) -> str:
    return " ".join((value or "").split())


def _day(value: dt.date | None) -> str:
    return f"{value:%Y%m%d}" if value else ""


def nhtsa_line(report: RemedyReport) -> str:
    campaign, f = report.campaign, report.figures
    submitted = timezone.localdate(report.submission.submitted_at) if report.submission else None
    values = (
        _text(campaign.manufacturer),
        _text(campaign.nhtsa_number),
        _text(campaign.code),
        _text(campaign.component),
        _day(report.notification.first),
        _day(report.notification.last),
        str(report.period.number) if report.period else "",
        str(report.quarter),
        str(f.involved),
        str(f.remedied),
        str(f.unreachable),
        str(f.removed),
        _day(submitted),
    )
    return "\t".join(values)


def nhtsa_file(reports: list[RemedyReport]) -> bytes:
    return "".join(f"{nhtsa_line(r)}\r\n" for r in reports).encode("utf-8")


def remedy_rows(report: RemedyReport) -> list[tuple[str, object]]:
    f = report.figures
    rows: list[tuple[str, object]] = [
        ("campaign", report.campaign.code),
        ("nhtsa_number", report.campaign.nhtsa_number),
        ("quarter", str(report.quarter)),
        ("figures_as_of", f"{report.until:%Y-%m-%d}"),
        ("report_number", report.period.number if report.period else ""),
        ("scope", "your regions" if report.regional else "national"),
        ("involved", f.involved),
        ("remedied", f.remedied),
        ("not_needed", f.not_needed),
        ("unreachable", f.unreachable),
    ]
    rows += [(f"unreachable_{reason}", n) for reason, n in f.unreachable_by_reason.items()]
    rows += [
        ("removed", f.removed),
        ("open", f.open),
        ("first_mailing", f"{report.notification.first:%Y-%m-%d}" if report.notification.first else ""),
        ("last_mailing", f"{report.notification.last:%Y-%m-%d}" if report.notification.last else ""),
        (
            "submitted_at",
            f"{timezone.localtime(report.submission.submitted_at):%Y-%m-%d %H:%M}"
            if report.submission
            else "",
        ),
    ]
    return rows


def remedy_csv(report: RemedyReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("figure", "value"))
    writer.writerows(csv_row_escape(row) for row in remedy_rows(report))
    return out.getvalue().encode("utf-8")


def remedy_pdf(report: RemedyReport, *, context: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which no other page needs.
    from weasyprint import CSS, HTML

    html = render_to_string("reports/remedy/pdf.html", {**context, "report": report})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
