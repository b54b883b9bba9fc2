"""Fuzzing: schemathesis generates requests for every operation of /api/v1/openapi.json, valid ones and invalid
ones, sends them with a valid write token (a resident's; a staff member's for the writes of processes), and checks
that no answer is a server error and that every answer conforms to the schema (documented status code, content
type, body).

The run is bounded (EXAMPLES per operation and mode) and derandomised, so it is repeatable. Valid requests are
pointed at real objects of Musterstadt for most examples, so that they reach the services instead of stopping at
a 404; invalid ones keep their generated (broken) values.
"""

import itertools

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from kommune.core.comments.services import do_post_comment
from kommune.openness.models import Report
from tests.factories import LabFactory, MembershipFactory
from tests.factories_api import api_token
from tests.factories_methods import method_of
from tests.factories_processes import published_process
from tests.factories_proposals import CategoryFactory, ProposalFactory, ProposalSettingsFactory, published_proposal
from tests.factories_surveys import opinion_map, survey_with_questions

pytestmark = pytest.mark.django_db

EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def world(musterstadt, alice, bob) -> dict[str, str]:
    """Objects for valid requests to point at: alice (the token's owner) may comment, react and support; carol
    (staff) writes the processes."""
    ProposalSettingsFactory(municipality=musterstadt)
    process = published_process(musterstadt, slug="marktplatz")
    comment = do_post_comment(actor=bob, target=process, text="Mehr Bäume, bitte.")
    CategoryFactory(municipality=musterstadt, slug="verkehr")
    proposal = published_proposal(musterstadt, author=MembershipFactory(municipality=musterstadt).user)
    ProposalFactory(municipality=musterstadt, author=alice)
    published_process(musterstadt, slug="werkstatt")  # for the staff's writes, which may unpublish or rename it
    survey = survey_with_questions(musterstadt)  # surveys and opinion maps (kommune/surveys)
    debate = opinion_map(musterstadt)
    method = method_of(musterstadt)  # the methods library (kommune/methods)
    lab = LabFactory(slug="labor-fuzz")
    lab.municipalities.add(musterstadt)
    Report.objects.create(municipality=musterstadt, year=2025, title="Bericht 2025", content={"year": 2025},
                          published_at=timezone.now())  # an open-government report (kommune/openness)
    return {"municipality_slug": "musterstadt", "process_slug": process.slug, "target_type": "processes.process",
            "target_id": process.pk, "comment_id": comment.pk, "proposal_id": proposal.pk,
            "survey_id": survey.pk, "map_id": debate.pk, "statement_id": debate.statements.first().pk,
            "method_slug": method.slug, "number": 1, "lab_slug": lab.slug, "year": 2025}


def _fuzz(operation, mode: GenerationMode, headers: dict, world: dict) -> None:
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    examples = itertools.count()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        # Three in four valid requests name real objects (the others keep generated names and meet 404s). Counted,
        # not hashed: str hashes change from run to run, and the run must be the same every time.
        if mode is GenerationMode.POSITIVE and case.path_parameters and next(examples) % 4:
            case.path_parameters = {name: world.get(name, value) for name, value in case.path_parameters.items()}
        cache.clear()  # the rate limits (the API's, and the comments' per person) are tested elsewhere
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    run()


@pytest.fixture
def app():
    """Django's WSGI application, called in this thread inside the test's transaction. Like Django's test client, it
    must not close the database connection at the end of each request (that would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _is_staff_write(operation) -> bool:
    return operation.method.upper() != "GET" and "/processes" in operation.path


@override_settings(API_RATE_LIMIT_PER_MINUTE=0)
def test_every_operation_answers_within_its_schema(app, world, alice, carol):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    resident = {"Authorization": f"Bearer {api_token(alice)}"}
    staff = {"Authorization": f"Bearer {api_token(carol)}"}  # so that the staff's writes reach the services
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures = []
    for operation in operations:
        headers, names = resident, world
        if _is_staff_write(operation):
            headers, names = staff, {**world, "process_slug": "werkstatt"}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers, names)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # no parameter or body to get wrong
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect every failure, then report
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
