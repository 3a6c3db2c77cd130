"""CX metrics from survey answers and support tickets: NPS, CSAT, CES and time to resolution.

The definitions are the contract:

- **NPS** (Net Promoter Score) from 0–10 "would you recommend" answers: % promoters (9–10) minus
  % detractors (0–6), from −100 to 100. Its interval is a Wald interval around the observed score
  whose variance comes from Rocks's adjusted-Wald proportions (B. Rocks, "Interval estimation for
  the Net Promoter Score", *The American Statistician* 70(4), 2016): 3/4 of an answer is added to
  the promoters and to the detractors and 3/2 to the passives, so with ``n + 3`` answers
  ``se = sqrt((p₊ + p₋ − (p₊ − p₋)²) / (n + 3))``. Unlike the plain Wald interval it keeps a width
  at small ``n`` and at 100 %; being centred on the observed score it always contains it. It is
  clipped to −100…100.
- **CSAT**: the share (%) of 1–5 answers that are 4 or 5, with a Wilson score interval.
- **CES** (Customer Effort Score): the mean of 1–7 answers (1 = very hard, 7 = very easy) with a
  Student t interval, clipped to 1…7. With fewer than two answers there is no spread to measure and
  the interval is NaN.
- **TTR** (time to resolution): Σ(resolved_at − opened_at) over the resolved tickets divided by their
  number, in clock hours, or in working hours of a :class:`WorkingCalendar` (working days = working
  hours / the calendar's hours per day), with a t interval (clipped at 0). Tickets with a blank
  ``resolved_at`` are unresolved: not in the mean, but counted and reported.

Answers must be whole numbers in range; blank answers are not counted (a respondent may answer NPS
and skip CES). Anything else is a :class:`~journeymap.errors.DataError` listing the rows, unless
``skip_invalid=True``, which skips them and reports how many.
"""

from .calendar import WorkingCalendar
from .scores import InvalidValuesError, MetricResult, TtrUnit, ces, csat, nps, ttr
from .survey import measured_journey, set_metrics, survey_metrics

__all__ = ["InvalidValuesError", "MetricResult", "TtrUnit", "WorkingCalendar", "ces", "csat", "measured_journey", "nps",
           "set_metrics", "survey_metrics", "ttr"]
