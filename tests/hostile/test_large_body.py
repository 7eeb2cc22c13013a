"""A 50 MB request body, over real HTTP: refused with a 4xx, and the server answers on."""

import socket
import threading
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIFTY_MB = 50 * 1024 * 1024
CHUNK = 1024 * 1024
# A CSRF secret in the cookie and the header, so the body is what gets judged, not the token.
CSRF = "hostilecsrftokenhostilecsrftoken"


def post(base_url: str, path: str, *, content_type: str, cookies: str = "") -> int:
    """POST 50 MB to `path` while reading the answer: a server may answer before it reads it all."""
    address = urlsplit(base_url)
    connection = socket.create_connection((address.hostname, address.port), timeout=60)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {FIFTY_MB}\r\nCookie: csrftoken={CSRF}; {cookies}\r\n"
        f"X-CSRFToken: {CSRF}\r\nConnection: close\r\n\r\n"
    )

    def send():
        try:
            connection.sendall(head.encode())
            block = b"a=" + b"x" * (CHUNK - 2)
            for _ in range(FIFTY_MB // CHUNK):
                connection.sendall(block)
        except OSError:
            pass  # the server stopped reading: its answer is what counts

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            received = connection.recv(4096)
            if not received:
                break
            answer += received
    finally:
        sender.join(timeout=60)
        connection.close()
    assert answer.startswith(b"HTTP/1."), answer[:200]
    return int(answer.split()[1])


def test_a_fifty_megabyte_body_is_refused_and_the_server_answers_on(
    client, live_server, newsroom, desk_people
):
    """Reader pages, search, the sign-in form and the article editor refuse a 50 MB form with a
    400; nothing answers 5xx; the server still serves pages afterwards."""
    client.force_login(desk_people["ed"])
    session = f"sessionid={client.cookies['sessionid'].value}"
    add_story = reverse(
        "wagtailadmin_pages:add",
        args=("articles", "articlepage", newsroom.sections["politics"].pk),
    )
    form = "application/x-www-form-urlencoded"
    multipart = "multipart/form-data; boundary=hostile"
    answers = {
        (path, kind): post(live_server.url, path, content_type=kind, cookies=cookies)
        for path, kind, cookies in (
            ("/", form, ""),
            (newsroom.interview.url, form, ""),
            ("/search/?q=river", form, ""),
            ("/admin/login/", form, ""),
            (add_story, form, session),
            (add_story, multipart, session),
            ("/feed/", "application/json", ""),
        )
    }
    # Django reads a form body, and refuses one over DATA_UPLOAD_MAX_MEMORY_SIZE; a body of
    # another type a view never reads is not read at all (the feed answers as to a GET).
    assert {key: status for key, status in answers.items() if status >= 500} == {}
    forms = {key: status for key, status in answers.items() if key[1] != "application/json"}
    assert set(forms.values()) == {400}, forms
    with urlopen(live_server.url + "/", timeout=30) as response:
        assert response.status == 200
