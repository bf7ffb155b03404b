"""Tests for actions.dates: which filing period a user's date expression falls in."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from actions.dates import PERIODS, DateReading, complete_date, read_filing_date

TODAY = datetime.date(2026, 11, 29)

BEFORE, MIDDLE, AFTER = PERIODS
ALL = (BEFORE, MIDDLE, AFTER)


def test_periods_are_the_public_names_in_order() -> None:
    assert PERIODS == (
        "before_2010_06_01",
        "2010_06_01_to_2017_01_31",
        "after_2017_01_31",
    )


# expression -> expected periods, with today = 2026-11-29
CASES: list[tuple[str, tuple[str, ...]]] = [
    # dev10: about twenty years ago; a Chinese-numeral year with no 年; the weeks after a
    # festival, in its year; a festival's holiday week, which in 2017 crossed 31 January; some
    # days before a festival, around it; a half-width comma that jionlp joined clauses across
    ("二十来年前了吧", (BEFORE,)),
    ("过年前几天", ()),  # no year: days before the festival, not before today
    ("十来年前", (MIDDLE, AFTER)),
    ("二〇〇八", (BEFORE,)),
    ("2010年国庆节后", (MIDDLE,)),
    ("2017年春节期间", (MIDDLE, AFTER)),
    ("2012年春节放假那几天", (MIDDLE,)),
    ("2010年儿童节前两天", (BEFORE, MIDDLE)),
    ("2010年寒假", (BEFORE,)),
    ("俺记着是一二年秋后", (MIDDLE,)),
    ("反正奥运会之前,07年底", (BEFORE,)),
    # a year in English words; the most recent month named
    ("twenty ten", (BEFORE, MIDDLE)),
    ("two thousand and nine", (BEFORE,)),
    ("twenty seventeen", (MIDDLE, AFTER)),
    ("Last October I reckon", (AFTER,)),
    ("about twenty people", ()),
    # absolute dates
    ("2011年7月", (MIDDLE,)),
    ("05年", (BEFORE,)),
    ("16年", (MIDDLE,)),
    ("2016.3", (MIDDLE,)),
    ("2016-03-15", (MIDDLE,)),
    ("2016/3/15", (MIDDLE,)),
    ("2016.3.15", (MIDDLE,)),
    ("2016年3月15号", (MIDDLE,)),
    # a day of no year beside the one year named is of that year (2017年初 alone spans two periods)
    ("2017年初，1月31号那天交的", (MIDDLE,)),
    ("2017年初，1月31", (MIDDLE,)),  # as NLU tags it
    # around a day near a boundary: 15 days either side (the festival fell on 2017-01-28)
    ("2017年春节前后", (MIDDLE, AFTER)),
    ("2010年6月1号上下吧", (BEFORE, MIDDLE)),
    ("2010年和2011年，5月1号", (BEFORE, MIDDLE)),
    ("二〇一二年", (MIDDLE,)),
    ("二零零八年", (BEFORE,)),
    ("二〇一〇年六月一日", (MIDDLE,)),
    ("2010年6月1日", (MIDDLE,)),
    ("2017年1月31日", (MIDDLE,)),
    ("2017年2月1日", (AFTER,)),
    ("17年2月1日", (AFTER,)),
    ("2010年5月31日", (BEFORE,)),
    ("2009年底", (BEFORE,)),
    ("2016年初", (MIDDLE,)),
    ("2013年下半年", (MIDDLE,)),
    ("2019年", (AFTER,)),
    # relative
    ("去年", (AFTER,)),
    ("前年", (AFTER,)),
    ("大前年", (AFTER,)),
    ("八年前", (AFTER,)),
    ("3年前", (AFTER,)),
    ("两年前", (AFTER,)),
    ("兩年前", (AFTER,)),
    ("十五年前", (MIDDLE,)),  # calendar year 2011
    ("10年以前", (MIDDLE,)),  # = 10年前 = calendar year 2016
    ("三年多以前", (AFTER,)),
    ("十几年前", (BEFORE, MIDDLE)),
    ("十多年前", (BEFORE, MIDDLE)),
    ("二十几年前", (BEFORE,)),
    ("一两年前", (AFTER,)),
    ("已经备案8年了", (AFTER,)),
    ("备案10年了", (MIDDLE,)),  # 2016, not the year 2010
    ("备案有十多年了", (BEFORE, MIDDLE)),
    # a count of years up to now without 了, or with Cantonese 喇: 2016, never the year 2010
    ("快十年喇", (MIDDLE,)),
    ("近十年", (MIDDLE,)),
    ("快十年", (MIDDLE,)),
    ("快十年喇，應該係二零一六年尾", (MIDDLE,)),
    ("差不多2010年", (BEFORE, MIDDLE)),
    ("上个月", (AFTER,)),
    ("上上个月", (AFTER,)),
    ("这个月", (AFTER,)),
    ("最近", (AFTER,)),
    ("刚刚备案", (AFTER,)),
    ("今年", (AFTER,)),
    ("昨天", (AFTER,)),
    # bounds
    ("2010年以前", (BEFORE,)),
    ("2010年之前", (BEFORE,)),
    ("2018年以后", (AFTER,)),
    ("2017年以后", (MIDDLE, AFTER)),
    ("2010年之后", ALL),
    ("2010年6月1日之前", (BEFORE,)),
    ("2017年1月31日之后", (AFTER,)),
    ("2010年6月1日至2017年1月31日之间", (MIDDLE,)),
    ("二〇一〇年六月一日至二〇一七年一月三十一日之间", (MIDDLE,)),
    ("2012年到2015年之间", (MIDDLE,)),
    ("08年以前", (BEFORE,)),
    ("15年以后", (MIDDLE, AFTER)),
    ("从2017年2月1日开始", (AFTER,)),
    ("2017年2月起", (AFTER,)),
    ("2017.01.31以后", (AFTER,)),
    ("2016年前后", (MIDDLE,)),
    # a bare year spanning a boundary
    ("2010年", (BEFORE, MIDDLE)),
    ("2017年", (MIDDLE, AFTER)),
    # vague
    ("很久以前", ALL),
    ("好多年前", ALL),
    ("几年前", (MIDDLE, AFTER)),
    ("几十年前", (BEFORE,)),
    # embedded in a sentence
    ("我是2011年7月备的案", (MIDDLE,)),
    ("大概是零八年左右吧", (BEFORE,)),
    ("我们公司15年做的备案", (MIDDLE,)),
    ("你好，我想问一下，我们是2011年7月备的案，现在需要重新备案吗？", (MIDDLE,)),
    ("很久以前了，大概08年", (BEFORE,)),
    ("2010年还是2011年吧", (BEFORE, MIDDLE)),
    # the middle of a year, a festival of a year (jionlp's open span kept inside the year)
    ("2017年年中备的案", (AFTER,)),
    ("2010年年中", (BEFORE, MIDDLE)),
    ("17年春节前", (MIDDLE,)),
    # Taiwan's calendar (民國 + 1911)
    ("民國105年", (MIDDLE,)),
    ("民國107年3月", (AFTER,)),
    ("民国98年", (BEFORE,)),
    # full-width digits
    ("２０１６年３月", (MIDDLE,)),
    ("２０１７年２月１日", (AFTER,)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_expression_periods(text: str, expected: tuple[str, ...]) -> None:
    reading = read_filing_date(text, TODAY)
    assert reading.periods == expected
    assert reading.unknown is False


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 45
    assert len({text for text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "text",
    [
        "不记得了",
        "忘了",
        "记不清了",
        "記不清了",
        "我也不清楚",
        "一点都不记得了",
        "想不起来了",
    ],
)
def test_does_not_remember(text: str) -> None:
    assert read_filing_date(text, TODAY) == DateReading(periods=(), unknown=True)


def test_unknown_and_date_are_reported_together() -> None:
    assert read_filing_date("忘了，大概2011年吧", TODAY) == DateReading((MIDDLE,), True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the two boundary days of the middle period and their neighbours, in several forms
        ("2010年5月31日", BEFORE),
        ("2010-05-31", BEFORE),
        ("2010/5/31", BEFORE),
        ("2010年6月1日", MIDDLE),
        ("2010-06-01", MIDDLE),
        ("2010.6.1", MIDDLE),
        ("2017年1月31日", MIDDLE),
        ("2017-01-31", MIDDLE),
        ("2017/1/31", MIDDLE),
        ("2017年2月1日", AFTER),
        ("2017-02-01", AFTER),
        ("2017.2.1", AFTER),
        # "before/after a day" excludes that day
        ("2010年6月1日之前", BEFORE),
        ("2017年2月1日以后", AFTER),
        ("2017年1月31日之后", AFTER),
    ],
)
def test_boundary_days(text: str, expected: str) -> None:
    reading = read_filing_date(text, TODAY)
    assert reading.period == expected
    assert not reading.ambiguous


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010年6月1日以后", (MIDDLE, AFTER)),
        ("2010年5月31日之后", (MIDDLE, AFTER)),
        ("2017年1月31日之前", (BEFORE, MIDDLE)),
        ("2017年2月1日之前", (BEFORE, MIDDLE)),
        ("2010年6月之前", (BEFORE,)),
        ("2017年2月以后", (AFTER,)),
        ("2017年1月以后", (MIDDLE, AFTER)),
        # a month's or a year's end, then after: once it was over (blind14)
        ("2017年1月底过后", (AFTER,)),
        ("2017年1月底以后", (AFTER,)),
        ("2017年1月31日过后", (AFTER,)),
        ("2010年5月底以前", (BEFORE,)),
        ("2016年底以后", (MIDDLE, AFTER)),
        ("2016年年底之后", (MIDDLE, AFTER)),
    ],
)
def test_bounds_next_to_boundary_days(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "你好",
        "备案信息不合格",
        "😀😀😀",
        "👍",
        "京ICP备12345678号-1",
        "我是第2次备案",
        "上午十点打的电话",
        "备案信息不合格。" * 2000,
        "x" * 100_000,
    ],
)
def test_not_a_date(text: str) -> None:
    assert read_filing_date(text, TODAY) == DateReading()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("千千年", ()),  # cn2an rejects the numeral: left as text, no crash
        ("〇十四年", ()),  # cn2an raises KeyError here
        ("2016年13月以前", (MIDDLE,)),  # no month 13: falls back to the year
    ],
)
def test_malformed_numbers_do_not_crash(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


def test_long_text_still_finds_an_early_date() -> None:
    text = "我是2011年7月备的案，" + "其他内容。" * 5000
    assert read_filing_date(text, TODAY).periods == (MIDDLE,)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # N年多前 is [today-(N+1)y, today-Ny], so it moves with today
        ("三年多以前", datetime.date(2021, 1, 15), (MIDDLE, AFTER)),
        ("三年多以前", datetime.date(2021, 3, 1), (AFTER,)),
        # N年前 is the calendar year today.year - N
        ("八年前", datetime.date(2018, 6, 1), (BEFORE, MIDDLE)),
        ("八年前", datetime.date(2025, 1, 1), (MIDDLE, AFTER)),  # the whole of 2017
        # 十几年前 = 10..19 years ago: 2011..2020 here, so not before 2010-06-01
        ("十几年前", datetime.date(2030, 5, 5), (MIDDLE, AFTER)),
        # two-digit years: 20yy unless that is in the future, then 19yy
        ("27年", TODAY, (BEFORE,)),
        ("26年", TODAY, (AFTER,)),
        ("17年", datetime.date(2016, 6, 1), (BEFORE,)),
        ("17年", datetime.date(2017, 6, 1), (MIDDLE, AFTER)),
    ],
)
def test_relative_to_today(text: str, today: datetime.date, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, today).periods == expected


@pytest.mark.parametrize("text", ["2030年", "明年", "2027年3月", "2030年以后"])
def test_future_dates_are_ignored(text: str) -> None:
    assert read_filing_date(text, TODAY) == DateReading()


def test_open_bound_reaching_into_the_future_is_clamped() -> None:
    assert read_filing_date("2030年以前", TODAY).periods == ALL


def test_this_year_is_clamped_to_today() -> None:
    # 今年 is 2016 here: only the part up to 2016-03-01 counts, still middle
    assert read_filing_date("今年", datetime.date(2016, 3, 1)).periods == (MIDDLE,)
    # 今年 in 2017 before February: only the middle period
    assert read_filing_date("今年", datetime.date(2017, 1, 20)).periods == (MIDDLE,)


def test_datetime_today_is_accepted() -> None:
    now = datetime.datetime(2026, 11, 29, 15, 30)
    assert read_filing_date("去年", now).periods == (AFTER,)


def test_date_reading_properties() -> None:
    assert DateReading().period is None
    assert DateReading().ambiguous is False
    single = DateReading((MIDDLE,))
    assert single.period == MIDDLE
    assert single.ambiguous is False
    double = DateReading((BEFORE, MIDDLE))
    assert double.period is None
    assert double.ambiguous is True


def test_read_result_properties() -> None:
    assert read_filing_date("2010年", TODAY).ambiguous is True
    assert read_filing_date("2010年", TODAY).period is None
    assert read_filing_date("2011年", TODAY).period == MIDDLE


def test_date_reading_is_frozen() -> None:
    reading = DateReading((AFTER,))
    with pytest.raises(AttributeError):
        reading.periods = ()  # type: ignore[misc]


def test_import_is_light() -> None:
    """Importing the module must not load jionlp or cn2an (they load on first use)."""
    code = "import sys, actions.dates; print(sorted({'jionlp', 'cn2an'} & set(sys.modules)))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_same_year_repeats_the_year_named() -> None:
    assert read_filing_date("网站2009年建好，当年就备了案", TODAY).periods == ("before_2010_06_01",)
    assert read_filing_date("2014年注册的域名，同一年备案", TODAY).periods == ("2010_06_01_to_2017_01_31",)


@pytest.mark.parametrize("text", ["当年备案的", "我是当年就备案了", "同年备案", "那一年备的案"])
def test_same_year_without_a_year_named_is_no_date(text: str) -> None:
    # "back then": not this year, which jionlp would read; the form asks for the date again
    assert read_filing_date(text, TODAY).periods == ()


@pytest.mark.parametrize("text", ["3月15号", "15号", "三月十五日", "是3月份12号备案的"])
def test_a_month_or_day_of_no_year_named_is_no_date(text: str) -> None:
    # like a bare "3月": the year is missing, not this year; the form asks again
    assert read_filing_date(text, TODAY).periods == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("去年3月15号", ("after_2017_01_31",)), ("2012年3月15号", ("2010_06_01_to_2017_01_31",))],
)
def test_a_month_and_day_with_a_year_still_reads(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


# --- English dates, and dates completed by an earlier answer ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("before June 1st, 2010", ("before_2010_06_01",)),
        ("March 2016", (MIDDLE,)),
        ("in 2012", (MIDDLE,)),
        ("after January 31, 2017", ("after_2017_01_31",)),
        ("three years ago", ("after_2017_01_31",)),
        ("last year", ("after_2017_01_31",)),
        ("it may be 2009", ("before_2010_06_01",)),  # "may" alone is no month
        ("the 1st of June", ()),  # no year: asked again, never this year
        ("上半年", ()),
    ],
)
def test_english_and_yearless_expressions(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010年三四月份备的", (BEFORE,)),
        ("2017年1月或2月", (MIDDLE, AFTER)),
        ("2016年11到12月", (MIDDLE,)),
        ("2009年或者2011年", (BEFORE, MIDDLE)),
        # no year named: no period, the form asks (never March 4th of this year)
        ("三四月份", ()),
        ("还没到六月", ()),
        ("秋天", ()),
        ("1月31", ()),  # NLU may tag a day without its 号; never this year's January 31
        ("夏天那会", ()),
    ],
)
def test_month_ranges_and_narrower_dates(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("零几年的事了", (BEFORE,)),
        ("〇几年弄的，哪年忘了", (BEFORE,)),
        ("九几年就有这个网站", (BEFORE,)),
        ("一几年", (BEFORE, MIDDLE, AFTER)),  # the 2010s span all three: the form asks
        ("十几年前", (BEFORE, MIDDLE)),  # not a decade: ten-odd years ago
    ],
)
def test_a_decade_said_as_zero_something(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17", (MIDDLE, AFTER)),  # 2017: the form asks which part of it
        ("大概09吧", (BEFORE,)),
        ("16?", (MIDDLE,)),
        ("26", (AFTER,)),
        ("88", ()),  # bye-bye, not 1988 nor 2088
        ("27", ()),  # no year of this century yet
        ("17号", ()),  # a day
        ("备案号17", ()),  # not the whole answer
    ],
)
def test_two_bare_digits_are_the_year_answered(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


def test_a_month_after_two_bare_digits_completes_that_year() -> None:
    assert complete_date("10月", "17", TODAY) == "2017年10月"


@pytest.mark.parametrize(
    "text",
    ["【阿里云】经核查您的备案信息存在不合格项，请于15日内完成整改", "三个工作日之内要改好", "两周以内"],
)
def test_a_deadline_is_not_a_filing_date(text: str) -> None:
    assert read_filing_date(text, TODAY).periods == ()


def test_english_not_remembering() -> None:
    assert read_filing_date("I don't remember", TODAY).unknown


@pytest.mark.parametrize(
    ("text", "earlier", "expected"),
    [
        ("6月1号那天", "2010年", (MIDDLE,)),
        ("5月", "2010年", ("before_2010_06_01",)),
        ("那年10月", "10年", (MIDDLE,)),
        ("the 1st of June", "2010", (MIDDLE,)),
        ("It was in the summer, July or so", "2017, I think", ("after_2017_01_31",)),
        ("下半年了，九月份", "2010年", (MIDDLE,)),
        ("In May, I believe.", "2010", ("before_2010_06_01",)),
        ("1月底", "2017年", (MIDDLE,)),
        ("上半年", "2010年", ("before_2010_06_01", MIDDLE)),
        # a word before the month: the year goes next to the month, not before the word
        ("大概九月份吧", "2017年", ("after_2017_01_31",)),
        ("应该是5月", "2010年", ("before_2010_06_01",)),
        # two months side by side are a range; a narrower date inside a wider one is the date
        ("上半年，大概三四月份", "2010年", (BEFORE,)),
        ("一二月份吧", "2017年", (MIDDLE, AFTER)),
        ("五六月", "2010年", (BEFORE, MIDDLE)),
        # "not June yet": January to May of the year given
        ("五月份的时候，还没到六月", "2010年弄的", (BEFORE,)),
        ("还没到2月", "2017年", (MIDDLE,)),
        # "not mid-year yet" is the first half, which holds the month named beside it
        ("4月份，还没到年中", "2010年", (BEFORE,)),
        ("过了年中，八月", "2010年", (MIDDLE,)),
        ("年中以前", "2017年", (MIDDLE, AFTER)),
        # a season or a holiday of that year, never this year's
        ("那年秋天开学前后", "2010年", (MIDDLE,)),
        ("春天吧", "2010年", (BEFORE,)),
        ("春节那会儿", "2017年", (MIDDLE,)),
        ("国庆前后", "2010年", (MIDDLE,)),
        # a day known by name: Children's Day 2010 is the first day of the middle period
        ("儿童节那天 记得很清楚", "2010年", (MIDDLE,)),
        ("劳动节", "2010年", (BEFORE,)),
        ("圣诞节左右", "2016年", (MIDDLE,)),
        ("双十一", "2017年", (AFTER,)),
        # named days jionlp does not know, by their date
        ("教师节那阵", "2010年", (MIDDLE,)),
        # dev10: 六一儿童节 is one day; the lunar new year's first days; a year in Chinese
        # numerals with no 年; a month and a day before a festival that both say May
        ("六一儿童节当天", "2010年", (MIDDLE,)),
        ("大年初一那天", "17年吧", (MIDDLE,)),
        ("情人节那天", "二〇一七", (AFTER,)),
        ("五月底，儿童节前两天", "2010年吧", (BEFORE,)),
        ("春节放假那几天", "2017年", (MIDDLE, AFTER)),
        # blind13: 过年前几天 is days before the Spring Festival, never "N years ago" nor days
        # before today (it gave the after-2017 answer); 是年元月中旬 is mid-January of that year;
        # two cues that overlap in part say one day: their overlap
        ("1月份，过年前几天", "2017年", (MIDDLE,)),
        ("是年元月中旬", "二〇一七年", (MIDDLE,)),
        ("年底，圣诞节前", "一零年", (MIDDLE,)),
        # a month, then "after January": July
        ("July, it was summer break so def after January", "2017", (AFTER,)),
        ("妇女节", "2010年", (BEFORE,)),
        # around a day given by its number is a week either side: 5月20号前后 stays in May
        ("五月二十号前后", "2010年", (BEFORE,)),
        ("5月28号左右", "2010年", (BEFORE, MIDDLE)),
        # "not summer yet" is before June, and holds the months named beside it
        ("四五月份吧，还没到夏天", "2010年", (BEFORE,)),
        ("还没到秋天", "2017年", (MIDDLE, AFTER)),  # January 2017 is still the middle period
        # blind14: a month's end and "after the end of January", both of that year
        ("二月底了，反正是一月底过后", "17年", (AFTER,)),
        # blind15: the weeks just before a festival, not the year up to it (Cantonese 嗰排)
        ("聖誕節前嗰排", "2017年", (AFTER,)),
        ("儿童节前没多久", "2010年", (BEFORE,)),
        ("圣诞节前", "2017年", (MIDDLE, AFTER)),  # before it, said as a bound: the year up to it
        # the New Year's Day coming at a year's end is the next one's: the end of the year counts
        ("年底，快元旦了", "一七年", (AFTER,)),
        ("年末临近元旦", "2010年", (MIDDLE,)),
    ],
)
def test_a_partial_date_completes_the_year_given_before(
    text: str, earlier: str, expected: tuple[str, ...]
) -> None:
    completed = complete_date(text, earlier, TODAY)
    assert completed is not None
    assert read_filing_date(completed, TODAY).periods == expected


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("去年", "2010年"),
        ("2012年3月", "2010年"),
        ("之后", "2010年"),
        ("6月", None),
        ("6月", "2010年或2011年"),
        ("教师节", None),
    ],
)
def test_only_a_yearless_date_part_after_one_year_is_completed(text: str, earlier: str | None) -> None:
    assert complete_date(text, earlier, TODAY) is None


@pytest.mark.parametrize(
    ("text", "earlier", "completed"),
    [
        ("6月1号那天", "2010年", "2010年6月1号"),
        ("大概九月份吧", "2017年", "大概2017年9月份吧"),
        ("上半年，三四月份", "2010年", "2010年上半年,2010年3-4月份"),
    ],
)
def test_the_year_goes_before_each_date_part_and_a_day_stays_with_its_month(
    text: str, earlier: str, completed: str
) -> None:
    assert complete_date(text, earlier, TODAY) == completed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # events held once, on known dates
        ("北京奥运会那年备的", (BEFORE,)),
        ("上海世博会开幕前一个月", (BEFORE,)),
        ("世博会那年", (BEFORE, MIDDLE)),  # May to October 2010 spans the boundary: ask
        ("伦敦奥运那年", (MIDDLE,)),
        ("疫情期间", (AFTER,)),
        ("10年世界杯的时候", (MIDDLE,)),
        ("卡塔尔世界杯那会", (AFTER,)),
        # one of several: no date
        ("奥运会那年", ()),
        ("2011年世界杯", (MIDDLE,)),  # no World Cup that year: only the year counts
        # not long after an event is just after it; any time after it spans the years since
        ("北京奥运会之后不久", (BEFORE,)),
        ("北京奥运会以后", (BEFORE, MIDDLE, AFTER)),
        # Taobao's first 双十一, November 2009
        ("淘宝第一届双十一那会儿", (BEFORE,)),
        # in English
        ("right after the Beijing Olympics", (BEFORE,)),
        ("around the London Olympics", (MIDDLE,)),
        ("during COVID", (AFTER,)),
        ("before the pandemic", (BEFORE, MIDDLE, AFTER)),
        ("after the Beijing Olympics", (BEFORE, MIDDLE, AFTER)),
    ],
)
def test_events_people_date_things_by(text: str, expected: tuple[str, ...]) -> None:
    assert read_filing_date(text, TODAY).periods == expected


def test_a_world_cup_after_a_year_is_that_years() -> None:
    completed = complete_date("世界杯那会儿", "2010", TODAY)
    assert completed is not None
    assert read_filing_date(completed, TODAY).periods == (MIDDLE,)
