"""Demo data of the methods library: ten methods of the lab and its municipalities with their real uses in the
demo's processes, and Musterstadt's market-square process as a template that Birkenhagen copied. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from kommune.core.demo import DemoData, neighbour_places
from kommune.core.models import Lab, Municipality, Role
from kommune.core.processes.models import Process
from kommune.core.types import User
from kommune.methods import services
from kommune.methods.models import Method, MethodUse, Template, TemplateCopy

LAB_SLUG = "og-lab-beispielregion"
MARKET_SQUARE = "marktplatz"


def _m(title, kind, summary, purpose, perspectives, effort, low, high, duration, steps, materials, pitfalls,
       author, uses):
    return {"title": title, "kind": kind, "summary": summary, "purpose": purpose, "perspectives": perspectives,
            "effort": effort, "group_size_min": low, "group_size_max": high, "duration": duration, "steps": steps,
            "materials": materials, "pitfalls": pitfalls, "author": author, "uses": uses}


# author: "lab" or a municipality's slug; uses: (municipality slug, process slug or title)
METHODS = [
    _m("Bürgerrat", "method",
       "Zufällig ausgeloste Einwohnerinnen und Einwohner beraten eine Frage und geben dem Rat eine Empfehlung.",
       "Ein Bürgerrat bringt Menschen zusammen, die sonst selten mitreden: Das Los sorgt für eine Gruppe, die nach "
       "Alter, Geschlecht und Wohnort der Bevölkerung ähnelt. Er eignet sich für umstrittene Fragen, bei denen der "
       "Rat wissen will, was informierte Bürgerinnen und Bürger nach gründlicher Beratung empfehlen.",
       ["dialogue", "agenda_setting"], "high", 20, 50, "drei bis vier Samstage in zwei Monaten",
       "1. Frage mit dem Rat klären und den Umgang mit dem Ergebnis vorab beschließen.\n"
       "2. Aus dem Melderegister losen, schriftlich einladen, nach Merkmalen auswählen.\n"
       "3. Sachverständige aus verschiedenen Richtungen anhören.\n"
       "4. In Kleingruppen beraten, moderiert und mit festen Regeln.\n"
       "5. Empfehlungen schreiben, abstimmen und öffentlich an den Rat übergeben.\n"
       "6. Der Rat antwortet öffentlich auf jede Empfehlung.",
       "- Aufwandsentschädigung und Kinderbetreuung\n- barrierefreier Raum\n- Moderationsteam\n- Protokoll",
       "- Ohne vorherige Zusage des Rates wirkt das Ergebnis beliebig.\n"
       "- Wer nicht antwortet, ist nicht zufällig: gezielt nachladen.",
       "lab", [("musterstadt", "Leitbild Bürgerbeteiligung"),
               ("landkreis-beispielkreis", "Nahverkehrsplan 2027 bis 2031")]),
    _m("Open-Data-Hackday", "method",
       "Ein Tag, an dem Verwaltung und Zivilgesellschaft mit offenen Daten der Kommune Prototypen bauen.",
       "Der Hackday zeigt, was mit den offenen Daten der Kommune möglich ist, und bringt die Menschen, die Daten "
       "pflegen, mit denen zusammen, die sie nutzen. Nebenbei fallen fehlende oder schlecht nutzbare Datensätze auf.",
       ["open_data", "co_production", "innovation"], "medium", 15, 80, "ein Tag (Samstag)",
       "1. Datensätze vorab im Portal veröffentlichen und beschreiben.\n"
       "2. Fragen der Fachämter sammeln (Challenges).\n"
       "3. Am Morgen Ideen vorstellen und Teams bilden.\n"
       "4. Bis zum Nachmittag bauen, Fachleute aus den Ämtern helfen.\n"
       "5. Ergebnisse zeigen; gute Prototypen bekommen eine Patenschaft im Amt.",
       "- WLAN, Strom, Beamer\n- Verpflegung\n- Datensätze als CSV und GeoJSON",
       "- Ohne Begleitung nach dem Tag verschwinden die Prototypen.\n- Nicht nur Programmierende einladen.",
       "musterstadt", [("musterstadt", "verkehr-altstadt")]),
    _m("Co-Design-Workshop", "method",
       "Betroffene und Verwaltung entwerfen gemeinsam eine Lösung, von der Skizze bis zum Prototyp.",
       "Im Co-Design-Workshop gestalten die Menschen, die etwas nutzen werden, es mit: einen Platz, ein Formular, "
       "einen Ablauf. Der Workshop macht Annahmen sichtbar und liefert Entwürfe, die schnell getestet werden können.",
       ["co_production", "innovation", "dialogue"], "medium", 8, 30, "3 Stunden",
       "1. Einladen, wer betroffen ist, gezielt auch Leise.\n"
       "2. Einstieg: Erfahrungen mit dem heutigen Zustand sammeln.\n"
       "3. In Gruppen Ideen skizzieren (Papier, Karten, Lego).\n"
       "4. Entwürfe vorstellen und bewerten.\n"
       "5. Einen Entwurf als Prototyp weiterentwickeln und mit anderen testen.",
       "- Stellwände, Karten, Stifte\n- Pläne im großen Maßstab\n- Bastelmaterial",
       "- Entscheidungen, die schon gefallen sind, offen sagen.\n- Ergebnisse zurückmelden.",
       "lab", [("musterstadt", MARKET_SQUARE), ("ahornfeld", "Dorfentwicklung Ahornfeld 2035")]),
    _m("Online-Konsultation", "instrument",
       "Ein Entwurf oder eine Frage wird für einige Wochen online gestellt; alle können kommentieren.",
       "Die Online-Konsultation erreicht viele Menschen mit wenig Aufwand und macht sichtbar, was andere schon "
       "gesagt haben. Sie ergänzt Veranstaltungen vor Ort, ersetzt sie aber nicht.",
       ["dialogue", "transparency"], "low", None, None, "vier bis sechs Wochen",
       "1. Frage und Spielraum klar beschreiben.\n"
       "2. Beteiligungsverfahren mit Phasen anlegen, Kommentare in der Dialogphase öffnen.\n"
       "3. Bekannt machen: Presse, Aushänge, Vereine, soziale Medien.\n"
       "4. Moderieren und Fragen zeitnah beantworten.\n"
       "5. Auswerten und veröffentlichen, was aus den Beiträgen wurde.",
       "- Plattform (diese)\n- Redaktion für die Moderation\n- Telefonnummer für Beiträge ohne Internet",
       "- Ohne Rückmeldung am Ende sinkt die Beteiligung beim nächsten Mal.",
       "musterstadt", [("musterstadt", MARKET_SQUARE), ("musterstadt", "Leitbild Bürgerbeteiligung"),
                       ("landkreis-beispielkreis", "Nahverkehrsplan 2027 bis 2031"),
                       ("birkenhagen", "Spielplätze in Birkenhagen")]),
    _m("World Café", "method",
       "Gespräche an Tischen in wechselnder Besetzung, damit Ideen von Gruppe zu Gruppe wandern.",
       "Das World Café holt in kurzer Zeit viele Sichtweisen ein. Es eignet sich für den Anfang eines Verfahrens, "
       "wenn Themen gesammelt und Menschen miteinander ins Gespräch gebracht werden sollen.",
       ["dialogue"], "low", 12, 100, "2 bis 3 Stunden",
       "1. Drei bis fünf Fragen formulieren, eine je Tisch.\n"
       "2. Gastgeberin oder Gastgeber je Tisch bestimmen.\n"
       "3. In Runden von 20 Minuten an den Tischen sprechen, dann wechseln.\n"
       "4. Die Gastgeber fassen am Ende die Ergebnisse ihres Tisches zusammen.",
       "- Tische mit Papiertischdecken\n- Stifte\n- Kaffee",
       "- Ergebnisse direkt fotografieren und abtippen.",
       "landkreis-beispielkreis", [("ahornfeld", "Dorfentwicklung Ahornfeld 2035"),
                                   ("erlenbrueck", "Neue Nutzung für die alte Schule")]),
    _m("Service Journey", "tool",
       "Den Weg einer Person durch eine Verwaltungsleistung Schritt für Schritt aufzeichnen und verbessern.",
       "Die Service Journey zeigt, wo Menschen an einer Leistung scheitern: beim Finden, beim Formular, beim "
       "Warten. Sie macht aus Beschwerden konkrete Ansatzpunkte und eignet sich für die Digitalisierung.",
       ["co_production", "culture", "innovation"], "medium", 4, 12, "zwei Workshops à 3 Stunden",
       "1. Eine Leistung und eine typische Person wählen.\n"
       "2. Mit Betroffenen jeden Schritt aufschreiben, mit Gefühlen und Hürden.\n"
       "3. Die schwierigsten Momente auswählen.\n"
       "4. Verbesserungen entwerfen und mit Betroffenen testen.",
       "- lange Papierbahn oder digitales Whiteboard\n- Klebezettel",
       "- Nicht nur die Sicht der Verwaltung aufschreiben.",
       "lab", [("musterstadt", "verkehr-altstadt")]),
    _m("Zukunftswerkstatt", "method",
       "In drei Phasen von der Kritik über die Fantasie zur Umsetzung: Visionen für einen Ort entwickeln.",
       "Die Zukunftswerkstatt lädt ein, erst zu kritisieren, dann frei zu träumen und am Ende zu prüfen, was "
       "davon machbar ist. Sie passt zu Dorf- und Quartiersentwicklung.",
       ["dialogue", "innovation"], "medium", 10, 40, "ein Tag oder zwei Abende",
       "1. Kritikphase: Was stört heute?\n2. Fantasiephase: Wie wäre es ideal?\n"
       "3. Verwirklichungsphase: Was packen wir an, wer macht mit?",
       "- Stellwände, Karten\n- Moderation",
       "- Die Fantasiephase nicht zu früh mit Bedenken bremsen.",
       "ahornfeld", [("ahornfeld", "Dorfentwicklung Ahornfeld 2035")]),
    _m("Ortsbegehung", "method",
       "Gemeinsam den Ort ansehen, um den es geht, und Hinweise direkt vor Ort sammeln.",
       "Bei der Ortsbegehung sehen Verwaltung und Bürgerinnen dasselbe. Sie erreicht Menschen, die nicht zu "
       "Abendveranstaltungen kommen, und liefert genaue, verortete Hinweise.",
       ["dialogue", "transparency"], "low", 5, 40, "1,5 Stunden",
       "1. Route mit Stationen festlegen, barrierefrei.\n2. An jeder Station kurz informieren und fragen.\n"
       "3. Hinweise mit Ort notieren (Karte, Fotos).\n4. Ergebnisse online stellen und weiter kommentieren lassen.",
       "- Karte\n- Klemmbretter\n- tragbarer Lautsprecher",
       "- Bei schlechtem Wetter einen Ausweichtermin anbieten.",
       "birkenhagen", [("birkenhagen", "Spielplätze in Birkenhagen"),
                       ("erlenbrueck", "Neue Nutzung für die alte Schule")]),
    _m("Offenheits-Check im Team", "tool",
       "Das Team schätzt ein, wie offen es nach den sieben Perspektiven arbeitet, und vergleicht das mit den Daten.",
       "Der Check macht Offenheit zum Gesprächsthema im Team: Wo sind wir stark, wo nicht? Wiederholt jedes Jahr "
       "zeigt er, was sich verändert hat.",
       ["culture"], "low", 3, 15, "90 Minuten, jährlich",
       "1. Jede Person bewertet allein die Aussagen.\n2. Unterschiede im Team besprechen, nicht nur Mittelwerte.\n"
       "3. Zwei Vorhaben für das nächste Jahr festlegen.",
       "- Fragebogen\n- Ergebnisse des Vorjahres", "- Keine Rangliste der Personen bilden.",
       "lab", []),
    _m("Beteiligungsbriefkasten", "instrument",
       "Ein Briefkasten und eine Telefonnummer für Beiträge ohne Internet, die das Team in die Plattform einträgt.",
       "Nicht alle beteiligen sich online. Der Briefkasten im Rathaus und in der Bücherei und eine feste "
       "Telefonzeit machen jedes Verfahren auch analog zugänglich; das Team trägt die Beiträge als "
       "unterstützte Beiträge ein.",
       ["dialogue", "co_production"], "low", None, None, "während des ganzen Verfahrens",
       "1. Briefkasten an gut erreichbaren Orten aufstellen.\n2. Telefonzeiten veröffentlichen.\n"
       "3. Beiträge wöchentlich eintragen und kennzeichnen.",
       "- Briefkasten\n- Karten mit Rücksendeadresse", "- Datenschutzhinweis auf der Karte nicht vergessen.",
       "erlenbrueck", [("erlenbrueck", "Neue Nutzung für die alte Schule"), ("musterstadt", MARKET_SQUARE)]),
]


def _process(slug: str, name: str) -> Process | None:
    return (Process.objects.filter(municipality__slug=slug, slug=name).first()
            or Process.objects.filter(municipality__slug=slug, title=name).first())


def _lab_author() -> tuple[Lab, User] | None:
    lab = Lab.objects.filter(slug=LAB_SLUG).first()
    if lab is None:
        return None
    membership = lab.memberships.filter(role__in=[Role.ADMIN, Role.STAFF]).select_related("user").first()
    return (lab, membership.user) if membership else None


def seed_methods(demo: DemoData) -> None:
    staff: dict[str, User] = {demo.municipality.slug: demo.staff}
    staff |= {place.municipality.slug: place.staff for place in neighbour_places()}
    lab_author = _lab_author()
    for entry in METHODS:
        data = {key: value for key, value in entry.items() if key not in ("author", "uses")}
        method = Method.objects.filter(title=data["title"]).first()
        if method is None:
            author: Lab | Municipality
            if entry["author"] == "lab":
                if lab_author is None:
                    continue
                author, actor = lab_author
            else:
                municipality = Municipality.objects.filter(slug=entry["author"]).first()
                if municipality is None or entry["author"] not in staff:
                    continue
                author, actor = municipality, staff[entry["author"]]
            method = services.do_create_method(author=author, actor=actor, **data)
        _tag_uses(method, entry["uses"], staff)
    _seed_versions(demo)
    _seed_template(demo, staff)


def _tag_uses(method: Method, uses: list[tuple[str, str]], staff: dict[str, User]) -> None:
    for slug, name in uses:
        process = _process(slug, name)
        if process is None or slug not in staff or MethodUse.objects.filter(method=method, process=process).exists():
            continue
        current = list(Method.objects.filter(uses__process=process))
        services.do_set_process_methods(process=process, actor=staff[slug], methods=[*current, method])


def _seed_versions(demo: DemoData) -> None:
    """The online consultation was improved once: its history has two versions."""
    method = Method.objects.filter(title="Online-Konsultation", municipality=demo.municipality).first()
    if method is None or method.version > 1:
        return
    services.do_update_method(
        method=method, actor=demo.staff, note="Hinweis auf Beiträge per Telefon und Brief ergänzt",
        pitfalls=method.pitfalls + "\n- Wer nicht online ist, braucht einen anderen Weg: Telefon, Brief, "
                                   "Briefkasten im Rathaus.")


def _seed_template(demo: DemoData, staff: dict[str, User]) -> None:
    """Musterstadt's market-square process as a template, copied by Birkenhagen with its own start."""
    process = Process.objects.filter(municipality=demo.municipality, slug=MARKET_SQUARE).first()
    if process is None:
        return
    template = Template.objects.filter(municipality=demo.municipality, kind="process", source_id=process.pk).first()
    if template is None:
        method = Method.objects.filter(title="Co-Design-Workshop").first()
        template = services.do_publish_template(
            municipality=demo.municipality, actor=demo.staff, kind="process", source_id=process.pk,
            title="Platzgestaltung mit Bürgerbeteiligung",
            summary="Information, vier Wochen Dialog mit Kommentaren und eine Auswertungsphase; erprobt bei der "
                    "Neugestaltung des Marktplatzes in Musterstadt.", method=method)
    target = Municipality.objects.filter(slug="birkenhagen").first()
    if target is None or "birkenhagen" not in staff:
        return
    if TemplateCopy.objects.filter(template=template, municipality=target).exists():
        return
    start = timezone.localdate() + timedelta(days=45)
    services.do_copy_template(template=template, municipality=target, actor=staff["birkenhagen"], start=start)
