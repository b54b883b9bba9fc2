"""Participation records as open data: every registered record set is written as CSV and JSON with a Frictionless
datapackage.json that the real Frictionless validator accepts (in-process and on the command line), without
personal data; events mark sets as changed and the daily job rebuilds them at most once a day; building costs a
constant number of queries; the sets are published as datasets of the catalogue."""

import csv
import hashlib
import json
import subprocess
import sys
import tracemalloc
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin

import frictionless
import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core.comments import services as comments
from kommune.core.comments.models import Comment
from kommune.core.moderation import services as moderation
from kommune.core.moderation.models import Block, ModerationAct
from kommune.core.records import Column, _record_sets, record_set, record_sets, register_record_set
from kommune.core.spreadsheets import spreadsheet_safe
from kommune.opendata.models import Dataset, Resource
from kommune.opendata.records import builder, services
from kommune.opendata.records.models import RecordSetState
from kommune.opendata.records.tasks import publish_records
from kommune.opendata.selectors import published_datasets
from tests.factories import UserFactory
from tests.factories_comments import ReportFactory, bulk_thread
from tests.factories_processes import PhaseFactory, ProcessFactory, published_process

pytestmark = pytest.mark.django_db

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
PRIVATE_NAME = "Hildegard Privatmann"
PRIVATE_EMAIL = "hildegard.privatmann@example.org"
ASSISTED_NAME = "Herbert Anrufer"
CORE_SETS = ("processes", "process_phases", "comments", "moderation_log")


@pytest.fixture
def hildegard(musterstadt):
    return UserFactory(email=PRIVATE_EMAIL, display_name=PRIVATE_NAME, real_name=PRIVATE_NAME)


@pytest.fixture
def participation(musterstadt, alice, bob, carol, hildegard):
    """A published process with comments (one by a named person, a reply, one entered by phone, a hidden one),
    reactions, a report, a block, and an unpublished process whose comment must not appear."""
    process = published_process(musterstadt, title="Spielplatz Nord", topic=None, area="Nordstadt")
    PhaseFactory(process=process, kind="evaluation", title="", starts_at=process.ends_at,
                 ends_at=process.ends_at + timedelta(days=7), features=[])
    named = comments.do_post_comment(actor=hildegard, target=process,
                                     text="Mehr Schatten bitte, mit \"Bäumen\",\nund Bänken.")
    comments.do_post_comment(actor=alice, target=process, text="Einverstanden.", parent=named)
    comments.do_post_assisted_comment(staff=carol, target=process, text="Am Telefon: bitte Wasserspiele.",
                                      channel="phone", assisted_name=ASSISTED_NAME)
    rude = comments.do_post_comment(actor=alice, target=process, text="Unfreundlicher Beitrag")
    comments.do_react(actor=alice, comment=named, value=1)
    comments.do_react(actor=bob, comment=named, value=-1)
    moderation.do_hide(moderator=bob, comment=rude, reason="Beleidigung")
    report = ReportFactory(target=named, reporter=alice)
    moderation.do_answer_report(moderator=bob, report=report, answer="Kein Verstoß.", dismiss=True)
    moderation.do_block(moderator=bob, municipality=musterstadt, user=hildegard,
                        until=timezone.now() + timedelta(days=3), reason="Wiederholte Werbung")
    draft = ProcessFactory(municipality=musterstadt, title="Entwurf")
    bulk_thread(draft, top_level=1)
    return process


def write(key: str, municipality, directory: Path) -> Path:
    """The files of one record set and their datapackage.json, as the job writes them."""
    registered = record_set(key)
    with translation.override("de"):
        tables = builder.write_tables(registered, municipality, directory, f"{municipality.slug}-{key}")
        descriptor = builder.datapackage(record_set=registered, municipality=municipality, tables=tables,
                                         title=builder.dataset_title(registered),
                                         description=builder.dataset_description(registered),
                                         created=timezone.now())
        return builder.write_datapackage(descriptor, directory / "datapackage.json").path


