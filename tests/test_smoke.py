def test_start_page_lists_municipalities(client, musterstadt, anderstadt):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Musterstadt" in body and "Anderstadt" in body
