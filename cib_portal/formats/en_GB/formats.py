"""The portal's dates, as GOV.UK writes them: "15 March 2027" (the month in full, no leading
zero), and "15 March 2027, 14:30" with a time. Django's en-GB locale abbreviates the month."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