def assert_valid(package: Path) -> None:
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    cli = subprocess.run([str(FRICTIONLESS), "validate", package.name], cwd=package.parent, capture_output=True,
                         text=True, timeout=120)
    assert cli.returncode == 0, cli.stdout + cli.stderr


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_core_record_sets_are_registered_with_documented_columns():
    keys = [registered.key for registered in record_sets()]
    assert set(CORE_SETS) <= set(keys)
    for registered in record_sets():
        assert registered.primary_key in {column.name for column in registered.columns}
        assert all(column.description for column in registered.columns)


@pytest.mark.parametrize("key", CORE_SETS)
def test_every_core_record_set_is_a_valid_frictionless_package(key, participation, musterstadt, tmp_path):
    package = write(key, musterstadt, tmp_path)
    assert_valid(package)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "dl-de-zero-2.0"
    assert [resource["format"] for resource in descriptor["resources"]] == ["csv", "json"]
    for resource in descriptor["resources"]:
        assert resource["schema"]["primaryKey"] == ["id"]
        assert all("description" in field and "required" in field["constraints"]
                   for field in resource["schema"]["fields"])
    as_json = json.loads((tmp_path / f"musterstadt-{key}.json").read_text(encoding="utf-8"))
    assert read_csv(tmp_path / f"musterstadt-{key}.csv") == [
        {name: as_csv_cell(value) for name, value in row.items()} for row in as_json]


def as_csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(value)


def test_no_personal_data_appears_in_any_file(participation, musterstadt, alice, bob, carol, hildegard, tmp_path):
    for key in [registered.key for registered in record_sets()]:
        directory = tmp_path / key
        directory.mkdir()
        write(key, musterstadt, directory)
        for path in directory.iterdir():
            content = path.read_text(encoding="utf-8")
            for person in (hildegard, alice, bob, carol):
                for personal in (person.email, person.display_name, person.real_name):
                    assert not personal or personal not in content, (path.name, personal)
            assert ASSISTED_NAME not in content
            assert "Hildegard" not in content


def test_comments_mark_hidden_ones_without_text_and_leave_out_unpublished_targets(participation, musterstadt,
                                                                                    tmp_path):
    write("comments", musterstadt, tmp_path)
    rows = {int(row["id"]): row for row in read_csv(tmp_path / "musterstadt-comments.csv")}
    stored = {comment.pk: comment for comment in Comment.objects.filter(municipality=musterstadt)}
    hidden = next(comment for comment in stored.values() if comment.hidden_at is not None)
    assert rows[hidden.pk]["hidden"] == "true" and rows[hidden.pk]["text"] == ""
    named = next(comment for comment in stored.values() if comment.text.startswith("Mehr Schatten"))
    assert rows[named.pk]["text"] == named.text  # quotes and the line break survive RFC 4180 quoting
    assert (rows[named.pk]["agree_count"], rows[named.pk]["disagree_count"], rows[named.pk]["reply_count"]) == (
        "1", "1", "1")
    assert {row["channel"] for row in rows.values()} == {"online", "phone"}
    assert {row["target_url"] for row in rows.values()} == {settings.SITE_URL + participation.get_absolute_url()}
    assert len(rows) == 4  # the comment on the unpublished process is left out
    assert rows[named.pk]["created_at"].endswith("Z")


def test_the_moderation_log_names_no_block_target(participation, musterstadt, tmp_path):
    write("moderation_log", musterstadt, tmp_path)
    rows = read_csv(tmp_path / "musterstadt-moderation_log.csv")
    assert [row["action"] for row in rows] == ["hide", "dismiss_report", "block"]
    block = rows[2]
    assert block["target_type"] == "" and block["target_id"] == ""
    assert rows[0]["target_type"] == "comments.comment"
    assert ModerationAct.objects.filter(municipality=musterstadt).count() == 3


def test_an_empty_record_set_is_a_valid_package_with_only_the_csv(anderstadt, tmp_path):
    package = write("comments", anderstadt, tmp_path)
    assert_valid(package)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    assert [resource["format"] for resource in descriptor["resources"]] == ["csv"]


# --- Publishing in the catalogue -------------------------------------------------------------------------------


