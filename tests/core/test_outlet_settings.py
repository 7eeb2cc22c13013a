import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from broadsheet.core.models import OutletSettings


@pytest.fixture
def chief(client, db):
    client.force_login(get_user_model().objects.create_superuser("chief", "c@example.org", "pw"))
    return client


def test_outlet_settings_are_edited_in_the_admin_and_shown_to_readers(chief):
    """The chief editor renames the outlet and sets its channels in the admin; pages follow."""
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/core/outletsettings/{site.pk}/"
    assert chief.get(url).status_code == 200
    response = chief.post(
        url,
        {
            "outlet_name": "The Harbour Ledger",
            "tagline": "",
            "language": "en",
            "time_zone": "Europe/London",
            "telegram_channel_url": "https://t.me/harbour_ledger",
            "youtube_channel_url": "",
        },
    )
    assert response.status_code == 302
    assert OutletSettings.for_site(site).time_zone == "Europe/London"
    home = chief.get("/").content.decode()
    assert "The Harbour Ledger" in home
    assert "https://t.me/harbour_ledger" in home


def test_an_unknown_time_zone_is_a_form_error(chief):
    """A mistyped time zone is refused with a form error, never saved."""
    site = Site.objects.get(is_default_site=True)
    response = chief.post(
        f"/admin/settings/core/outletsettings/{site.pk}/",
        {"outlet_name": "X", "language": "en", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()
    assert OutletSettings.for_site(site).time_zone == "Asia/Baku"


@pytest.mark.parametrize("model", ["topics/topic", "authors/author", "experts/expert"])
def test_topics_authors_and_experts_are_managed_as_snippets(chief, model):
    """The newsroom manages topics, authors and experts in the admin."""
    assert chief.get(f"/admin/snippets/{model}/").status_code == 200
    assert chief.get(f"/admin/snippets/{model}/add/").status_code == 200
