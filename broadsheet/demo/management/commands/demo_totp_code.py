from binascii import unhexlify

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from broadsheet.demo.accounts import demo_totp_key


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo account's authenticator (the chief editor's)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        key = demo_totp_key(username)
        if key is None:
            raise CommandError(
                f"{username!r} has no demo authenticator: only accounts made by `demo_accounts` "
                "that have not set up their own app have one."
            )
        self.stdout.write(f"{totp(unhexlify(key)):06d}")
