"""Demo bookings, so the demo's homes have something to decide and a pipeline to show: a
diagnostic for Leeds and a free review for Wakefield waiting for a decision, and a Bradford
diagnostic in scoping, all starting in the next few weeks. Leeds keeps its free review to
book (the booking journey starts from there). The demo's catalogue has prices, so the cost
of a charged booking shows what it would be."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from regions.demo import DEMO_DOMAIN, demo_working_week
from regions.models import Council

from .catalogue import products_sync
from .models import Booking, BookingStatus, Product
from .services.bookings import booking_request
from .services.lifecycle import booking_advance

DEMO_BOOKINGS = [
    # (council, product, weeks from now, charging basis, status)
    ("E08000035", "lscb_diagnostic", 5, "subsidised", BookingStatus.REQUESTED),
    ("E08000036", "safeguarding_peer_review", 3, None, BookingStatus.REQUESTED),
    ("E08000032", "safeguarding_practice_diagnostic", 2, "subsidised", BookingStatus.SCOPING),
]


# Illustrative prices for the demo, in pence (subsidised, whole cost), scaled by days on site:
# the LGA publishes none (DOMAIN.md leaves prices for the programme manager to set).
DEMO_PRICES = {
    "safeguarding_peer_review": (1_250_000, 2_500_000),
    "safeguarding_practice_diagnostic": (600_000, 1_200_000),
    "care_practice_diagnostic": (800_000, 1_600_000),
    "lscb_diagnostic": (600_000, 1_200_000),
}


def _demo_prices() -> None:
    """Give each demo product its illustrative prices where the LGA has set none."""
    for code, (subsidised, whole_cost) in DEMO_PRICES.items():
        Product.objects.filter(code=code, subsidised_price_pence__isnull=True).update(
            subsidised_price_pence=subsidised
        )
        Product.objects.filter(code=code, whole_cost_price_pence__isnull=True).update(
            whole_cost_price_pence=whole_cost
        )


@transaction.atomic
def load_demo_bookings() -> int:
    """Book the demo bookings once; how many were made (0 when they were already there)."""
    from accounts.models import User

    products_sync()
    _demo_prices()
    if Booking.objects.filter(requested_by__email__endswith=f"@{DEMO_DOMAIN}").exists():
        return 0
    officer = User.objects.get(email=f"officer@{DEMO_DOMAIN}")
    manager = User.objects.get(email=f"programme-manager@{DEMO_DOMAIN}")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    made = 0
    for code, product_code, weeks, basis, status in DEMO_BOOKINGS:
        booking = booking_request(
            council=Council.objects.get(gss_code=code),
            product=Product.objects.get(code=product_code),
            # A Monday of a working week: the visit runs Monday to Friday, never over a
            # weekend or Christmas.
            first_on_site_day=demo_working_week(monday + timedelta(weeks=weeks)),
            requested_by=officer if code == "E08000035" else manager,
            charging_basis=basis,
            contact_name="Demo contact",
            contact_email=f"contact@{DEMO_DOMAIN}",
        )
        if status == BookingStatus.SCOPING:
            booking_advance(booking=booking, to_status=status, actor=manager)
        made += 1
    return made
