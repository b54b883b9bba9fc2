def test_start_page_lists_municipalities(client, musterstadt, anderstadt):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Musterstadt" in body and "Anderstadt" in body


def test_health_check_reports_database_and_cache(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
