"""The impact section of a lab's page: the impact app contributes it through kommune/core/lab_sections.py (the
workspace imports no impact code). It lists the public impact models of the lab and of its sub-projects that the
reader may see, each indicator's latest value against its target."""

from datetime import date

import pytest
from django.test import Client

from kommune.core.lab_sections import LabPage, LabSection, lab_sections, register_lab_section, sections_for_lab
from kommune.impact import selectors as impact_selectors
from kommune.impact import services as impact_services
from kommune.labs import services as labs_services
from kommune.labs.models import SubProject, Visibility
from tests.factories import LabFactory
from tests.factories_labs import SECRET, lab_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(musterstadt):
    return lab_scene(municipality=musterstadt)


def _model(carol, musterstadt, title: str, *, lab=None, subproject_id=None, is_public=True, values=(),
           target="25", higher_is_better=True):
    link = {"link_kind": "lab_subproject", "link_id": subproject_id} if subproject_id else {}
    model = impact_services.do_save_model(municipality=musterstadt, actor=carol, title=title, is_public=is_public,
                                          lab=lab, **link)
    indicator = impact_services.do_add_indicator(actor=carol, model=model, level="outputs", source="entered",
                                                 title=f"Teilnehmende {title}", target_value=target,
                                                 higher_is_better=higher_is_better)
    for month, value in values:
        impact_services.do_enter_value(actor=carol, indicator=indicator, value=value, source="Liste",
                                       measured_on=date(2026, month, 10))
    return model


def _page(client: Client, scene) -> str:
    response = client.get(scene.lab.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_lab_s_page_shows_its_models_with_the_latest_value_against_the_target(scene, carol, musterstadt):
    _model(carol, musterstadt, "Digitale Sprechstunden", lab=scene.lab, values=((1, 12), (3, 19), (2, 14)))
    _model(carol, musterstadt, "Offene Daten im Kreis", subproject_id=scene.public_subproject_id,
           values=((2, 30),))
    _model(carol, musterstadt, "Interner Entwurf", lab=scene.lab, is_public=False, values=((1, 99),))
    _model(carol, musterstadt, "Ohne Lab", values=((1, 5),))
    page = _page(Client(), scene)
    assert 'id="lab-impact-heading"' in page and "Wirkung" in page
    assert "Digitale Sprechstunden" in page and "Offene Daten im Kreis" in page
    assert "Interner Entwurf" not in page and "Ohne Lab" not in page
    # The latest month, not the last one entered: 19 in 03/2026 against 25, not reached yet.
    assert "19 (03/2026)" in page and "Ziel noch nicht erreicht" in page
    assert "30 (02/2026)" in page and "Ziel erreicht" in page
    # The sub-project the second model describes is named with a link.
    sub = SubProject.objects.get(pk=scene.public_subproject_id)
    assert sub.get_absolute_url() in page.split('id="lab-impact-heading"')[1]


def test_a_lab_without_public_models_has_no_impact_section(scene, carol, musterstadt):
    _model(carol, musterstadt, "Interner Entwurf", lab=scene.lab, is_public=False)
    assert 'id="lab-impact-heading"' not in _page(Client(), scene)


def test_a_model_of_an_internal_sub_project_shows_only_to_members(scene, carol, musterstadt):
    _model(carol, musterstadt, "Modell des Teilprojekts", subproject_id=scene.public_subproject_id,
           values=((1, 3),))
    sub = SubProject.objects.get(pk=scene.public_subproject_id)
    labs_services.do_update_subproject(subproject=sub, actor=scene.lead, title=f"{SECRET} jetzt intern",
                                       visibility=Visibility.INTERNAL)
    outsider = _page(Client(), scene)
    assert "Modell des Teilprojekts" not in outsider and SECRET not in outsider
    member = Client()
    member.force_login(scene.partner)
    page = _page(member, scene)
    assert "Modell des Teilprojekts" in page and f"{SECRET} jetzt intern" in page


def test_another_lab_s_models_are_not_shown(scene, carol, musterstadt):
    other = LabFactory()
    other.municipalities.add(musterstadt)
    _model(carol, musterstadt, "Modell des anderen Labs", lab=other)
    assert "Modell des anderen Labs" not in _page(Client(), scene)


def test_a_long_list_ends_with_the_municipalities_pages(scene, carol, musterstadt, monkeypatch):
    monkeypatch.setattr(impact_selectors, "LAB_MODELS_SHOWN", 2)
    for title in ("Modell A", "Modell B", "Modell C"):
        _model(carol, musterstadt, title, lab=scene.lab)
    page = _page(Client(), scene)
    assert "Modell A" in page and "Modell B" in page and "Modell C" not in page
    assert "Weitere Wirkungsmodelle" in page and f"/{musterstadt.slug}/wirkung/" in page


def test_the_registry_renders_what_a_feature_registers_in_order(scene):
    calls = []

    def context(page: LabPage):
        calls.append((page.lab, page.member, [item.pk for item in page.subprojects]))
        return {"hello": "Hallo"} if page.member else None

    before = {section.key: section for section in lab_sections()}
    register_lab_section(LabSection("test", "labs/x.html", context, order=1))
    try:
        page = LabPage(scene.lab, True, (), SubProject)
        rendered = sections_for_lab(page)
        assert rendered[0].template == "labs/x.html" and rendered[0].context == {"hello": "Hallo"}
        assert all(section.template != "labs/x.html" for section in sections_for_lab(LabPage(scene.lab, False)))
        assert calls[0] == (scene.lab, True, [])
        assert "impact" in before  # the impact app registered its section
    finally:
        from kommune.core import lab_sections as registry

        registry._sections.pop("test", None)


def test_the_demo_lab_shows_the_impact_of_its_sub_project():
    from io import StringIO

    from django.core.management import call_command

    from kommune.impact.demo import LAB_TITLE
    from kommune.labs.demo import LAB_SLUG

    call_command("seed_demo", "--force", stdout=StringIO())
    page = Client().get(f"/labs/{LAB_SLUG}/").content.decode()
    section = page.split('id="lab-impact-heading"')[1]
    assert LAB_TITLE in section and "Digitale Sprechstunde" in section and "Ziel" in section
