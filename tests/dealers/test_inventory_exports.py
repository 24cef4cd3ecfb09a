"""Table exports of the inventory pages: escaped cells, server-built file names, no 500 on bad parameters."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dealers.inventory import inventory_recheck
from dealers.models import InventoryUnit
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin


def held_unit(dealer, ale, serial: int, stock_number: str) -> InventoryUnit:
    vin = ale_vin(serial)
    AffectedVehicleFactory(campaign=ale, vehicle=VehicleFactory(vin=vin))
    return InventoryUnit.objects.create(
        dealer=dealer, vin=vin, stock_number=stock_number, received_on=dt.date(2010, 6, 1)
    )


@pytest.fixture
def formula_stock(dealer_a, ale):
    # Stock numbers come from dealers' own CSVs: one could be a formula.
    held_unit(dealer_a, ale, 40101, "=1+2")
    held_unit(dealer_a, ale, 40102, "@SUM(A1)")
    inventory_recheck(campaign_id=ale.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["inventory-list", "inventory-held"])
def test_a_csv_export_escapes_cells_a_spreadsheet_would_run(
    client_for, campaign_admin, formula_stock, url_name
):
    response = client_for(campaign_admin).get(reverse(url_name), {"_export": "csv"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "'=1+2" in text and "'@SUM(A1)" in text
    assert not any(cell.startswith(("=", "@")) for row in csv.reader(io.StringIO(text)) for cell in row)


@pytest.mark.django_db
def test_an_xlsx_export_holds_the_formulas_as_text(client_for, campaign_admin, formula_stock):
    response = client_for(campaign_admin).get(reverse("inventory-held"), {"_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=1+2" in cells and "'@SUM(A1)" in cells
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "filename"),
    [
        ({"_export": "csv"}, "held-units"),
        ({"_export": "csv", "table": "units"}, "held-units"),
        ({"_export": "csv", "table": "dealers"}, "held-dealers"),
    ],
)
def test_the_file_name_is_built_by_the_server(client_for, campaign_admin, formula_stock, params, filename):
    response = client_for(campaign_admin).get(reverse("inventory-held"), params)
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="{filename}-{today:%Y-%m-%d}.csv"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"_export": "csv", "table": "\r\n"},  # was a 500: the value went into Content-Disposition
        {"_export": "csv", "table": "units\r\nSet-Cookie: x=1"},
        {"_export": "csv", "table": "../../etc"},
        {"_export": "exe"},
        {"_export": "csv\r\n"},
    ],
)
def test_a_bad_export_parameter_is_a_400_and_reaches_no_header(
    client_for, campaign_admin, formula_stock, params
):
    response = client_for(campaign_admin).get(reverse("inventory-held"), params)
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert all("\n" not in value and "Set-Cookie" not in value for value in response.headers.values())


@pytest.mark.django_db
def test_the_page_itself_ignores_an_unknown_table_parameter(client_for, campaign_admin, formula_stock):
    assert client_for(campaign_admin).get(reverse("inventory-held"), {"table": "\r\n"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "table"), [("inventory-list", ""), ("inventory-held", "units")])
def test_the_page_offers_both_formats_and_each_link_downloads_its_format(
    client_for, campaign_admin, formula_stock, url_name, table
):
    import re

    client = client_for(campaign_admin)
    html = client.get(reverse(url_name), {"sort": "stock_number"}).content.decode()
    found = {
        fmt: query
        for query, fmt in re.findall(r'href="\?([^"]*_export=(csv|xlsx)[^"]*)"', html.replace("&amp;", "&"))
    }
    assert set(found) == {"csv", "xlsx"}
    for fmt, query in found.items():
        assert "sort=stock_number" in query  # the page's sort and filters go with the export
        response = client.get(f"{reverse(url_name)}?{query}")
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if table:
        assert all(f"table={table}" in query for query in found.values())
