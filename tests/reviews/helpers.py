"""Shared helpers for the reviews tests."""

from reviews.models import Accreditation, Booking, Reviewer
from reviews.services.team import team_confirm, team_proposal


def accredited_reviewer(name: str, types, *, valid_from, expires_on) -> Reviewer:
    """A reviewer on the register, accredited for each of `types` from and until the days given."""
    person = Reviewer.objects.create(
        name=name, email=f"{name.lower().replace(' ', '.')}@reviewers.example", types=list(types)
    )
    for reviewer_type in types:
        Accreditation.objects.create(
            reviewer=person,
            reviewer_type=reviewer_type,
            valid_from=valid_from,
            expires_on=expires_on,
        )
    return person


def assemble_team(booking: Booking, *, by) -> int:
    """Give the booking a full team as the programme manager would: register enough reviewers
    accredited for its on-site days to meet the product's make-up, then confirm the proposed
    team (reviews.services.team). Returns how many were assigned."""
    first, after = booking.on_site.lower, booking.on_site.upper
    for reviewer_type, count in (booking.product.team_make_up or {}).items():
        for i in range(int(count)):
            accredited_reviewer(
                f"Peer {booking.pk} {reviewer_type.replace('_', ' ')} {i + 1}",
                [reviewer_type],
                valid_from=first,
                expires_on=after,
            )
    proposal = team_proposal(booking)
    assert proposal.is_complete, f"no full team for {booking}: short {proposal.shortfall}"
    return team_confirm(booking=booking, proposal=proposal, assigned_by=by)
