"""Municipalities and labs kept in the app server process (kommune.core.tenants): read once, then no query, and
read again as soon as any process saves one; never kept inside a transaction or without the generation watch."""

import os
import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from kommune.core import pagecache, tenants
from kommune.core.models import Lab, Municipality
from kommune.proposals.services import get_settings
from tests.factories import LabFactory
from tests.factories_proposals import ProposalSettingsFactory
from tests.test_generation_watch import another_app_server, bump_from, until

REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis (TWO_SERVERS_REDIS_URL; .ci/run gives it on "
                                                       "its PostgreSQL run)")


@pytest.fixture
def redis_page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"tenants-test-{os.getpid()}"}}
    settings.PAGE_CACHE_SECONDS = 300
    tenants.forget_kept_tenants()
    yield
    cache.clear()
    pagecache.forget_local_pages()
    tenants.forget_kept_tenants()


def kept_name(slug: str) -> str:
    return tenants.tenant_or_404(Municipality, slug).name


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_kept_municipality_costs_no_query_and_each_lookup_gets_its_own_copy(
        redis_page_cache, musterstadt, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = tenants.tenant_or_404(Municipality, "musterstadt")
    first.name = "changed by a form bound to it"
    with django_assert_num_queries(0):
        second = tenants.tenant_or_404(Municipality, "musterstadt")
    assert second.name == "Musterstadt" and second is not first and second.pk == musterstadt.pk


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_saved_municipality_or_lab_is_read_again(redis_page_cache, musterstadt):
    lab = LabFactory(name="Labor Ost", slug="labor-ost")
    assert kept_name("musterstadt") == "Musterstadt"
    assert tenants.tenant_or_404(Lab, "labor-ost").name == "Labor Ost"
    musterstadt.name = "Neustadt am Walde"
    musterstadt.save()
    assert until(lambda: kept_name("musterstadt") == "Neustadt am Walde")
    lab.name = "Labor West"
    lab.save()
    assert until(lambda: tenants.tenant_or_404(Lab, "labor-ost").name == "Labor West")
    lab.delete()
    assert until(lambda: _missing(Lab, "labor-ost"))


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_change_in_another_app_server_reaches_this_one(redis_page_cache, musterstadt, client):
    assert kept_name("musterstadt") == "Musterstadt"
    Municipality.objects.filter(pk=musterstadt.pk).update(name="Neustadt am Walde")  # only the bump tells
    assert kept_name("musterstadt") == "Musterstadt"
    bump_from(another_app_server(), tenants.GENERATION_KEY)
    assert until(lambda: kept_name("musterstadt") == "Neustadt am Walde")
    page = client.get(reverse("core:imprint", kwargs={"municipality_slug": "musterstadt"}))
    assert "Neustadt am Walde" in page.content.decode()


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_row_read_while_its_change_commits_is_not_kept(redis_page_cache, musterstadt, monkeypatch):
    read = tenants.get_object_or_404

    def read_then_change(model, **lookup):
        row = read(model, **lookup)
        Municipality.objects.filter(pk=musterstadt.pk).update(name="Neustadt am Walde")
        tenants.bump_generation(tenants.GENERATION_KEY)  # what the commit of another request does
        time.sleep(0.05)
        return row

    monkeypatch.setattr(tenants, "get_object_or_404", read_then_change)
    assert kept_name("musterstadt") == "Musterstadt"  # read under the generation before the bump
    monkeypatch.setattr(tenants, "get_object_or_404", read)
    assert kept_name("musterstadt") == "Neustadt am Walde"


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_nothing_is_kept_inside_a_transaction(redis_page_cache, musterstadt, django_assert_num_queries):
    with transaction.atomic():
        Municipality.objects.create(name="Neudorf", slug="neudorf", official_key="05999001")
        with django_assert_num_queries(2):
            assert kept_name("neudorf") == "Neudorf"
            assert kept_name("neudorf") == "Neudorf"
        transaction.set_rollback(True)
    assert _missing(Municipality, "neudorf")


@pytest.mark.django_db
def test_without_the_watch_every_lookup_reads_the_database(settings, musterstadt, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 300  # but the per-process cache: no Redis, no watch
    with django_assert_num_queries(2):
        kept_name("musterstadt")
        kept_name("musterstadt")


def _missing(model, slug: str) -> bool:
    try:
        tenants.tenant_or_404(model, slug)
    except Http404:
        return True
    return False


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_municipalitys_proposal_rules_are_kept_until_they_change(redis_page_cache, musterstadt,
                                                                  django_assert_num_queries):
    with django_assert_num_queries(1):
        assert get_settings(musterstadt).pk is None  # the defaults: the staff never saved any
    with django_assert_num_queries(0):
        row = get_settings(musterstadt)
    assert row.municipality is musterstadt
    ProposalSettingsFactory(municipality=musterstadt, threshold_absolute=123)
    assert until(lambda: get_settings(musterstadt).threshold_absolute == 123)
