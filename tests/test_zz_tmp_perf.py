import cProfile, pstats, time
import pytest
from tests.factories_opendata_api import DatasetFactory, ResourceFactory
from kommune.opendata import dcat

@pytest.mark.django_db
def test_perf(client, musterstadt, capsys):
    for i in range(100):
        ResourceFactory.create_batch(3, dataset=DatasetFactory(municipality=musterstadt))
    datasets = list(dcat.catalogue_datasets(None))
    with capsys.disabled():
        pr = cProfile.Profile(); pr.enable()
        t=time.perf_counter()
        g = dcat.catalogue_graph(municipality=None, datasets=datasets, paging=dcat.Paging(1, 100, 100), paging_base="x", newest=None)
        t1=time.perf_counter()
        data = dcat.serialize(g, "ttl")
        t2=time.perf_counter()
        pr.disable()
        print(len(g), "build", t1-t, "ser", t2-t1)
        pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
