"""The statements of the openness self-assessment: a fixed set per version, about three per perspective.

The statements are content, not interface text: they are written in German (the language the municipalities
answer in) and never change within a version. A new version gets a new key, and a round keeps the version it was
opened with, so the answers of earlier years stay readable. Ratings run from 1 (does not apply at all) to 5
(applies fully).
"""

from dataclasses import dataclass

from kommune.core.perspectives import Perspective

SCALE = (1, 2, 3, 4, 5)
CURRENT_VERSION = "2026.1"


@dataclass(frozen=True)
class Statement:
    key: str  # "<perspective>.<n>", stable within a version; stored with each answer
    perspective: Perspective
    text: str


_P = Perspective
STATEMENTS_2026_1: tuple[Statement, ...] = (
    Statement("transparency.1", _P.TRANSPARENCY,
              "Beschlüsse, Sitzungsunterlagen und geplante Vorhaben veröffentlichen wir zeitnah und auffindbar."),
    Statement("transparency.2", _P.TRANSPARENCY,
              "Wir legen offen, wie Entscheidungen zustande kommen und wer sie verantwortet."),
    Statement("transparency.3", _P.TRANSPARENCY,
              "Bürgerinnen und Bürger können den Stand unserer Vorhaben jederzeit nachverfolgen."),
    Statement("agenda_setting.1", _P.AGENDA_SETTING,
              "Einwohnerinnen und Einwohner können eigene Themen auf die kommunale Agenda setzen."),
    Statement("agenda_setting.2", _P.AGENDA_SETTING,
              "Eingebrachte Anliegen beantworten wir fristgerecht und mit Begründung."),
    Statement("agenda_setting.3", _P.AGENDA_SETTING,
              "Die Regeln für Bürgeranträge (Quoren, Fristen) sind einfach und öffentlich bekannt."),
    Statement("dialogue.1", _P.DIALOGUE,
              "Bei wichtigen Vorhaben beteiligen wir die Öffentlichkeit, bevor entschieden ist."),
    Statement("dialogue.2", _P.DIALOGUE,
              "Wir zeigen nach jeder Beteiligung, was aus den Beiträgen geworden ist."),
    Statement("dialogue.3", _P.DIALOGUE,
              "Unsere Beteiligungsangebote erreichen auch Menschen, die sich sonst selten beteiligen."),
    Statement("co_production.1", _P.CO_PRODUCTION,
              "Engagierte können bei öffentlichen Aufgaben mit Zeit, Wissen oder Messungen mitwirken."),
    Statement("co_production.2", _P.CO_PRODUCTION,
              "Wir entwickeln Angebote gemeinsam mit denen, die sie nutzen."),
    Statement("co_production.3", _P.CO_PRODUCTION,
              "Zivilgesellschaftliche Partner sind bei uns feste Ansprechpartner auf Augenhöhe."),
    Statement("innovation.1", _P.INNOVATION,
              "Wir probieren neue Wege aus und dürfen dabei auch scheitern."),
    Statement("innovation.2", _P.INNOVATION,
              "Wir lernen von anderen Kommunen und geben eigene Erfahrungen weiter."),
    Statement("innovation.3", _P.INNOVATION,
              "Für Experimente gibt es Zeit, Budget und Rückhalt der Leitung."),
    Statement("open_data.1", _P.OPEN_DATA,
              "Wir veröffentlichen unsere Daten regelmäßig als offene Daten mit freier Lizenz."),
    Statement("open_data.2", _P.OPEN_DATA,
              "Unsere Software setzt auf offene Standards und Schnittstellen."),
    Statement("open_data.3", _P.OPEN_DATA,
              "Wir wissen, welche unserer Daten genutzt werden, und fragen nach, was gebraucht wird."),
    Statement("culture.1", _P.CULTURE,
              "Offenheit ist in unserer Verwaltung ein gemeinsames Ziel der Leitung und der Beschäftigten."),
    Statement("culture.2", _P.CULTURE,
              "Wir prüfen mit Kennzahlen, ob unsere Open-Government-Vorhaben wirken."),
    Statement("culture.3", _P.CULTURE,
              "Beschäftigte werden für Beteiligung und offene Daten geschult und unterstützt."),
)

VERSIONS: dict[str, tuple[Statement, ...]] = {CURRENT_VERSION: STATEMENTS_2026_1}


def statements(version: str) -> tuple[Statement, ...]:
    return VERSIONS.get(version, ())


def statement_keys(version: str) -> frozenset[str]:
    return frozenset(statement.key for statement in statements(version))


def perspective_of(version: str, key: str) -> Perspective | None:
    return next((statement.perspective for statement in statements(version) if statement.key == key), None)
