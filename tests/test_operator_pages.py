"""The operator's imprint and privacy notice: linked on pages outside a municipality and on the registration
form; `manage.py check --deploy` warns (kommune.W001, kommune.W002) while they are not configured."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from kommune.core.apps import check_operator_legal_pages


def test_the_deploy_check_warns_without_imprint_and_privacy_notice(settings):
    settings.OPERATOR_IMPRINT_URL = ""
    settings.OPERATOR_PRIVACY_URL = ""
    assert [message.id for message in check_operator_legal_pages()] == ["kommune.W001", "kommune.W002"]
    settings.OPERATOR_IMPRINT_URL = "https://betreiber.example/impressum"
    settings.OPERATOR_PRIVACY_URL = "https://betreiber.example/datenschutz"
    assert check_operator_legal_pages() == []


@pytest.mark.django_db  # the model checks ask the database whether it supports JSON fields
def test_check_deploy_reports_the_warning_and_plain_check_does_not(settings):
    settings.OPERATOR_PRIVACY_URL = ""
    out = StringIO()
    try:
        call_command("check", "--deploy", stdout=out, stderr=out)
    except SystemCheckError as error:  # other deploy warnings may be raised to errors; ours is among them
        out.write(str(error))
    assert "kommune.W002" in out.getvalue()
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "kommune.W002" not in out.getvalue()


@pytest.mark.django_db
def test_the_registration_form_and_the_start_page_link_the_operators_pages(client, settings):
    settings.OPERATOR_IMPRINT_URL = "https://betreiber.example/impressum"
    settings.OPERATOR_PRIVACY_URL = "https://betreiber.example/datenschutz"
    register = client.get(reverse("accounts:register")).content.decode()
    assert 'href="https://betreiber.example/datenschutz"' in register
    start = client.get("/").content.decode()
    assert 'href="https://betreiber.example/impressum"' in start
