"""Reviews' forms, by feature: the booking request and a booking's changes, the reviewer
register, review teams, the pipeline and the report."""
