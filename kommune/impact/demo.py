"""Demo content: Musterstadt's impact model of its digital-help programme for older residents, with indicators the
platform measures (digital-help events and registrations, the assisted share, people who took part) and values
entered by staff (volunteer digital companions, the course feedback), and six months of values; and the model of
the demo lab's public sub-project "Digitale Sprechstunde" (found through kommune/core/linkables.py, so the lab's
page shows its impact). Idempotent: a model is created, filled and snapshotted only when it is missing."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from kommune.core.demo import DemoData
from kommune.core.linkables import linkable_by_kind
from kommune.impact import services
from kommune.impact.models import ImpactModel, Indicator, Level

TITLE = "Digitale Teilhabe im Alter"
SUMMARY = ("Ältere Menschen in Musterstadt sollen sicher mit Smartphone, Online-Banking und den digitalen "
           "Angeboten der Stadt umgehen können und sich häufiger an Beteiligungsverfahren beteiligen. Die Stadt "
           "finanziert dafür mit der Bürgerstiftung ein Netz von Digitalsprechstunden in Stadtteiltreffs und "
           "Bibliotheken.")

STEPS: dict[str, str] = {
    Level.INPUTS: "Fördermittel von 40.000 € pro Jahr, eine halbe Koordinationsstelle, ehrenamtliche "
                  "Digitalbegleiterinnen und -begleiter der Bürgerstiftung, Räume in sechs Stadtteiltreffs.",
    Level.ACTIVITIES: "Wöchentliche Smartphone-Sprechstunden, Kurse zu Online-Banking und Sicherheit, Hilfe beim "
                      "Ausfüllen von Online-Anträgen, telefonische Annahme von Beiträgen zu Beteiligungsverfahren.",
    Level.OUTPUTS: "Termine im Kalender der Digitalhilfe, Anmeldungen, Beiträge, die das Bürgerbüro für "
                   "Menschen ohne Internet einträgt.",
    Level.OUTCOMES: "Die Teilnehmenden fühlen sich im Umgang mit digitalen Angeboten sicherer und nutzen sie "
                    "selbstständig.",
    Level.IMPACT: "Mehr Menschen aller Altersgruppen beteiligen sich an der Stadtpolitik.",
}

# (level, measured key or "", title for entered ones, unit, target, months to the target date, entered values)
INDICATORS = [
    (Level.INPUTS, "", "Aktive Digitalbegleiterinnen und -begleiter", "count", "25", 6, (12, 14, 15, 17, 19, 21)),
    (Level.ACTIVITIES, "inclusion.events_held", "", "", "8", 6, ()),
    (Level.OUTPUTS, "inclusion.registrations", "", "", "40", 6, ()),
    (Level.OUTPUTS, "core.assisted_share", "", "", "10", 12, ()),
    (Level.OUTCOMES, "", "Teilnehmende, die sich nach dem Kurs sicherer fühlen", "percent", "75", 12,
     (61, 64, 66, 70, 71, 73)),
    (Level.IMPACT, "core.participants", "", "", "50", 12, ()),
]
SOURCES = {
    "Aktive Digitalbegleiterinnen und -begleiter": "Einsatzliste der Bürgerstiftung Musterstadt",
    "Teilnehmende, die sich nach dem Kurs sicherer fühlen": "Feedbackbögen der Kurse (Auswertung der Koordination)",
}
MONTHS = 6


def _month_ago(today: date, months: int) -> date:
    day = today.replace(day=15)
    for _step in range(months):
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=15)
    return day


def seed_impact(data: DemoData) -> None:
    if ImpactModel.objects.filter(municipality=data.municipality, title=TITLE).exists():
        return
    model = services.do_save_model(municipality=data.municipality, actor=data.staff, title=TITLE, summary=SUMMARY,
                                   is_public=True)
    for step in model.steps.all():
        services.do_save_step(actor=data.staff, step=step, description=STEPS[step.level])
    today = timezone.localdate()
    for level, key, title, unit, target, months, values in INDICATORS:
        target_date = (today.replace(day=1) + timedelta(days=31 * months)).replace(day=1) - timedelta(days=1)
        indicator = services.do_add_indicator(
            actor=data.staff, model=model, level=level,
            source=Indicator.Source.MEASURED if key else Indicator.Source.ENTERED, measured_key=key, title=title,
            unit=unit or "count", target_value=Decimal(target), target_date=target_date)
        for months_ago, value in zip(range(len(values) - 1, -1, -1), values, strict=True):
            services.do_enter_value(actor=data.staff, indicator=indicator, value=value, source=SOURCES[title],
                                    measured_on=min(today, _month_ago(today, months_ago)))
    services.do_snapshot_model(model=model, months=MONTHS, today=today)


LAB_TITLE = "Digitale Sprechstunde im Lab"
LAB_SUBPROJECT = "Digitale Sprechstunde"
# (title, unit, target, values of the last months, oldest first, source)
LAB_INDICATORS = [
    ("Sprechstunden per Video", "count", "12", (4, 6, 7, 9), "Terminkalender des Bürgerbüros"),
    ("Anliegen, die ohne Gang ins Rathaus erledigt wurden", "percent", "70", (48, 55, 61, 64),
     "Auswertung der Sprechstunden"),
]


def seed_lab_impact(data: DemoData) -> None:
    """The model of the demo lab's sub-project, when the lab workspace is installed and seeded it."""
    linkable = linkable_by_kind("lab_subproject")
    if linkable is None or ImpactModel.objects.filter(municipality=data.municipality, title=LAB_TITLE).exists():
        return
    subproject = next((item for item in linkable.find(data.municipality, LAB_SUBPROJECT)
                       if str(item) == LAB_SUBPROJECT), None)
    if subproject is None:
        return
    model = services.do_save_model(
        municipality=data.municipality, actor=data.staff, title=LAB_TITLE, is_public=True,
        summary="Die Video-Sprechstunde soll Wege ins Rathaus sparen; das Lab misst, wie oft sie genutzt wird und "
                "wie viele Anliegen so erledigt werden.", link_kind="lab_subproject", link_id=subproject.pk)
    today = timezone.localdate()
    target_date = (today.replace(day=1) + timedelta(days=31 * 6)).replace(day=1) - timedelta(days=1)
    for title, unit, target, values, source in LAB_INDICATORS:
        indicator = services.do_add_indicator(actor=data.staff, model=model, level=Level.OUTPUTS,
                                              source=Indicator.Source.ENTERED, title=title, unit=unit,
                                              target_value=Decimal(target), target_date=target_date)
        for months_ago, value in zip(range(len(values) - 1, -1, -1), values, strict=True):
            services.do_enter_value(actor=data.staff, indicator=indicator, value=value, source=source,
                                    measured_on=min(today, _month_ago(today, months_ago)))