def download(client, url: str) -> bytes:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def published_package(client, dataset, directory: Path) -> Path:
    """The dataset's datapackage.json and the files it names, fetched from the catalogue as a client does:
    the package from its download address, each data file from its relative path resolved against that."""
    directory.mkdir(parents=True, exist_ok=True)
    resource = next(resource for resource in dataset.resources.all() if resource.title.endswith("datapackage.json"))
    package = directory / "datapackage.json"
    package.write_bytes(download(client, resource.download_url))
    for described in json.loads(package.read_text(encoding="utf-8"))["resources"]:
        (directory / described["path"]).write_bytes(download(client, urljoin(resource.download_url,
                                                                              described["path"])))
    return package


def test_the_job_publishes_every_set_as_a_valid_dataset_of_the_catalogue(participation, musterstadt, anderstadt,
                                                                          client, tmp_path):
    call_command("publish_records", "--all", stdout=StringIO())
    datasets = {dataset.generated_key: dataset for dataset in published_datasets(musterstadt)}
    assert {f"participation:{key}" for key in CORE_SETS} <= set(datasets)
    for key, dataset in datasets.items():
        assert [resource.format for resource in dataset.resources.all()] == ["CSV", "JSON", "JSON"]
        assert_valid(published_package(client, dataset, tmp_path / key.replace(":", "-")))
    comments_dataset = datasets["participation:comments"]
    assert comments_dataset.title.startswith("Kommentare – ")  # German, whatever the language of the caller
    assert "Bürgerbeteiligung" in comments_dataset.keywords and "GOVE" in comments_dataset.themes
    assert comments_dataset.license == settings.OPENDATA_RECORDS_LICENSE
    # Anderstadt has no participation yet: nothing empty is put into its catalogue, but the sets count as built.
    assert not published_datasets(anderstadt).filter(generated_key__startswith="participation:").exists()
    assert RecordSetState.objects.filter(municipality=anderstadt, built_at__isnull=False,
                                         row_count=0).count() == len(record_sets())
    page = client.get(reverse("opendata:catalogue", kwargs={"municipality_slug": "musterstadt"}))
    assert page.status_code == 200
    assert comments_dataset.title in page.content.decode()


def test_an_event_marks_a_set_changed_and_the_job_rebuilds_it_at_most_daily(
        participation, musterstadt, alice, django_capture_on_commit_callbacks):
    services.do_publish_due_record_sets(municipalities=[musterstadt])
    state = RecordSetState.objects.get(municipality=musterstadt, key="comments")
    assert state.changed_at is None and state.row_count == 4
    with django_capture_on_commit_callbacks(execute=True):
        comments.do_post_comment(actor=alice, target=participation, text="Noch ein Gedanke.")
    changed = set(RecordSetState.objects.filter(municipality=musterstadt, changed_at__isnull=False)
                  .values_list("key", flat=True))
    assert {"comments", "processes"} <= changed and "moderation_log" not in changed
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert services.do_publish_due_record_sets(municipalities=[musterstadt]) == []
    assert RecordSetState.objects.get(pk=state.pk).row_count == 4
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        outcomes = services.do_publish_due_record_sets(municipalities=[musterstadt])
    assert {outcome.key for outcome in outcomes} == changed
    assert all(not outcome.error for outcome in outcomes)
    assert RecordSetState.objects.get(pk=state.pk).row_count == 5
    assert not RecordSetState.objects.filter(municipality=musterstadt, changed_at__isnull=False).exists()
    csv_file = Dataset.objects.get(municipality=musterstadt, generated_key="participation:comments").resources.get(
        format="CSV")
    with csv_file.file.open("rb") as stored:
        assert "Noch ein Gedanke." in stored.read().decode("utf-8")


def test_an_unblock_reaches_the_published_moderation_log(participation, musterstadt, bob, hildegard):
    services.do_publish_due_record_sets(municipalities=[musterstadt])
    state = RecordSetState.objects.get(municipality=musterstadt, key="moderation_log")
    assert state.changed_at is None
    moderation.do_unblock(moderator=bob, block=Block.objects.get(municipality=musterstadt, user=hildegard),
                          reason="Einsicht gezeigt")
    assert RecordSetState.objects.get(pk=state.pk).changed_at is not None
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        outcomes = services.do_publish_due_record_sets(municipalities=[musterstadt])
    assert "moderation_log" in {outcome.key for outcome in outcomes}
    csv_file = Dataset.objects.get(municipality=musterstadt, generated_key="participation:moderation_log") \
        .resources.get(format="CSV")
    with csv_file.file.open("rb") as stored:
        rows = list(csv.DictReader(stored.read().decode("utf-8").splitlines()))
    assert [row["action"] for row in rows] == ["hide", "dismiss_report", "block", "unblock"]
    assert rows[-1]["reason"] == "Einsicht gezeigt" and rows[-1]["target_id"] == ""


