"""Demo bookings, so the demo's homes have something to decide and a pipeline to show: a
diagnostic for Leeds and a free review for Wakefield waiting for a decision, and a Bradford
diagnostic in scoping, all starting in the next few weeks. Leeds keeps its free review to
book (the booking journey starts from there)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from regions.demo import DEMO_DOMAIN
from regions.models import Council

from .catalogue import products_sync
from .lifecycle import booking_advance
from .models import Booking, BookingStatus, Product
from .services import booking_request

DEMO_BOOKINGS = [
    # (council, product, weeks from now, charging basis, status)
    ("E08000035", "lscb_diagnostic", 5, "subsidised", BookingStatus.REQUESTED),
    ("E08000036", "safeguarding_peer_review", 3, None, BookingStatus.REQUESTED),
    ("E08000032", "safeguarding_practice_diagnostic", 2, "subsidised", BookingStatus.SCOPING),
]


@transaction.atomic
def load_demo_bookings() -> int:
    """Book the demo bookings once; how many were made (0 when they were already there)."""
    from accounts.models import User

    if Booking.objects.filter(requested_by__email__endswith=f"@{DEMO_DOMAIN}").exists():
        return 0
    products_sync()
    officer = User.objects.get(email=f"officer@{DEMO_DOMAIN}")
    manager = User.objects.get(email=f"programme-manager@{DEMO_DOMAIN}")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    made = 0
    for code, product_code, weeks, basis, status in DEMO_BOOKINGS:
        booking = booking_request(
            council=Council.objects.get(gss_code=code),
            product=Product.objects.get(code=product_code),
            first_on_site_day=monday + timedelta(weeks=weeks, days=1),
            requested_by=officer if code == "E08000035" else manager,
            charging_basis=basis,
            contact_name="Demo contact",
            contact_email=f"contact@{DEMO_DOMAIN}",
        )
        if status == BookingStatus.SCOPING:
            booking_advance(booking=booking, to_status=status, actor=manager)
        made += 1
    return made
