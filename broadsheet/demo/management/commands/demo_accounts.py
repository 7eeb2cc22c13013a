from django.core.management.base import BaseCommand

from broadsheet.demo.accounts import demo_accounts_ensure, demo_logins_path


class Command(BaseCommand):
    help = "Create the demo newsroom's accounts if missing and print their logins."

    def handle(self, *args, **options):
        logins = demo_accounts_ensure()
        self.stdout.write(f"Demo logins (admin at /admin/, kept in {demo_logins_path()}):")
        for login in logins:
            self.stdout.write(f"  {login.role:<28} {login.username} / {login.password}")
            if login.two_step:
                self.stdout.write(
                    f"  {'':<28} then the code from: python manage.py demo_totp_code "
                    f"{login.username}"
                )
