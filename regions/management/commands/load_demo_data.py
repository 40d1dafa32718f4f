"""manage.py load_demo_data: demo accounts, one per role (idempotent), and print them."""

from django.core.management.base import BaseCommand

from regions.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo_people


class Command(BaseCommand):
    help = "Create demo accounts, one per role, and print how to sign in as each."

    def handle(self, *args, **options):
        from funds.demo import load_demo_funds
        from peerchallenge.demo import load_demo_programme

        rows = load_demo_people()
        programme = load_demo_programme()
        if programme is not None:
            self.stdout.write(f"Demo peer challenge programme published: {programme}.")
        agreement = load_demo_funds()
        if agreement is not None:
            self.stdout.write(f"Demo funding agreement recorded: {agreement}.")
        from peerchallenge.demo import load_demo_challenge_dates
        from reviews.demo import load_demo_bookings

        dated = load_demo_challenge_dates()
        if dated:
            self.stdout.write(f"Demo challenges given their next dates: {dated}.")
        booked = load_demo_bookings()
        if booked:
            self.stdout.write(f"Demo bookings made: {booked}.")
        from support.demo import load_offers_demo

        offers = load_offers_demo()
        if offers:
            self.stdout.write(f"Demo support offers added: {offers}.")
        from support.demo_campaigns import load_campaigns_demo

        calls = load_campaigns_demo()
        if calls:
            self.stdout.write(f"Demo campaigns opened: {calls}.")
        from support.demo_mentoring import load_mentoring_demo

        mentoring = load_mentoring_demo()
        if mentoring:
            self.stdout.write(f"Demo mentors and asks and offers added: {mentoring}.")
        from earlysupport.services.evaluation import evaluate_risk_flags

        result = evaluate_risk_flags()
        self.stdout.write(f"Risk flags evaluated: {result}.")
        created = sum(1 for _, _, c in rows if c)
        self.stdout.write(f"Demo accounts: {created} created, {len(rows) - created} unchanged.")
        self.stdout.write("")
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/accounts/login/ with any of these "
            f"(password for all: {DEMO_PASSWORD}):"
        )
        width = max(len(email) for _, email, _ in rows)
        for person, email, _ in rows:
            self.stdout.write(f"  {email.ljust(width)}  {person.what}")
        self.stdout.write("")
        self.stdout.write(
            "Accounts marked (MFA) ask for a 6-digit code: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run "
            "`.venv/bin/python manage.py demo_totp_code EMAIL` for the current code."
        )
