"""Done when: a third-party script creates a proposal, supports it and comments on it through the REST API with
tokens, and the web page shows the result. The script (docs/examples/api_client.py) runs as its own process
against a live server and uses nothing but Python's standard library."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from kommune.accounts.services import do_verify_at_counter
from kommune.proposals.models import Proposal
from tests.factories_api import api_token

SCRIPT = Path(settings.BASE_DIR) / "docs" / "examples" / "api_client.py"


@pytest.mark.django_db(transaction=True)
def test_a_third_party_script_writes_publishes_supports_and_comments(live_server, client, musterstadt, alice, bob,
                                                                      carol):
    do_verify_at_counter(municipality=musterstadt, actor=carol, user=bob)  # by default only residents support
    result = subprocess.run(
        [sys.executable, str(SCRIPT), live_server.url, "musterstadt", api_token(alice), api_token(bob)],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["state"] == "collecting" and summary["total_supports"] == 1

    proposal = Proposal.objects.get(pk=summary["proposal"])
    assert proposal.author == alice and proposal.supports.get().user == bob
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trinkbrunnen am Marktplatz" in html
    assert f'value="{proposal.total_supports}"' in html and proposal.total_supports == 1  # the progress bar
    assert "Die Listen liegen auch im Bürgerbüro aus." in html
    assert summary["url"] == live_server.url + proposal.get_absolute_url()


@pytest.mark.django_db(transaction=True)
def test_the_script_reports_a_refusal_and_changes_nothing(live_server, musterstadt, alice, bob):
    secret = api_token(alice, scope="read")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), live_server.url, "musterstadt", secret, api_token(bob)],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1 and "insufficient_scope" in result.stderr
    assert not Proposal.objects.exists()
