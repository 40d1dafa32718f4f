"""iCalendar (RFC 5545) for a peer challenge's agreed on-site days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cib_portal.ics import PRODID, UID_DOMAIN, fold, ics_escape

from .models import Challenge


def challenge_uid(challenge: Challenge) -> str:
    """Stable per challenge, so a calendar updates the event when the dates change."""
    return f"peer-challenge-{challenge.pk}@{UID_DOMAIN}"


def challenge_calendar(challenge: Challenge) -> str:
    """A VCALENDAR with one all-day event for the agreed dates, lines ending CRLF."""
    if challenge.starts_on is None or challenge.ends_on is None:
        raise ValueError("The challenge's dates are not agreed yet.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    summary = f"Peer challenge of {challenge.host.name}"
    challengers = "; ".join(
        f"{c.council.name} ({c.person.full_name})" if c.person else c.council.name
        for c in challenge.challengers.select_related("council", "person")
    )
    description = f"{summary}, {challenge.programme.region.name} programme."
    description += f"\nChallengers: {challengers or 'to be confirmed'}."
    if challenge.focus:
        description += f"\nFocus: {challenge.focus}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(summary)}",
        "BEGIN:VEVENT",
        f"UID:{challenge_uid(challenge)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{challenge.starts_on:%Y%m%d}",
        # DTEND of an all-day event is exclusive: the day after the last on-site day.
        f"DTEND;VALUE=DATE:{challenge.ends_on + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_escape(summary)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"LOCATION:{ics_escape(challenge.host.name)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
