"""Impact models: the chain with entered and measured indicators, values entered by staff (audited), the monthly
snapshots, the model page (chart, table, status, queries independent of the data), tenants and visibility, the
API, the record set and the search."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kommune.core.models import AuditLogEntry
from kommune.impact import records, services
from kommune.impact.models import ImpactModel, Indicator, IndicatorValue, Level
from kommune.impact.selectors import format_value, status_of
from kommune.reports.models import Report
from tests.factories import LabFactory
from tests.factories_reports import IssueReportFactory, ServiceFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 20)


@pytest.fixture
def model(musterstadt, carol):
    return services.do_save_model(municipality=musterstadt, actor=carol, title="Digitale Teilhabe im Alter",
                                  summary="Ältere Menschen nutzen digitale Angebote sicher.", is_public=True)


def url(name: str, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"municipality_slug": "musterstadt", **kwargs})


def closed_report(municipality, closed_at, *, days: int = 2):
    report = IssueReportFactory(service=ServiceFactory(municipality=municipality), status="closed",
                                closed_at=closed_at)
    Report.objects.filter(pk=report.pk).update(created_at=closed_at - timedelta(days=days))
    return report


def test_a_new_model_has_the_five_steps_of_the_chain(model):
    assert sorted(model.steps.values_list("level", flat=True)) == sorted(Level.values)


def test_only_staff_describe_models(musterstadt, alice, bob):
    for person in (alice, bob):
        with pytest.raises(PermissionDenied):
            services.do_save_model(municipality=musterstadt, actor=person, title="Versuch")


def test_a_measured_indicator_needs_a_registered_key_and_takes_its_unit(model, carol):
    with pytest.raises(ValidationError):
        services.do_add_indicator(actor=carol, model=model, level=Level.OUTPUTS, source="measured",
                                  measured_key="nothing.here")
    indicator = services.do_add_indicator(actor=carol, model=model, level=Level.OUTPUTS, source="measured",
                                          measured_key="reports.median_close_days", target_value="5")
    assert indicator.unit == "days" and indicator.higher_is_better is False
    assert indicator.display_title == "Mittlere Bearbeitungszeit einer Meldung (Median)"


def test_an_entered_value_is_stored_per_month_audited_and_replaced_in_the_same_month(model, carol):
    indicator = services.do_add_indicator(actor=carol, model=model, level=Level.INPUTS, source="entered",
                                          title="Ehrenamtliche", unit="count", target_value="25")
    services.do_enter_value(actor=carol, indicator=indicator, value="12", source="Einsatzliste",
                            measured_on=date(2026, 4, 10))
    services.do_enter_value(actor=carol, indicator=indicator, value="1.234,5", source="Einsatzliste",
                            measured_on=date(2026, 4, 28))
    stored = IndicatorValue.objects.get(indicator=indicator)
    assert stored.period == date(2026, 4, 1) and stored.value == Decimal("1234.50")
    entries = AuditLogEntry.objects.filter(action=AuditLogEntry.Action.INDICATOR_VALUE_ENTERED)
    assert entries.count() == 2 and entries.order_by("pk").last().details["value"] == "1234.50"


@pytest.mark.parametrize("bad", ["", "zwölf", "1e999", "NaN", "99999999999999"])
def test_a_bad_value_is_refused_with_a_message(model, carol, bad):
    indicator = services.do_add_indicator(actor=carol, model=model, level=Level.INPUTS, source="entered",
                                          title="Ehrenamtliche")
    with pytest.raises(ValidationError):
        services.do_enter_value(actor=carol, indicator=indicator, value=bad, source="Liste",
                                measured_on=date(2026, 4, 10))
    assert not IndicatorValue.objects.exists()


def test_values_of_a_measured_indicator_cannot_be_entered(model, carol):
    indicator = services.do_add_indicator(actor=carol, model=model, level=Level.OUTPUTS, source="measured",
                                          measured_key="reports.closed")
    with pytest.raises(ValidationError):
        services.do_enter_value(actor=carol, indicator=indicator, value="3", source="x", measured_on=TODAY)


def test_the_snapshot_stores_each_month_of_a_measured_indicator(model, carol, musterstadt, anderstadt):
    indicator = services.do_add_indicator(actor=carol, model=model, level=Level.OUTPUTS, source="measured",
                                          measured_key="reports.closed")
    berlin = timezone.get_current_timezone()
    for day in (date(2026, 4, 3), date(2026, 4, 20), date(2026, 6, 2)):
        closed_report(musterstadt, timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12), berlin))
    closed_report(anderstadt, timezone.make_aware(timezone.datetime(2026, 4, 5, 12), berlin))

    assert services.do_snapshot_model(model=model, months=3, today=TODAY) == 3
    values = {v.period: v.value for v in indicator.values.all()}
    assert values == {date(2026, 4, 1): 2, date(2026, 5, 1): 0, date(2026, 6, 1): 1}
    # Again: the same rows, updated.
    services.do_snapshot_model(model=model, months=3, today=TODAY)
    assert indicator.values.count() == 3


def test_a_lab_model_is_measured_over_the_lab_members(model, carol, musterstadt, anderstadt):
    lab = LabFactory()
    lab.municipalities.set([musterstadt, anderstadt])
    services.do_save_model(municipality=musterstadt, actor=carol, model=model, title=model.title, lab=lab,
                           is_public=True)
    indicator = services.do_add_indicator(actor=carol, model=model, level=Level.OUTPUTS, source="measured",
                                          measured_key="reports.closed")
    moment = timezone.make_aware(timezone.datetime(2026, 6, 5, 12))
    closed_report(musterstadt, moment)
    closed_report(anderstadt, moment)
    services.do_snapshot_model(model=model, months=1, today=TODAY)
    assert indicator.values.get().value == 2


def test_a_lab_the_municipality_is_not_in_is_refused(model, carol):
    with pytest.raises(ValidationError):
        services.do_save_model(municipality=model.municipality, actor=carol, model=model, title="x",
                               lab=LabFactory())


def test_the_command_computes_the_snapshots_now(model, carol):
    services.do_add_indicator(actor=carol, model=model, level=Level.OUTPUTS, source="measured",
                              measured_key="reports.closed")
    out = StringIO()
    call_command("snapshot_indicators", "--now", "--months", "2", stdout=out)
    assert "Stored 2" in out.getvalue()
    call_command("snapshot_indicators", stdout=out)  # enqueued (run inline by the test settings)
    assert "Enqueued" in out.getvalue()


def test_status_against_the_target():
    indicator = Indicator(target_value=Decimal("10"), higher_is_better=True, target_date=date(2026, 12, 31))
    value = IndicatorValue(value=Decimal("12"), period=TODAY)
    assert status_of(indicator, value, TODAY).key == "reached"
    value.value = Decimal("8")
    assert status_of(indicator, value, TODAY).key == "open"
    assert status_of(indicator, value, date(2027, 1, 1)).key == "missed"
    indicator.higher_is_better = False
    assert status_of(indicator, value, TODAY).key == "reached"
    assert status_of(indicator, None, TODAY).key == "no_value"
    assert status_of(Indicator(), value, TODAY).key == "no_target"


def test_values_are_formatted_the_german_way():
    assert format_value(Decimal("1234.00")) == "1.234"
    assert format_value(Decimal("37.50")) == "37,5"
    assert format_value(Decimal("12.25")) == "12,25"


def _filled(model, carol, *, months: int, indicators: int):
    for number in range(indicators):
        indicator = services.do_add_indicator(actor=carol, model=model, level=Level.values[number % 5],
                                              source="entered", title=f"Kennzahl {number}", target_value="50")
        IndicatorValue.objects.bulk_create([
            IndicatorValue(municipality=model.municipality, indicator=indicator,
                           period=date(2024 + m // 12, m % 12 + 1, 1),
                           value=Decimal(m), source="Liste", measured_on=date(2024 + m // 12, m % 12 + 1, 1))
            for m in range(months)])
    services.do_add_indicator(actor=carol, model=model, level=Level.IMPACT, source="measured",
                              measured_key="core.participants")


def test_the_model_page_shows_chart_table_and_status(client, model, carol):
    _filled(model, carol, months=3, indicators=1)
    response = client.get(url("detail", model_id=model.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<table" in html and "Kennzahl 0" in html and "03/2024" in html


def test_the_model_page_costs_the_same_few_queries_whatever_the_data(client, model, carol, musterstadt,
                                                                     django_assert_max_num_queries):
    _filled(model, carol, months=2, indicators=1)
    with django_assert_max_num_queries(9) as small:
        assert client.get(url("detail", model_id=model.pk)).status_code == 200
    bigger = services.do_save_model(municipality=musterstadt, actor=carol, title="Groß", is_public=True)
    _filled(bigger, carol, months=30, indicators=15)
    with django_assert_max_num_queries(9) as large:
        assert client.get(url("detail", model_id=bigger.pk)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_internal_model_is_hidden_from_the_public_and_foreign_staff(client, model, carol, dave, alice):
    services.do_save_model(municipality=model.municipality, actor=carol, model=model, title=model.title,
                           is_public=False)
    detail = url("detail", model_id=model.pk)
    assert client.get(detail).status_code == 404
    assert model.title not in client.get(url("list")).content.decode()
    client.force_login(alice)
    assert client.get(detail).status_code == 404
    client.force_login(dave)
    assert client.get(detail).status_code == 404
    client.force_login(carol)
    assert client.get(detail).status_code == 200


def test_a_model_of_another_municipality_is_not_found(client, model, anderstadt):
    response = client.get(reverse("impact:detail", kwargs={"municipality_slug": "anderstadt", "model_id": model.pk}))
    assert response.status_code == 404


def test_staff_create_a_model_add_indicators_and_enter_values_through_the_pages(client, musterstadt, carol):
    client.force_login(carol)
    assert client.get(url("new")).status_code == 200
    assert client.post(url("new"), {"title": ""}).status_code == 400
    response = client.post(url("new"), {"title": "Offene Daten", "summary": "Mehr Daten", "is_public": "on"})
    model = ImpactModel.objects.get(title="Offene Daten")
    assert response.status_code == 302 and response.url == url("edit", model_id=model.pk)
    assert client.get(url("edit", model_id=model.pk)).status_code == 200
    assert client.post(url("step", model_id=model.pk, level="outputs"),
                       {"outputs-description": "Datensätze im Katalog"}).status_code == 302
    assert model.steps.get(level="outputs").description == "Datensätze im Katalog"
    add = url("indicator_add", model_id=model.pk)
    assert client.post(add, {"indicator-level": "outputs", "indicator-measured_key": "opendata.datasets_published",
                             "indicator-unit": "count", "indicator-target_value": "10"}).status_code == 302
    assert client.post(add, {"indicator-level": "outcomes", "indicator-title": "",
                             "indicator-unit": "count"}).status_code == 400
    assert client.post(add, {"indicator-level": "outcomes", "indicator-title": "Nachnutzungen",
                             "indicator-unit": "count", "indicator-target_value": "viele"}).status_code == 400
    assert client.post(add, {"indicator-level": "outcomes", "indicator-title": "Nachnutzungen",
                             "indicator-unit": "count", "indicator-target_value": "5"}).status_code == 302
    entered = model.indicators.get(title="Nachnutzungen")
    value_url = url("value", model_id=model.pk, indicator_id=entered.pk)
    prefix = f"v{entered.pk}-"
    assert client.post(value_url, {prefix + "value": "abc", prefix + "measured_on": "2026-01-10",
                                   prefix + "source": "Umfrage"}).status_code == 400
    assert client.post(value_url, {prefix + "value": "3", prefix + "measured_on": "2026-01-10",
                                   prefix + "source": "Umfrage"}).status_code == 302
    assert entered.values.get().value == 3
    assert client.post(url("snapshot", model_id=model.pk)).status_code == 302
    assert client.post(url("indicator_delete", model_id=model.pk, indicator_id=entered.pk)).status_code == 302
    assert not model.indicators.filter(pk=entered.pk).exists()


def test_the_staff_pages_are_closed_to_residents(client, model, alice):
    client.force_login(alice)
    assert client.get(url("edit", model_id=model.pk)).status_code == 403
    assert client.post(url("snapshot", model_id=model.pk)).status_code == 403


def test_the_record_set_lists_the_values_of_public_models_only(model, carol):
    _filled(model, carol, months=2, indicators=1)
    internal = services.do_save_model(municipality=model.municipality, actor=carol, title="Intern")
    _filled(internal, carol, months=2, indicators=1)
    rows = list(records.rows(model.municipality))
    assert [row["id"].split("-", 1)[1] for row in rows] == ["2024-01", "2024-02"]
    assert {row["model_title"] for row in rows} == {model.title}
    assert rows[0]["target_value"] == 50.0 and rows[0]["step"] == "inputs"
    assert len("impact-values.csv") < 40


def test_the_api_lists_public_models_and_their_values(client, model, carol):
    _filled(model, carol, months=2, indicators=1)
    services.do_save_model(municipality=model.municipality, actor=carol, title="Intern")
    listing = client.get("/api/v1/municipalities/musterstadt/impact-models").json()
    assert [item["title"] for item in listing["items"]] == [model.title]
    detail = client.get(f"/api/v1/municipalities/musterstadt/impact-models/{model.pk}").json()
    inputs = next(step for step in detail["steps"] if step["level"] == "inputs")
    assert inputs["indicators"][0]["values"] == [{"month": "2024-01", "value": 0.0, "source": "Liste"},
                                                 {"month": "2024-02", "value": 1.0, "source": "Liste"}]
    measured = client.get("/api/v1/impact-indicators").json()
    assert {"core.participants", "proposals.answered_in_time"} <= {item["key"] for item in measured}


def test_a_public_model_is_found_by_the_search(client, model):
    from kommune.core.search.models import SearchDocument

    assert SearchDocument.objects.filter(title=model.title).exists()


def test_staff_link_a_model_to_a_lab_and_to_a_project_through_the_form(client, model, carol, musterstadt):
    from tests.factories_proposals import published_proposal

    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    project = published_proposal(musterstadt, title="Mehr Bänke am Markt")
    client.force_login(carol)
    edit = url("edit", model_id=model.pk)
    assert f'value="{lab.pk}"' in client.get(edit).content.decode()
    response = client.post(edit, {"title": model.title, "is_public": "on", "lab": str(lab.pk),
                                  "link_kind": "proposal", "link_id": str(project.pk)})
    model.refresh_from_db()
    assert response.status_code == 302 and model.lab == lab and model.link_id == project.pk
    assert "Mehr Bänke am Markt" in client.get(url("detail", model_id=model.pk)).content.decode()
    assert client.post(edit, {"title": model.title, "link_kind": "proposal", "link_id": "999999"}).status_code == 400
