"""manage.py add_member EMAIL ORG ROLE: give a person a role, creating their account if needed.

This is how a new deployment gets its first national administrator, and how scripts provision
people. The new user sets a password with "Forgotten your password?" on the sign-in page.
"""

from django.core.management.base import BaseCommand, CommandError

from regions.services import MembershipError, member_provision


class Command(BaseCommand):
    help = "Add a membership (EMAIL, organisation code, role code), creating the user if needed."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("organisation", help="a council or region GSS code, or 'national'")
        parser.add_argument("role", help="a role code from DOMAIN.md, e.g. council_officer")
        parser.add_argument("--name", default="", help="the person's full name")
        parser.add_argument(
            "--password", default=None, help="set this password (otherwise the person resets it)"
        )

    def handle(self, *args, email, organisation, role, name, password, **options):
        try:
            user, membership, user_created, created = member_provision(
                email=email, organisation_code=organisation, role=role, full_name=name
            )
        except MembershipError as exc:
            raise CommandError(str(exc)) from exc
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        who = "Created user" if user_created else "Found user"
        what = "added" if created else "already had"
        self.stdout.write(
            self.style.SUCCESS(
                f"{who} {user.email}; {what} {membership.get_role_display()} "
                f"({membership.role}) of {membership.organisation.name}."
            )
        )
