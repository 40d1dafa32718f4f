"""Reviews' writes, by feature: bookings and their entitlement, a booking's lifecycle, review
teams, the reviewer register, the review history's import, the report and the weekly cap.
Each change is made in one transaction and audited."""
