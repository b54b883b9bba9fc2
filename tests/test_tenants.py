import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kommune.core.models import Municipality
from kommune.core.richtext import render_markdown
from tests.factories import MunicipalityFactory, UserFactory


def _municipality(**fields) -> Municipality:
    values = {"name": "Neustadt", "slug": "neustadt", "official_key": "05111000", "kind": "stadt",
              "federal_state": "05"} | fields
    return Municipality(**values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"official_key": "5111000"}, "official_key", "exactly 8 digits"),
        ({"official_key": "0511100A"}, "official_key", "exactly 8 digits"),
        ({"official_key": "09111000"}, "official_key", "starts with 05"),
        ({"kind": "landkreis", "official_key": "05111001"}, "official_key", "ends with 000"),
        ({"slug": "konto"}, "slug", "reserved"),
        ({"slug": "labs"}, "slug", "reserved"),
    ],
)
def test_invalid_municipality_is_refused_with_a_clear_message(fields, field, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _municipality(**fields).full_clean()
    with translation.override("en"):
        assert message in " ".join(error.value.message_dict[field])


@pytest.mark.django_db
def test_member_municipality_must_share_the_district_key():
    district = MunicipalityFactory(slug="kreis", official_key="03999000", kind="landkreis", federal_state="03")
    _municipality(slug="adorf", official_key="03999001", federal_state="03", kind="gemeinde",
                  parent=district).full_clean()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _municipality(slug="bdorf", official_key="03888001", federal_state="03", kind="gemeinde",
                      parent=district).full_clean()
    with translation.override("en"):
        assert "five digits of its district" in error.value.message_dict["parent"][0]


@pytest.mark.django_db
def test_admin_refuses_an_invalid_key_and_creates_nothing(client):
    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post("/admin/core/municipality/add/", {
        "name": "Neustadt", "slug": "neustadt", "official_key": "123", "kind": "stadt", "federal_state": "05",
    })
    assert response.status_code == 200
    assert "8" in response.content.decode()
    assert not Municipality.objects.filter(slug="neustadt").exists()


def test_markdown_is_sanitised():
    html = render_markdown('# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) **ok**', nofollow=True)
    assert "<script>" not in html
    assert "href=\"javascript" not in html
    assert "<h2>Title</h2>" in html
    assert "<strong>ok</strong>" in html


def test_links_in_user_text_get_nofollow():
    html = render_markdown("[Rathaus](https://example.org)", nofollow=True)
    assert 'rel="nofollow ugc noopener"' in html


@pytest.mark.django_db
def test_german_is_the_default_whatever_the_browser_asks(client, musterstadt):
    response = client.get("/musterstadt/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


@pytest.mark.django_db
def test_unknown_municipality_is_404_in_the_site_layout(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert 'id="main"' in response.content.decode()


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    from kommune.accounts.backends import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the forged left-most entry is ignored


@pytest.mark.django_db
def test_accessibility_feedback_reaches_staff_when_no_contact_address(client, musterstadt, carol, erin, mailoutbox,
                                                                       django_capture_on_commit_callbacks):
    musterstadt.contact_email = ""
    musterstadt.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/musterstadt/barrierefreiheit/", {"message": "Kontrast zu schwach"})
    assert response.status_code == 302
    assert sorted(mailoutbox[0].to) == ["carol@example.org", "erin@example.org"]


def test_the_logo_is_served_through_its_municipality_and_cached(client, musterstadt):
    from django.core.files.uploadedfile import SimpleUploadedFile

    musterstadt.logo = SimpleUploadedFile("wappen.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    musterstadt.save(update_fields=["logo"])

    response = client.get(musterstadt.logo_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=86400" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"
    assert client.get(musterstadt.logo_url.replace("wappen", "anderes")).status_code == 404


def test_a_municipality_without_logo_has_no_logo_address(client, musterstadt):
    assert musterstadt.logo_url == ""
    assert client.get(f"/{musterstadt.slug}/logo/wappen.png").status_code == 404