def test_a_rolled_back_write_marks_nothing(participation, musterstadt, alice, django_capture_on_commit_callbacks):
    services.do_publish_due_record_sets(municipalities=[musterstadt])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        comments.do_post_comment(actor=alice, target=participation, text="   ")
    assert not RecordSetState.objects.filter(changed_at__isnull=False).exists()


def test_a_change_during_a_build_keeps_the_set_due(participation, musterstadt, monkeypatch):
    original = builder.write_tables

    def write_and_meanwhile_change(*args, **kwargs):
        built = original(*args, **kwargs)
        services.do_mark_changed(municipality=musterstadt, keys=["comments"])
        return built

    monkeypatch.setattr(builder, "write_tables", write_and_meanwhile_change)
    outcome = services.do_publish_record_set(municipality=musterstadt, key="comments")
    assert outcome.row_count == 4 and not outcome.error
    assert RecordSetState.objects.get(municipality=musterstadt, key="comments").changed_at is not None


def test_force_rebuilds_everything_and_a_failing_set_does_not_stop_the_others(participation, musterstadt):
    services.do_publish_due_record_sets(municipalities=[musterstadt])
    assert services.do_publish_due_record_sets(municipalities=[musterstadt]) == []

    def broken(municipality):
        yield {"id": 1, "unexpected": "column"}

    register_record_set(key="broken_test_set", title="Broken", description="Fails.",
                        columns=[Column("id", "integer", "Number.", required=True)], rows=broken)
    try:
        outcomes = services.do_publish_due_record_sets(municipalities=[musterstadt], force=True)
    finally:
        _record_sets.pop("broken_test_set")
    assert {outcome.key for outcome in outcomes} == {registered.key for registered in record_sets()} | {
        "broken_test_set"}
    failed = [outcome for outcome in outcomes if outcome.error]
    assert [outcome.key for outcome in failed] == ["broken_test_set"]
    state = RecordSetState.objects.get(municipality=musterstadt, key="broken_test_set")
    assert state.built_at is None and "unexpected" in state.error
    assert not Dataset.objects.filter(generated_key="participation:broken_test_set").exists()


def test_the_command_needs_a_choice_and_knows_the_municipalities(musterstadt):
    with pytest.raises(CommandError):
        call_command("publish_records", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="nirgendwo"):
        call_command("publish_records", "--municipality", "nirgendwo", stdout=StringIO())
    out = StringIO()
    call_command("publish_records", "--municipality", "musterstadt", "--enqueue", stdout=out)
    assert "Enqueued" in out.getvalue()


def test_the_task_builds_the_due_sets(participation, musterstadt):
    assert publish_records.call(municipality_slugs=["musterstadt"]) == len(record_sets())
    assert publish_records.call(municipality_slugs=["musterstadt"]) == 0


def test_publishing_a_large_set_streams_the_files_instead_of_holding_them_in_memory(musterstadt):
    process = published_process(musterstadt)
    bulk_thread(process, top_level=1, authors=[UserFactory()])
    services.do_publish_record_set(municipality=musterstadt, key="comments")  # imports what publishing needs
    bulk_thread(process, top_level=50_000, authors=[UserFactory()])
    tracemalloc.start()
    try:
        outcome = services.do_publish_record_set(municipality=musterstadt, key="comments")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert outcome.row_count == 50_001 and not outcome.error
    json_file = Resource.objects.get(dataset__generated_key="participation:comments",
                                     title="musterstadt-comments.json")
    assert json_file.byte_size == json_file.file.size > 15_000_000
    with json_file.file.open("rb") as file:
        assert hashlib.sha256(file.read()).hexdigest() == json_file.checksum_sha256
    # Reading the files back as bytes, as the job once did, held more than 55 MB for this set; now the rows stream
    # in chunks of 2000 and the files in chunks of 64 KB (measured: about 1.3 MB).
    assert peak < json_file.byte_size / 4, f"publishing used {peak} bytes"


