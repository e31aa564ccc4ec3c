import datetime as dt

from xephang.dates import long_date, short_date
from xephang.numbers import from_fixed, to_fixed


def test_long_dates_pad_day_below_10_and_months_1_2():
    assert long_date(dt.date(2021, 1, 5)) == "ngày 05 tháng 01 năm 2021"
    assert long_date(dt.date(2021, 3, 27)) == "ngày 27 tháng 3 năm 2021"
    assert long_date(dt.date(2020, 2, 29)) == "ngày 29 tháng 02 năm 2020"
    assert long_date(dt.date(2019, 6, 29)) == "ngày 29 tháng 6 năm 2019"
    assert long_date(dt.date(2020, 12, 1)) == "ngày 01 tháng 12 năm 2020"


def test_short_dates():
    assert short_date(dt.date(2015, 6, 19)) == "19/6/2015"
    assert short_date(dt.date(2021, 1, 27)) == "27/01/2021"


def test_from_fixed_never_uses_exponent_notation():
    assert str(from_fixed(to_fixed(10))) == "10"
    assert str(from_fixed(to_fixed(1000))) == "1000"
    assert str(from_fixed(to_fixed("0.5"))) == "0.5"
