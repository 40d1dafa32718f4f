"""manage.py demo_totp_code EMAIL: the current sign-in code of a demo account (never a real one)."""

import time

from django.core.management.base import BaseCommand, CommandError

from regions.demo import DEMO_DOMAIN, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        if not email.lower().endswith("@" + DEMO_DOMAIN):
            raise CommandError(f"Only demo accounts (@{DEMO_DOMAIN}) have a known code.")
        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
