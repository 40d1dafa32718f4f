"""When a figure became public, so that an evaluation "as of" a date uses only what was known
then (`evaluate_risk_flags --as-of`, the backtest).

Figures of the data set: `published_on(period, source)`, one row per source below, from the
period's `end_year` (the year its figures run to):

- Children in need census, SSDA903 children looked after, the rates the portal derives from
  them, LAIT and local figures: a reporting year ending 31 March Y (a Period with end_year Y,
  label "2024" or "202324") is published in the autumn of Y; we use 1 December Y (conservative:
  the DfE releases come out in late October or November).
- Children's social work workforce census (source csww): the DfE labels the census "reporting
  year Y" and counts the workforce as at 30 September Y (the shipped file has periods "2017" to
  "2025", time identifier "Reporting year", start_year = end_year = Y, shared with the CIN
  year ending 31 March Y). It is published the following February: we use 1 March Y+1.
- ONS mid-year population estimates for mid-Y: published in the summer of Y+1; we use
  1 August Y+1.
- Synthetic (benchmark) figures: as CIN, 1 December Y.

Other facts: an Ofsted judgement is known from its report's publication date; an intervention
from the day it starts; a change of DCS from the day the new tenure starts.
"""

from __future__ import annotations

import datetime as dt

# source -> (month, day, years after end_year)
PUBLISHED: dict[str, tuple[int, int, int]] = {
    "cin": (12, 1, 0),
    "ssda903": (12, 1, 0),
    "derived": (12, 1, 0),
    "lait": (12, 1, 0),
    "local": (12, 1, 0),
    "synthetic": (12, 1, 0),
    "csww": (3, 1, 1),
    "ons": (8, 1, 1),
}
DEFAULT = (12, 1, 0)


def published_on(period, source: str) -> dt.date:
    """The date by which a figure of `source` for `period` was public (an approximation on
    the safe side: never before the real release)."""
    month, day, after = PUBLISHED.get(source, DEFAULT)
    return dt.date(period.end_year + after, month, day)


def last_end_year_published(source: str, as_of: dt.date) -> int:
    """The latest end_year whose figures of `source` were public on `as_of`."""
    month, day, after = PUBLISHED.get(source, DEFAULT)
    year = as_of.year - after
    return year if (as_of.month, as_of.day) >= (month, day) else year - 1


def inspection_published_on(inspection) -> dt.date:
    return inspection.publication_date


def intervention_known_on(intervention) -> dt.date:
    return intervention.starts_on


def dcs_change_known_on(tenure) -> dt.date:
    return tenure.starts_on
