"""Today's date, in one place, so that tests can fix it and relative dates stay testable."""

import datetime


def today() -> datetime.date:
    return datetime.date.today()