# --- Queries -------------------------------------------------------------------------------------------------


def make_records(municipality, count: int) -> None:
    processes = [published_process(municipality) for _ in range(count // 10)]
    for process in processes:
        bulk_thread(process, top_level=10, replies_per=0, authors=[UserFactory()])
    ModerationAct.objects.bulk_create([
        ModerationAct(municipality=municipality, action=ModerationAct.Action.HIDE, reason="Spam",
                      public_description="Kommentar", content_type=ContentType.objects.get_for_model(Comment),
                      object_id=index) for index in range(count)])
    if record_set("proposals") is not None:
        from tests.factories_proposals import published_proposal

        for _index in range(count // 10):
            published_proposal(municipality)


def build_queries(municipality, tmp_path: Path) -> dict[str, int]:
    counts = {}
    for registered in record_sets():
        directory = tmp_path / registered.key
        directory.mkdir(parents=True)
        ContentType.objects.clear_cache()  # both runs start cold
        with CaptureQueriesContext(connection) as captured, translation.override("de"):
            tables = builder.write_tables(registered, municipality, directory, registered.key)
        counts[registered.key] = (len(captured), tables.row_count)
    return counts


def test_building_costs_the_same_queries_for_10_and_for_200_records(musterstadt, anderstadt, tmp_path):
    make_records(musterstadt, 10)
    make_records(anderstadt, 200)
    few, many = build_queries(musterstadt, tmp_path / "few"), build_queries(anderstadt, tmp_path / "many")
    assert few["comments"][1] == 10 and many["comments"][1] == 200
    assert few["moderation_log"][1] == 10 and many["moderation_log"][1] == 200
    assert few["processes"][1] == 1 and many["processes"][1] == 20
    assert {key: queries for key, (queries, _rows) in few.items()} == {
        key: queries for key, (queries, _rows) in many.items()}


# --- Citizen proposals -----------------------------------------------------------------------------------------


def test_citizen_proposals_are_published_without_authors_or_supporters(musterstadt, alice, hildegard, tmp_path):
    if record_set("proposals") is None:
        pytest.skip("The proposals app registers no record set \"proposals\" (kommune/proposals/records.py).")
    from tests.factories_proposals import ProposalSettingsFactory, add_supports, published_proposal

    ProposalSettingsFactory(municipality=musterstadt)
    proposal = published_proposal(musterstadt, author=hildegard, title="Mehr Bänke am Marktplatz")
    add_supports(proposal, [alice])
    published_proposal(musterstadt, author=hildegard, state="answered", answered_at=timezone.now(),
                       outcome="accepted", answer="Wir stellen zehn Bänke auf.", answer_department="Grünflächenamt")
    package = write("proposals", musterstadt, tmp_path)
    assert_valid(package)
    rows = read_csv(tmp_path / "musterstadt-proposals.csv")
    assert [(row["title"], row["online_supports"]) for row in rows][0] == ("Mehr Bänke am Marktplatz", "1")
    assert rows[1]["answer"] == "Wir stellen zehn Bänke auf."
    for path in tmp_path.iterdir():
        content = path.read_text(encoding="utf-8")
        assert PRIVATE_NAME not in content and PRIVATE_EMAIL not in content and alice.email not in content


# --- Documentation ---------------------------------------------------------------------------------------------


def test_the_documentation_lists_every_record_set_and_column():
    docs = (Path(settings.BASE_DIR) / "docs" / "opendata.md").read_text(encoding="utf-8")
    section = docs[docs.index("## Participation records"):]
    tables = {chunk.split("`")[1]: chunk for chunk in section.split("\n#### ")[1:]}
    for registered in record_sets():
        assert registered.key in tables, f"docs/opendata.md has no table of the record set {registered.key!r}"
        listed = [line.split("`")[1] for line in tables[registered.key].splitlines() if line.startswith("| `")]
        assert listed == [column.name for column in registered.columns], registered.key
