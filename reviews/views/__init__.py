"""Reviews' pages, by feature: the booking request, bookings, the report, review teams, the
reviewer register, calendars and the pipeline."""
