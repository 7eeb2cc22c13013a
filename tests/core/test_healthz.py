from django.urls import reverse


def test_healthz_answers_when_the_database_does(client, db):
    """/healthz is 200 while the app and its database answer."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["worker"] == "down"
    assert body["oldest_overdue"] is None
