from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from broadsheet.security.services import totp_devices_remove


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator (a lost phone). They set up a new one at their next "
        "sign-in; chief editors cannot reach the admin until they do."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        removed = totp_devices_remove(user=user)
        self.stdout.write(f"Removed {removed} authenticator(s) of {username}.")
