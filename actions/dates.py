"""Read when a user submitted their ICP filing (备案) from free Chinese text.

The FAQ answers branch on three periods, so this module turns the user's
expression into a date interval ``[start, end]`` (either end may be open) and
returns every period that interval overlaps. An interval that overlaps several
periods is reported as ambiguous so that the bot can ask a follow-up question
instead of guessing.

Libraries do the heavy lifting:

* ``jionlp.ner.extract_time`` finds and resolves time expressions inside a
  sentence (absolute dates in all common forms, 去年/前年/大前年, N年前, 今年,
  年底/年初/下半年, 上周/昨天, "X至Y之间" ranges ...).
* ``cn2an`` converts Chinese numerals before date words (二〇一二年 -> 2012年,
  八年前 -> 8年前, 十几年前 -> 10几年前).
* ``jionlp.tra2sim`` and ``unicodedata`` NFKC fold traditional characters and
  full-width digits (jionlp reads ２０１６年３月 as the year 16 otherwise).

Regexes cover only what those libraries get wrong or do not parse; each rule
below says why it exists. Both libraries are imported lazily, on the first
call, so that importing this module stays cheap (the action server imports it
at start-up even if no filing question is ever asked).

Interpretation choices (the ones the FAQ needs, documented once here):

* "X年以前/之前" = strictly before X-01-01; "X年以后/之后" = from X-01-01 on
  (the named year is included, as people mean it colloquially); for a named
  *day* both are strict: "2017年1月31日之后" starts 2017-02-01. After a month's or
  a year's end (1月底过后, 2016年底以后) starts the day after it.
* Events held once on known dates stand for their dates (北京奥运会 2008年8月,
  上海世博会 2010年5-10月, a year's World Cup); an event held in several years
  under one name (奥运会) is no date.
* A two-digit year ``yy`` is 20yy if that is not after today's year, else 19yy.
  A leading zero (05年, 零八年) always marks a year; "15年前" / "15年以前" without
  one means "15 years ago".
* "N年前" (also "N年以前", "备案N年了") is the calendar year ``today.year - N``;
  "N年多前" is ``[today - (N+1) years, today - N years]``.
* A filing cannot lie in the future: interval ends are clamped to ``today``
  and an interval starting after ``today`` (明年, 2030年) is dropped, so a
  sentence whose only date is in the future reads as "no date found".
* Vague words (很久以前, 几年前, 最近, 刚刚 ...) only count when the text holds no
  concrete date, so "很久以前了，大概08年" reads as 2008.
* ``unknown`` is independent of ``periods``: "忘了，大概2011年吧" gives both.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

PERIODS: tuple[str, ...] = (
    "before_2010_06_01",
    "2010_06_01_to_2017_01_31",
    "after_2017_01_31",
)

_Span = tuple[datetime.date | None, datetime.date | None]
_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], datetime.date], _Span | None]]

# Inclusive [start, end] of each period; None is an open end.
_PERIOD_SPANS: tuple[_Span, ...] = (
    (None, datetime.date(2010, 5, 31)),
    (datetime.date(2010, 6, 1), datetime.date(2017, 1, 31)),
    (datetime.date(2017, 2, 1), None),
)

# Messages are short; the cap only bounds the work done on pasted walls of text.
_MAX_CHARS = 2000


@dataclass(frozen=True)
class DateReading:
    """What a user's answer says about their filing date."""

    periods: tuple[str, ...] = ()  # chronological; () = nothing date-like found
    unknown: bool = False  # the user says they do not remember

    @property
    def period(self) -> str | None:
        """The single period, or None when there are zero or several."""
        return self.periods[0] if len(self.periods) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """True when the expression overlaps more than one period."""
        return len(self.periods) > 1


# --------------------------------------------------------------------------
# Lazy library access
# --------------------------------------------------------------------------


@functools.cache
def _jionlp() -> ModuleType:
    """Import jionlp once; it prints an advert banner on import, kept out of the logs."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        import jionlp
    return jionlp


@functools.cache
def _cn2an() -> ModuleType:
    """Import cn2an once (about 0.1 s, not worth paying at module import)."""
    import cn2an

    return cn2an


# --------------------------------------------------------------------------
# Date arithmetic helpers
# --------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """``day`` shifted back by whole years (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _year_span(first_year: int, last_year: int) -> tuple[datetime.date, datetime.date]:
    """The calendar years ``first_year`` .. ``last_year`` inclusive."""
    return datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)


def _month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """One calendar month."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def _months_before(today: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The calendar month ``months`` before today's month."""
    index = today.year * 12 + today.month - 1 - months
    return _month_span(index // 12, index % 12 + 1)


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_CN_DIGITS = "〇零一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_UNITS = "十百千拾佰仟"
# A run of Chinese numerals right before a date word. Not before 个月 etc.:
# jionlp reads 两个月前 itself, and cn2an would turn 两三个月 into 23个月.
# Not after 几 either: 几十年前 is vague (``_DECADES_AGO_RE``), not "几10年前".
_CN_NUMBER_RE = re.compile(f"(?<!几)[{_CN_DIGITS}{_CN_UNITS}]+(?=[年月日号]|几年|多年|来年)")
# What follows "N年" when it means "N years ago" (also used for 一两年前).
_AGO_AFTER_YEAR_RE = re.compile(r"年多?[以之]?前(?!后)")


def _cn_number_to_arabic(match: re.Match[str]) -> str:
    """Replace one Chinese numeral run with digits using cn2an.

    Digit-by-digit runs (二〇一二, 零八) use cn2an's "direct" mode so that the
    leading zero of 零八年 survives (it marks a year, see ``_expand_two_digit_year``);
    runs with units (十五, 三十一) use "smart". Adjacent small numbers before
    "年前" (一两年前, 两三年前) or 月 (三四月) are an approximate range, which cn2an would
    read as 12 / 34, so they become "1-2" / "3-4" for ``_RANGE_AGO_RE`` and ``_MONTH_RANGE_RE``.
    """
    cn2an = _cn2an()
    token = match.group()
    after = match.string[match.end() :]
    try:
        if len(token) == 2 and (_AGO_AFTER_YEAR_RE.match(after) or after.startswith("月")):
            low, high = (int(cn2an.cn2an(char, "smart")) for char in token)
            if 1 <= low and high == low + 1:
                return f"{low}-{high}"
        mode = "smart" if any(char in _CN_UNITS for char in token) else "direct"
        return str(cn2an.cn2an(token, mode))
    except (ValueError, KeyError):  # 千千年, 〇十四号: not a number, leave the text alone
        return token


_TWO_DIGIT_YEAR_RE = re.compile(r"(?<![\d.\-/:])(\d{2})(?=年)")
# After "NN年" these make NN a count of years, not a year (15年多, 15年来, 备案15年了).
_DURATION_AFTER_YEAR_RE = re.compile(r"年(?:多|半|几|来|以来|内|以内|里|了|整|间)")
# 快十年, 近十年, 都十年喇: a count of years up to now said without 了 (or with a dialect's 喇 / 啦),
# which would otherwise read as the year 2010. Written "N年了" for ``_YEARS_SINCE_RE``.
_YEARS_UP_TO_NOW_RE = re.compile(
    r"(?P<about>快|近|将近|接近|差不多|都|已经|满|有)(?P<n>[1-9]\d?)年(?:[喇啦咯嘞咧啰囉]|(?![前以之了多半月来内里整间\d]))"
)


def _expand_two_digit_year(match: re.Match[str], today: datetime.date) -> str:
    """Write ``yy年`` as a four-digit year, by the rule in the module docstring.

    jionlp expands two-digit years itself but maps e.g. 27年 and 30年 into the
    future (2027, 2030) where the FAQ needs 1927/1930; doing it here also lets
    ``_BOUND_RE`` see "2008年以前" for "08年以前".
    """
    digits = match.group(1)
    after = match.string[match.end() :]
    counts_years = _DURATION_AFTER_YEAR_RE.match(after) or _AGO_AFTER_YEAR_RE.match(after)
    if counts_years and not digits.startswith("0"):
        return digits
    year = 2000 + int(digits)
    if year > today.year:
        year -= 100
    return str(year)


# Two digits and nothing else (17, 大概09吧): the whole answer to "when was it filed?", a year of
# this century up to this one. 88 (bye-bye) or 45 is no such year and is left alone.
_BARE_TWO_DIGITS_RE = re.compile(
    r"^(?P<before>\s*(?:大概|大约|好像是?|应该是?|差不多|约|是)?\s*)(?P<yy>\d{2})"
    r"(?P<after>\s*(?:吧|左右|的样子|那会儿?|那时候?)?[\s?？。.!！~～]*)$"
)


def _bare_year(match: re.Match[str], today: datetime.date) -> str:
    if int(match.group("yy")) > today.year % 100:
        return match.group()
    return f"{match.group('before')}{match.group('yy')}年{match.group('after')}"


# jionlp reads "3年以前" as "3 or more years ago" (-inf .. 2023) while "3年前" is
# the calendar year 2023; the FAQ reads both as the calendar year.
_YEARS_AGO_WITH_YI_RE = re.compile(r"(?<![\d.])(\d{1,2})年[以之]前(?!后)")


def _normalize(text: str, today: datetime.date) -> str:
    """Fold width/script variants and numerals so that one set of rules applies."""
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS])
    if not _CJK_RE.search(text):
        text = _english_to_chinese(text, today)
    text = _jionlp().tra2sim(text, mode="char")
    text = _END_OF_YEAR_NEW_YEAR_RE.sub(r"\1", text)
    text = _FIXED_DAY_RE.sub(lambda match: _FIXED_DAYS[match.group()], text)
    text = _SOON_AFTER_EVENT_RE.sub(r"\1刚过", text)
    text = _EVENT_RE.sub(lambda match: _EVENTS[match.group()], text)
    # 二〇一〇 with no 年 after it, as a reply to "when?": the year 2010
    text = _CN_YEAR_ALONE_RE.sub(lambda match: f"{match.group()}年", text)
    text = _TEENS_RANGE_AGO_RE.sub(_teens_range, text)
    text = _CN_NUMBER_RE.sub(_cn_number_to_arabic, text)
    # Taiwan's calendar: 民國105年 is 2016
    text = _MINGUO_RE.sub(lambda m: f"{int(m.group(1)) + 1911}年", text)
    text = _BARE_TWO_DIGITS_RE.sub(lambda m: _bare_year(m, today), text)
    text = _YEARS_UP_TO_NOW_RE.sub(r"\g<about>\g<n>年了", text)
    text = _TWO_DIGIT_YEAR_RE.sub(lambda m: _expand_two_digit_year(m, today), text)
    text = _WORLD_CUP_RE.sub(_world_cup, text)
    # jionlp reads 同年/当年 (and 当天/那天) as this year or today. They repeat the year named
    # ("2013年成立，同年备案"), or, with none named ("当年备案的", back then), say no year at
    # all: the form asks again.
    text = _SAME_YEAR_RE.sub("", text)
    text = _NOT_YET_RE.sub(_months_before_the_one_named, text)
    return _YEARS_AGO_WITH_YI_RE.sub(r"\1年前", text)


_MINGUO_RE = re.compile(r"民国\s*(\d{1,3})\s*年")
# Days of a fixed date that jionlp does not know by name (it knows 儿童节, 劳动节, 圣诞, 七夕 ...):
# 2010年教师节 is 2010年9月10日. Lunar ones (除夕, 重阳) move from year to year and are left out.
_FIXED_DAYS = {
    "平安夜": "12月24日",
    "双十二": "12月12日",
    "双12": "12月12日",
    "教师节": "9月10日",
    "建军节": "8月1日",
    "建党节": "7月1日",
    "妇女节": "3月8日",
    "三八节": "3月8日",
    "植树节": "3月12日",
    "万圣节": "10月31日",
    # jionlp reads 暑假 (July and August) but not the winter holiday, nor 秋后 (in the autumn)
    "寒假": "1-2月",
    "秋后": "秋天",
    # 过年 is the Spring Festival (过年前几天 is no "N years ago"); 元月 is January
    "过年": "春节",
    "元月": "1月",
}
_FIXED_DAY_RE = re.compile("|".join(_FIXED_DAYS))
# Events people date things by, each held in one known year (北京奥运会 2008, 上海世博会 May to
# October 2010, which spans the first boundary and so asks). Only events with one date: 奥运会 or
# 冬奥会 alone could be any of several (Sochi 2014 and Beijing 2022 fall in different periods).
_EVENTS = {
    "上海世博会开幕": "2010年5月1日",
    "世博会开幕": "2010年5月1日",
    "世博开幕": "2010年5月1日",
    "上海世博会": "2010年5-10月",
    "上海世博": "2010年5-10月",
    "世博会": "2010年5-10月",
    "北京奥运会": "2008年8月",
    "北京奥运": "2008年8月",
    "汶川大地震": "2008年5月",
    "汶川地震": "2008年5月",
    "广州亚运会": "2010年11月",
    "广州亚运": "2010年11月",
    "雅典奥运会": "2004年8月",
    "雅典奥运": "2004年8月",
    "伦敦奥运会": "2012年7-8月",
    "伦敦奥运": "2012年7-8月",
    "里约奥运会": "2016年8月",
    "里约奥运": "2016年8月",
    "东京奥运会": "2021年7-8月",
    "东京奥运": "2021年7-8月",
    "德国世界杯": "2006年6-7月",
    "南非世界杯": "2010年6-7月",
    "巴西世界杯": "2014年6-7月",
    "俄罗斯世界杯": "2018年6-7月",
    "卡塔尔世界杯": "2022年11-12月",
    "杭州亚运会": "2023年9-10月",
    "杭州亚运": "2023年9-10月",
    "微信刚出来": "2011年",
    "北京冬奥会": "2022年2月",
    "北京冬奥": "2022年2月",
    "杭州G20": "2016年9月",
    "G20杭州峰会": "2016年9月",
    "非典": "2003年",
    # Taobao's first 双十一 sale: 11 November 2009
    "第一个双十一": "2009年11月11日",
    "第一届双十一": "2009年11月11日",
    "第一次双十一": "2009年11月11日",
    "首个双十一": "2009年11月11日",
    "首届双十一": "2009年11月11日",
    # the pandemic: 2020 to 2022, and before it, before 2020
    "疫情以前": "2020年以前",
    "疫情之前": "2020年以前",
    "疫情前": "2020年以前",
    "疫情": "2020-2022年",
}
_EVENT_RE = re.compile("|".join(sorted(_EVENTS, key=len, reverse=True)))
# Not long after an event is just after it (北京奥运会之后不久 as 北京奥运会刚过), not any time after.
_SOON_AFTER_EVENT_RE = re.compile(rf"({_EVENT_RE.pattern})(?:之后|以后|过后|后)(?:不久|没多久)")
# 年底，快元旦了: the New Year's Day coming at the end of a year is the next year's; the end of the
# year says the date, the 元旦 only repeats it.
_END_OF_YEAR_NEW_YEAR_RE = re.compile(
    r"(年底|年末|年尾)[，,、\s]*(?:快要?到?|临近|接近|马上(?:就)?到?)元旦了?"
)
# The football World Cup of a year (2010年世界杯: June and July; Qatar's, 2022, in November and
# December); 世界杯 alone takes its year from the earlier answer (complete_date).
_WORLD_CUP_RE = re.compile(r"((?:19|20)\d{2})年?的?世界杯")


def _world_cup(match: re.Match[str]) -> str:
    year = int(match.group(1))
    if (year - 1930) % 4 or year < 1930:
        return match.group()
    return f"{year}年11-12月" if year == 2022 else f"{year}年6-7月"


_CN_YEAR_ALONE_RE = re.compile(
    r"(?<![〇零一二三四五六七八九十])(?:一九|二[〇零])[〇零一二三四五六七八九]{2}(?![〇零一二三四五六七八九十年])"
)
# 十二三年前, 二十一二年前: two numbers side by side after a ten, an approximate range of years
# ago, which cn2an would read as one number or not at all.
_CN_ONES = "一二三四五六七八九"
_TEENS_RANGE_AGO_RE = re.compile(
    rf"(?<![{_CN_ONES}十\d])(二?十)([{_CN_ONES}])([{_CN_ONES}])(?=年多?[以之]?前)"
)


def _teens_range(match: re.Match[str]) -> str:
    tens = 20 if match.group(1) == "二十" else 10
    low, high = (_CN_ONES.index(char) + 1 for char in match.group(2, 3))
    return f"{tens + low}-{tens + high}" if high == low + 1 else match.group()


# the first month of each season, as jionlp counts them
_SEASON_STARTS = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
_SEASONS = "".join(_SEASON_STARTS)
# a season, early or late in it (秋, 深秋; followed by 天 or 季 where a date part is meant)
_SEASON = f"[初深晚盛]?[{_SEASONS}]"
_NOT_YET_RE = re.compile(
    rf"(?:还)?(?:没到|没有到|不到|未到)(?:(?P<m>\d{{1,2}})月份?(?![\d日号])|(?P<season>[{_SEASONS}])[天季])"
)


def _months_before_the_one_named(match: re.Match[str]) -> str:
    """还没到6月 (it was not June yet) is January to May of the year meant: 1-5月; 还没到夏天 too."""
    season = match.group("season")
    month = _SEASON_STARTS[season] if season else int(match.group("m"))
    if not 2 <= month <= 12:
        return match.group()
    return "1月" if month == 2 else f"1-{month - 1}月"


_SAME_YEAR_RE = re.compile(r"同年|当年|同一年|那一年|那年|是年|该年|当天|那天|那一天|同一天|当日")


# --------------------------------------------------------------------------
# English: written the Chinese way, so that one set of rules reads both
# --------------------------------------------------------------------------

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
_EN_DATES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), to_chinese)
    for pattern, to_chinese in (
        (rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", None),
        (rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", None),
        (rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", None),
        (
            rf"\b(?:the\s+)?(?:first\s+half|early(?:\s+part)?|beginning|start)\s+(?:of\s+)?{_YEAR}\b",
            "{year}年上半年",
        ),
        (rf"\b(?:the\s+)?(?:second\s+half|late|end|later\s+part)\s+(?:of\s+)?{_YEAR}\b", "{year}年下半年"),
        (
            r"\b(?:the\s+)?(?:first\s+half|early(?:\s+part)?|beginning|start)\s+of\s+(?:that|the)\s+year\b",
            "上半年",
        ),
        (r"\b(?:the\s+)?(?:second\s+half|late|end|later\s+part)\s+of\s+(?:that|the)\s+year\b", "下半年"),
        (rf"\b{_MONTH.replace('|may|', '|')}\b", None),
        # "may" is a month only where nothing else can be meant: "in May", "May", "early May"
        (
            r"(?:^|\b(?:in|of|around|early|late|mid|end\s+of|beginning\s+of)\s+)(?P<month>may)\b(?!\s+(?:be|have|not))",
            None,
        ),
        (rf"(?<![\d/.-]){_YEAR}(?![\d/.-]|年)", "{year}年"),
        (
            r"\b(?P<count>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
            r"\s+years?\s+ago\b",
            "{count}年前",
        ),
        (r"\bthe\s+year\s+before\s+last\b", "前年"),
        (r"\blast\s+year\b", "去年"),
        (r"\bthis\s+year\b", "今年"),
        (r"\blast\s+month\b", "上个月"),
        (r"\b(?:a\s+few|several|some)\s+years\s+ago\b", "几年前"),
        (r"\b(?:a\s+)?long\s+(?:time\s+)?ago\b|\bmany\s+years\s+ago\b|\bages\s+ago\b", "很久以前"),
        (
            r"\b(?:do\s*n[o']?t|did\s*n[o']?t|can\s*n[o']?t|cannot|ca\s*n't)\s+(?:remember|recall|know)\b"
            r"|\bnot\s+sure\b|\bno\s+idea\b|\bforg[oe]t+(?:en)?\b",
            "不记得",
        ),
    )
)


def _english_date(match: re.Match[str], template: str | None) -> str:
    parts = {key: value for key, value in match.groupdict().items() if value}
    if "count" in parts:
        parts["count"] = str(_NUMBER_WORDS.get(parts["count"].lower(), parts["count"]))
    if template is not None:
        return template.format(**parts)
    text = f"{parts['year']}年" if "year" in parts else ""
    text += f"{_MONTHS[parts['month'].lower()]}月"
    return text + (f"{int(parts['day'])}日" if "day" in parts else "")


_EN_BOUNDS = (
    (
        re.compile(
            r"\b(?:before|prior\s+to|earlier\s+than|until)\s+((?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年)",
            re.I,
        ),
        r"\1之前",
    ),
    (
        re.compile(r"\b(?:after|since|later\s+than)\s+((?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年)", re.I),
        r"\1之后",
    ),
)


# A year said in words: twenty ten, two thousand and nine, twenty seventeen.
_EN_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EN_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_YEAR_NUMBERS = {
    **{word: index + 1 for index, word in enumerate(_EN_UNITS)},
    **{word: index + 10 for index, word in enumerate(_EN_TEENS)},
    **{f"twenty{joint}{unit}": 21 + index for index, unit in enumerate(_EN_UNITS) for joint in (" ", "-")},
    "twenty": 20,
}
_EN_YEAR_NUMBER = "|".join(sorted(map(re.escape, _EN_YEAR_NUMBERS), key=len, reverse=True))
_EN_YEAR_WORDS_RE = re.compile(
    rf"\b(?:two\s+thousand\s+(?:and\s+)?|twenty[\s-]+(?=(?:{'|'.join(_EN_TEENS)}|twenty)\b))(?P<n>{_EN_YEAR_NUMBER})\b",
    re.IGNORECASE,
)
# last October: the most recent October before today
_EN_LAST_MONTH_RE = re.compile(rf"\blast\s+{_MONTH}(?!\s*\d)", re.IGNORECASE)


def _english_year_words(match: re.Match[str]) -> str:
    return str(2000 + _EN_YEAR_NUMBERS[re.sub(r"\s+", " ", match.group("n").lower())])


def _the_last_month_named(match: re.Match[str], today: datetime.date) -> str:
    month = _MONTHS[match.group("month").lower()]
    year = today.year if month < today.month else today.year - 1
    return f"{year}年{month}月"


# Events said in English, as the Chinese names of _EVENTS: "right after the Beijing Olympics" is
# 北京奥运会刚过, "before COVID" 疫情以前. Before the years are read: "the 2008 Olympics" is Beijing's.
_EN_EVENT_NAMES = (
    (r"beijing\s+winter\s+olympics|2022\s+winter\s+olympics", "北京冬奥会"),
    (r"beijing\s+(?:summer\s+)?olympics|2008\s+(?:summer\s+)?olympics", "北京奥运会"),
    (r"london\s+olympics|2012\s+olympics", "伦敦奥运会"),
    (r"rio\s+olympics|2016\s+olympics", "里约奥运会"),
    (r"tokyo\s+olympics", "东京奥运会"),
    (r"athens\s+olympics|2004\s+olympics", "雅典奥运会"),
    (r"(?:shanghai\s+)?world\s+expo|shanghai\s+expo", "上海世博会"),
    (r"(?:wenchuan|sichuan)\s+earthquake", "汶川地震"),
    (r"guangzhou\s+asian\s+games", "广州亚运会"),
    (r"hangzhou\s+asian\s+games", "杭州亚运会"),
    (r"(?:hangzhou\s+g20(?:\s+summit)?|g20\s+summit\s+in\s+hangzhou)", "G20杭州峰会"),
    (r"sars(?:\s+outbreak)?", "非典"),
    (r"covid(?:-?19)?|pandemic|coronavirus", "疫情"),
)
_EN_EVENT = "|".join(f"(?:{pattern})" for pattern, _ in _EN_EVENT_NAMES)
_EN_EVENT_RE = re.compile(
    rf"\b(?:(?P<soon>(?:right|just|shortly|soon|not\s+long)\s+after)|(?P<after>after)|(?P<before>before))?"
    rf"\s*(?:the\s+)?(?P<event>{_EN_EVENT})\b",
    re.IGNORECASE,
)


def _english_event(match: re.Match[str]) -> str:
    said = match.group("event")
    name = next(chinese for pattern, chinese in _EN_EVENT_NAMES if re.fullmatch(pattern, said, re.IGNORECASE))
    if match.group("soon"):
        return f" {name}刚过 "
    if match.group("after"):
        return f" {name}以后 "
    if match.group("before"):
        return f" {name}以前 "
    return f" {name} "


def _english_to_chinese(text: str, today: datetime.date) -> str:
    """English date words as the Chinese the rules read: 'before June 1st, 2010' -> 2010年6月1日之前."""
    text = _EN_EVENT_RE.sub(_english_event, text)
    text = _EN_YEAR_WORDS_RE.sub(_english_year_words, text)
    text = _EN_LAST_MONTH_RE.sub(lambda match: _the_last_month_named(match, today), text)
    for pattern, template in _EN_DATES:
        text = pattern.sub(lambda match, template=template: _english_date(match, template), text)
    for pattern, replacement in _EN_BOUNDS:
        text = pattern.sub(replacement, text)
    # what is left of the English ("it was in", "around") says nothing of the date
    return re.sub(r"[A-Za-z']+", " ", text).strip()


# A year named: the earlier answer's year completes an answer without one (6月1号那天, 那年10月).
_YEAR_NAMED_RE = re.compile(r"\d{4}|[今去前明]年|年[以之]?前|(?<!半)年了|年多")
# between the two months of a range: 3到4月, 1月或2月, 3-4月 (三四月 after _cn_number_to_arabic)
_MONTH_RANGE_SEPARATOR = r"\s*(?:到|至|或者?|、|-|~|～|/)\s*"
# Days known by name that jionlp reads once a year is in front (2017年春节, 2010年儿童节); 六一儿童节
# before 六一, so that it is one day. (寒假 and 过年 are months and 春节 by then: _FIXED_DAYS.)
_NAMED_DAYS = (
    r"(?:六一)?儿童节|六一|元旦|春节|五一|清明|端午|中秋|国庆|劳动节|元宵|七夕|圣诞|情人节|母亲节|父亲节"
    r"|感恩节|双十一|双11|腊八|世界杯"
)
_DATE_PART_RE = re.compile(
    rf"(?:\d{{1,2}}\s*月?份?{_MONTH_RANGE_SEPARATOR})?\d{{1,2}}\s*(?:月(?:份?\s*\d{{1,2}}\s*[日号])?|[日号])"
    # the first days of the lunar year (大年初一), before 年初 could take their 年初
    r"|(?:大年|正月)初[一二三四五六七八九十]{1,2}"
    r"|上半年|下半年|年初|年底|年末|年中|年头|年尾|月初|月底|月末|月中"
    # seasons and holidays, which jionlp reads once a year is in front (2010年秋天, 2017年春节)
    rf"|{_SEASON}[天季]|开春|暑假|{_NAMED_DAYS}"
)
_PART_OF_YEAR_RE = re.compile(r"上半年|下半年|年初|年底|年末|年中|年头|年尾")
_FOUR_DIGIT_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _the_one_year(text: str) -> int | None:
    """The year `text` names, when it names exactly one (2010年, 2010年5月, not 2010年或2011年)."""
    years = {int(year) for year in _FOUR_DIGIT_YEAR_RE.findall(text)}
    return years.pop() if len(years) == 1 else None


_AROUND_A_DATE = " ,，.。;；:：!！?？、~～"


def complete_date(text: str, earlier: str | None, today: datetime.date) -> str | None:
    """`text` with the year of an earlier answer, when `text` names a month or day but no year.

    After 2010年 and "which part of it?", 6月1号那天 means 2010-06-01, never this year's.
    None when `text` names a year itself, names no date part, or the earlier answer does not
    name exactly one year.
    """
    if not text or not earlier:
        return None
    now = _normalize(text, today)
    if _YEAR_NAMED_RE.search(now) or not _DATE_PART_RE.search(now):
        return None
    year = _the_one_year(_normalize(str(earlier), today))
    if year is None:
        return None
    # the year goes right before each date part: 大概9月份 is 大概2017年9月份, not 2017年大概9月份,
    # which no longer reads as one date; 上半年，三四月 is 2010年上半年，2010年3-4月
    completed = _DATE_PART_RE.sub(lambda part: f"{year}年{part.group()}", now)
    # what is left around the date part once English words are dropped ("in the summer, July")
    return completed.strip(_AROUND_A_DATE)


# --------------------------------------------------------------------------
# "I don't remember"
# --------------------------------------------------------------------------

_UNKNOWN_RE = re.compile(
    r"不记得|记不得|记不清|记不太清|记不起|不太记得|想不起|(?<!没)(?<!没有)忘|"
    r"不清楚|不太清楚|搞不清|弄不清|不知道|没印象|没有印象"
)


# --------------------------------------------------------------------------
# Regex rules: only what jionlp gets wrong or cannot parse
# --------------------------------------------------------------------------

# "<date> 以前/之前/以后/之后/以来/起": jionlp reads 2010年以前 as ending 2010-12-31
# and 2010年6月1日之前 / 2017年1月31日之后 as including the named day, which puts
# them in the wrong period. After normalisation the anchor is plain digits, so
# its year/month/day are read straight from the match.
_BOUND_RE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月份?(?:(?P<d>\d{1,2})[日号]|(?P<end>底|末))?|(?P<yend>底|末))?"
    r"|(?P<ny>\d{4})[-/.](?P<nm>\d{1,2})(?:[-/.](?P<nd>\d{1,2}))?(?!\d)"
    r")\s*(?:的)?\s*(?P<op>以前|之前|前(?!后)|以后|之后|过后|后|以来|起|开始)"
)


def _bound_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """Open interval before/after an absolute year, month or day."""
    year = int(match.group("y") or match.group("ny"))
    month_text = match.group("m") or match.group("nm")
    day_text = match.group("d") or match.group("nd")
    try:
        if month_text is None:
            first, last = _year_span(year, year)
        elif day_text is None:
            first, last = _month_span(year, int(month_text))
        else:
            first = last = datetime.date(year, int(month_text), int(day_text))
    except ValueError:  # 2016年13月: not a date, let jionlp have a go
        return None
    op = match.group("op")
    one_day = datetime.timedelta(days=1)
    if match.group("end") or match.group("yend"):
        # 1月底过后 / 2016年底以后: once that month or year was over; 1月底之前: by its end
        if op in ("以前", "之前", "前"):
            return None, last
        return last + one_day, None
    if op in ("以前", "之前", "前"):
        return None, first - one_day
    if op in ("以后", "之后", "过后", "后") and day_text is not None:
        return last + one_day, None
    return first, None


# Endings that make "N年" a time ago: 八年前, 八年以前, and 备案八年了 (filed
# eight years ago), which jionlp reads as the year 2008 or not at all.
_AGO = r"(?:[以之]?前(?!后)|了)"

# "十几年前" -> "10几年前", "10多年前": jionlp gives 2006..2016 (21 years); the
# FAQ reads it as 10-19 years ago. "N多年前" for other N reads like "N年多前".
_TENS_AGO_RE = re.compile(rf"(?<![\d.])(\d{{1,3}})[几多]年{_AGO}")


def _tens_ago_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """Calendar years N..N+9 ago for 十几/二十几/十多; else like N年多前."""
    count = int(match.group(1))
    if count >= 10 and count % 10 == 0:
        return _year_span(today.year - count - 9, today.year - count)
    return _years_before(today, count + 1), _years_before(today, count)


# "三年多以前": jionlp gives -inf..2023 and "3年多前" just 2023; the FAQ wants the
# year interval between 3 and 4 years ago.
_YEARS_AND_MORE_AGO_RE = re.compile(rf"(?<![\d.])(\d{{1,2}})年多{_AGO}")


def _years_and_more_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """[today - (N+1) years, today - N years]."""
    count = int(match.group(1))
    return _years_before(today, count + 1), _years_before(today, count)


# "二十来年前": about N years ago, two years either way (十来年前 spans 2014 to 2018, and asks).
_ABOUT_YEARS_AGO_RE = re.compile(rf"(?<![\d.])(\d{{1,2}})来年{_AGO}")


def _about_years_ago_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    count = int(match.group(1))
    return _year_span(today.year - count - 2, today.year - count + 2)


# "备案8年了": the calendar year 8 years ago, like 8年前.
_YEARS_SINCE_RE = re.compile(r"(?<![\d.])(\d{1,2})年了")


def _years_since_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """The calendar year today.year - N."""
    year = today.year - int(match.group(1))
    return _year_span(year, year)


# "一两年前" / "2-3年前": jionlp reads 一两 as 12 and fails on 两三 (TypeError).
_RANGE_AGO_RE = re.compile(
    r"(?<![\d.])(\d{1,2})\s*(?:年\s*)?(?:[-~到至、]|或者?)\s*(\d{1,2})\s*年(多)?[以之]?前"
)


def _range_ago_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """Calendar years a..b ago (with 多: up to b+1 years ago)."""
    low, high = sorted((int(match.group(1)), int(match.group(2))))
    if match.group(3):
        return _years_before(today, high + 1), _years_before(today, low)
    return _year_span(today.year - high, today.year - low)


# jionlp raises on 上个月 / 这个月 / 本月.
_LAST_MONTH_RE = re.compile(r"(上上|上)个?月(?!份?[以之]?[前后])")
_THIS_MONTH_RE = re.compile(r"(?:这个?|本)月")


def _last_month_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """The previous (or, for 上上, the one before) calendar month."""
    return _months_before(today, 2 if match.group(1) == "上上" else 1)


def _this_month_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """Today's calendar month."""
    return _months_before(today, 0)


# Vague expressions, which jionlp does not parse at all. Used only when the
# text holds no concrete date (see module docstring).
_DECADES_AGO_RE = re.compile(r"几十年[以之]?前")
_LONG_AGO_RE = re.compile(
    r"(?:很久|好久|很早|好早)(?:以前|之前|前)?|(?:好|很|许)?多年[以之]?前|好些年[以之]?前"
)
_FEW_YEARS_AGO_RE = re.compile(r"好?几年[以之]?前|前(?:几|些)年|早(?:几|些)年")
_LAST_YEARS_RE = re.compile(r"(?:近|这|最近)(几|\d{1,2})年")
_RECENTLY_RE = re.compile(r"最近|近期|近来|前不久|不久前|前段时间|前阵子|前些天|前几天|这几天")
_JUST_NOW_RE = re.compile(r"刚刚|刚才|刚(?=[备做提办弄申交])")


def _last_years_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    """近N年 / 这几年 (几 taken as 5): the last N years up to today."""
    count = 5 if match.group(1) == "几" else int(match.group(1))
    return _years_before(today, count), today


# 年中 of a year: jionlp reads the whole year; people mean around June and July.
_MID_YEAR_RE = re.compile(r"(?<!\d)(\d{4})年(?:的)?年中")


def _mid_year_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    year = int(match.group(1))
    return datetime.date(year, 5, 1), datetime.date(year, 8, 31)


# 还没到2010年年中 / 2010年年中以前: the first half of the year, which holds a month named beside
# it (4月份，还没到年中 is April); 过了年中 / 年中以后, the second half.
_BEFORE_MID_YEAR_RE = re.compile(
    r"(?:还|尚)?(?:没有?|未|不)(?:到|过)(?P<y1>\d{4})年(?:的)?年中|(?<!\d)(?P<y2>\d{4})年(?:的)?年中(?:以前|之前|前)"
)
_AFTER_MID_YEAR_RE = re.compile(
    r"(?:已经?)?过了?(?P<y1>\d{4})年(?:的)?年中|(?<!\d)(?P<y2>\d{4})年(?:的)?年中(?:以后|之后|后)"
)


def _half_year_span(first: bool) -> Callable[[re.Match[str], datetime.date], _Span | None]:
    def span(match: re.Match[str], today: datetime.date) -> _Span | None:
        year = int(match.group("y1") or match.group("y2"))
        if first:
            return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)

    return span


# 2010年3-4月, 2017年1月或2月: jionlp reads only the first month, which hides that 2017年1到2月
# spans two periods.
_MONTH_RANGE_RE = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}})年(?P<m1>\d{{1,2}})月?份?{_MONTH_RANGE_SEPARATOR}(?P<m2>\d{{1,2}})月份?"
)


def _month_range_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    year, first, last = (int(match.group(name)) for name in ("y", "m1", "m2"))
    if not 1 <= first < last <= 12:
        return None
    return _month_span(year, first)[0], _month_span(year, last)[1]


# 零几年 / 九几年 / 一几年 (0几年 once numerals are digits): a decade, the 2000s, 1990s, 2010s.
_DECADE_START = {"0": 2000, "9": 1990, "1": 2010}
_DECADE_RE = re.compile(rf"(?<![\d.])([{''.join(_DECADE_START)}])几年(?!多?[以之]?前|了)")


def _decade_span(match: re.Match[str], today: datetime.date) -> _Span | None:
    first = _DECADE_START[match.group(1)]
    return _year_span(first, first + 9)


# 上世纪末 / 上个世纪: the 1900s (jionlp finds nothing there).
_LAST_CENTURY_RE = re.compile(r"上(?:个)?世纪")

_STRONG_RULES: tuple[_Rule, ...] = (
    (_LAST_CENTURY_RE, lambda m, today: _year_span(1900, 1999)),
    (_MONTH_RANGE_RE, _month_range_span),
    (_DECADE_RE, _decade_span),
    (_BEFORE_MID_YEAR_RE, _half_year_span(first=True)),
    (_AFTER_MID_YEAR_RE, _half_year_span(first=False)),
    (_MID_YEAR_RE, _mid_year_span),
    (_BOUND_RE, _bound_span),
    (_TENS_AGO_RE, _tens_ago_span),
    (_YEARS_AND_MORE_AGO_RE, _years_and_more_span),
    (_ABOUT_YEARS_AGO_RE, _about_years_ago_span),
    (_YEARS_SINCE_RE, _years_since_span),
    (_RANGE_AGO_RE, _range_ago_span),
    (_LAST_MONTH_RE, _last_month_span),
    (_THIS_MONTH_RE, _this_month_span),
)

_WEAK_RULES: tuple[_Rule, ...] = (
    (_DECADES_AGO_RE, lambda m, today: (None, datetime.date(today.year - 10, 12, 31))),
    (_LONG_AGO_RE, lambda m, today: (None, datetime.date(today.year - 2, 12, 31))),
    (_FEW_YEARS_AGO_RE, lambda m, today: _year_span(today.year - 9, today.year - 2)),
    (_LAST_YEARS_RE, _last_years_span),
    (_RECENTLY_RE, lambda m, today: (today - datetime.timedelta(days=180), today)),
    (_JUST_NOW_RE, lambda m, today: (today - datetime.timedelta(days=30), today)),
)

# A time limit (15日内, 三个工作日之内, 2周内, 30天以内): how long the user has, never when they filed.
_DEADLINE_RE = re.compile(
    r"(?<![\d月])(?:\d{1,3}|[一二两三四五六七八九十]{1,3})\s*个?(?:日|天|工作日|周|星期|礼拜|小时|个月)(?:之|以)?内"
)

# 2017年初，1月31号: a month and day of no year; with one year named, they are of that year.
_YEARLESS_MONTH_DAY_RE = re.compile(r"(?<![\d年/.\-])(\d{1,2})月(?:份)?(\d{1,2})(?:[日号]|(?![\d月]))")


def _in_the_year_named(text: str) -> str:
    year = _the_one_year(text)
    if year is None:
        return text
    return _YEARLESS_MONTH_DAY_RE.sub(lambda m: f"{year}年{m.group(1)}月{m.group(2)}日", text)


# 之前1年 / 前一个月 right after a word: counted from what the word names (an event, a
# festival, a date), not from today; after these words (大概前1年, 我们前两年) it is from today.
_OFFSET_FROM_EVENT_RE = re.compile(
    r"(?<=([\u4e00-\u9fff\d]))(?:之|以)?[前后](?:\d+|[一两二三四五六七八九十半几]+)个?(?:年|月|周|星期|礼拜|天|日)"
)
_FROM_TODAY_BEFORE = set("大概约是在就于吧像该多也们我你他她它的")


def _offset_from_event(match: re.Match[str]) -> str:
    if match.group(1) in _FROM_TODAY_BEFORE:
        return match.group()
    # 儿童节前两天: some days from a day named is around that day; 开幕前一个月 says no date
    return "左右" if match.group().endswith(("天", "日")) else _MASK


# Separator put where a rule matched, so later rules and jionlp skip that text.
_MASK = "，"


def _apply_rules(text: str, rules: tuple[_Rule, ...], today: datetime.date, spans: list[_Span]) -> str:
    """Run each rule over ``text``, collect its spans and mask what it consumed."""
    for pattern, to_span in rules:

        def replace(match: re.Match[str], to_span: Callable = to_span) -> str:
            span = to_span(match, today)
            if span is None:
                return match.group()
            spans.append(span)
            return _MASK

        text = pattern.sub(replace, text)
    return text


# --------------------------------------------------------------------------
# jionlp
# --------------------------------------------------------------------------

# jionlp also resolves times of day (上午, 十点, 一点) and holidays (国庆) to the
# current day; those are never a filing date, so an entity must name a day,
# week, month or year to count.
_DATE_WORD_RE = re.compile(r"[年月日号天周]|星期|礼拜|\d{4}|\d[-/.]\d")
# "3月15号", "15号", "秋天": a month, day or season of no year named (NLU may tag 1月31 without
# its 号). jionlp puts them in this year; like a bare "3月", they say no year, and the form asks again.
_NO_YEAR_RE = re.compile(rf"\d{{1,2}}月份?(?:\d{{1,2}}[日号]?)?|\d{{1,2}}[日号]|{_SEASON}[天季]?")
_YEARLESS_MONTH_RANGE_RE = re.compile(r"(?<![\d./-])\d{1,2}-\d{1,2}月份?")


def _parse_bound(value: str) -> datetime.date | None:
    """A jionlp bound ('2011-07-31 23:59:59', '-inf', 'inf') as a date."""
    if value in ("-inf", "inf"):
        return None
    return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").date()


def _jionlp_spans(text: str, today: datetime.date) -> list[_Span]:
    """Time entities that jionlp finds in ``text``, as date spans."""
    base = datetime.datetime(today.year, today.month, today.day)
    try:
        # with a half-width comma jionlp may join the clauses around it into one time (之前,2007年
        # as today); the full-width one, as typed, keeps them apart (same length: offsets hold)
        entities = _jionlp().ner.extract_time(text.replace(",", "，"), time_base=base)
    except (ValueError, TypeError, KeyError, IndexError):  # jionlp rule gaps
        return []
    spans: list[_Span] = []
    for entity in entities:
        bounds = entity.get("detail", {}).get("time")
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, str) for b in bounds)):
            continue  # time_delta ("3天"), periodic or fuzzy ({"year": 8}) results
        if not _DATE_WORD_RE.search(entity.get("text", "")):
            continue
        if _NO_YEAR_RE.fullmatch(entity.get("text", "").strip()):
            continue
        try:
            span = (_parse_bound(bounds[0]), _parse_bound(bounds[1]))
        except ValueError:  # e.g. '16-01-01 00:00:00'
            continue
        if _AFTER_A_FESTIVAL_RE.search(entity.get("text", "")) and span[0] is not None:
            # 2010年国庆节后: the weeks after the festival, in its year (jionlp: until today)
            span = (span[0], datetime.date(span[0].year, 12, 31))
        offset = entity.get("offset") or (0, 0)
        if (
            _BEFORE_A_FESTIVAL_RE.search(entity.get("text", ""))
            and span[0] is None
            and span[1] is not None
            and _JUST_BEFORE_RE.match(text, offset[1])
        ):
            # jionlp's end is the festival itself; before it is the day before
            day_before = span[1] - datetime.timedelta(days=1)
            span = (day_before - datetime.timedelta(days=_JUST_BEFORE_DAYS), day_before)
        around = _AROUND_END_RE.search(entity.get("text", "")) or _AROUND_RE.match(text, offset[1])
        spans.append(_around(span, entity.get("text", "")) if around else span)
    return spans


# A festival and 后 (国庆节后, 春节之后): the weeks after it, not every year since. A month or a
# day and 以后 (2010年6月以后) stays open: that is how people say "from then on".
_FESTIVAL = rf"节|{_NAMED_DAYS}"
_AFTER_A_FESTIVAL_RE = re.compile(rf"(?:{_FESTIVAL})[之以]?后$")
# 春节放假那几天, 国庆长假: the holiday's days, around the festival (2017's Spring Festival week
# crossed 31 January)
_HOLIDAY_WEEK_RE = re.compile(rf"({_FESTIVAL})(?:放假|假期|长假|小长假|黄金周|期间)")
# 圣诞节前那阵, 儿童节前没多久 (Cantonese 嗰排, 嗰阵): the weeks just before the festival, not every
# day of the year up to it (jionlp reads the festival and 前; these words follow it)
_JUST_BEFORE_RE = re.compile(
    r"的?(?:那阵子?|那段(?:时间|日子)?|那会儿?|那时候?|那几天|那几周|几天|几周|那一?排|嗰排|嗰阵|没多久|不久)"
)
_BEFORE_A_FESTIVAL_RE = re.compile(rf"(?:{_FESTIVAL})[之以]?前$")
_JUST_BEFORE_DAYS = 30

# 2017年春节前后 / 左右: some days either side of a day, which may cross a boundary (the
# festival fell on 2017-01-28), where jionlp gives the day alone (and reads 前后 as 前).
_AROUND_RE = re.compile(r"左右|上下")  # right after the date jionlp found
_AROUND_END_RE = re.compile(r"(?:左右|上下)$")  # or the last words of what it found
_AROUND_DAYS = 15
# a day given by its number (5月20号前后) is nearer: a week either side; a festival (春节前后),
# which people say of the weeks around it, keeps the wider margin
_AROUND_A_NUMBERED_DAY_DAYS = 7
_NUMBERED_DAY_RE = re.compile(r"\d{1,2}\s*[日号]")


def _around(span: _Span, said: str) -> _Span:
    start, end = span
    if start is None or end is None or (end - start).days > 2:
        return span
    days = _AROUND_A_NUMBERED_DAY_DAYS if _NUMBERED_DAY_RE.search(said) else _AROUND_DAYS
    margin = datetime.timedelta(days=days)
    return start - margin, end + margin


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def _clamp(span: _Span, today: datetime.date) -> _Span | None:
    """Cut a span at today; drop it if it lies wholly in the future."""
    start, end = span
    end = today if end is None or end > today else end
    if start is not None and end < start:
        return None
    return start, end


def _periods_of(spans: list[_Span]) -> tuple[str, ...]:
    """Every period that at least one span overlaps, in chronological order."""
    found = []
    for period, (p_start, p_end) in zip(PERIODS, _PERIOD_SPANS, strict=True):
        for start, end in spans:
            starts_in_time = start is None or p_end is None or start <= p_end
            ends_in_time = end is None or p_start is None or end >= p_start
            if starts_in_time and ends_in_time:
                found.append(period)
                break
    return tuple(found)


def _within_the_year_named(spans: list[_Span], text: str) -> list[_Span]:
    """jionlp's open spans bounded by the one year the text names: 2017年春节前 is the weeks
    before the festival of 2017 (jionlp: any day before 2017-01-28), not 2008 as well."""
    year = _the_one_year(text)
    if year is None:
        return spans
    bounded = []
    for start, end in spans:
        if start is None and end is not None and end.year == year:
            start = datetime.date(year, 1, 1)
        if end is None and start is not None and start.year == year:
            end = datetime.date(year, 12, 31)
        bounded.append((start, end))
    return bounded


def read_filing_date(text: str, today: datetime.date) -> DateReading:
    """Read the filing date the user gives in ``text``, relative to ``today``.

    Returns ``DateReading()`` when nothing date-like is found (greetings, empty
    or unrelated text). Never raises on odd input.
    """
    if not isinstance(text, str) or not text.strip():
        return DateReading()
    if isinstance(today, datetime.datetime):
        today = today.date()
    normalized = _normalize(text, today)
    unknown = bool(_UNKNOWN_RE.search(normalized))
    if not _YEAR_NAMED_RE.search(normalized):
        # 上半年 / 年底 of no year named: jionlp puts them in this year; they say no year.
        normalized = _PART_OF_YEAR_RE.sub("", normalized)

    # 请于15日内完成整改 (a pasted notice's deadline) is no filing date; jionlp reads it as today.
    normalized = _DEADLINE_RE.sub(_MASK, normalized)
    # 2017年初，1月31号那天: a month or day of no year, beside the one year named, is of that year.
    normalized = _in_the_year_named(normalized)
    # 奥运会之前一年, 开幕前一个月: an offset from an event, which jionlp reads from today.
    normalized = _OFFSET_FROM_EVENT_RE.sub(_offset_from_event, normalized)
    spans: list[_Span] = []
    rest = _apply_rules(normalized, _STRONG_RULES, today, spans)
    # what is left of 3-4月 names no year (jionlp would read 3-4 as March 4th this year)
    rest = _YEARLESS_MONTH_RANGE_RE.sub(_MASK, rest)
    rest = rest.replace("前后", "左右")  # around a day, not before it (jionlp: 春节前)
    rest = _HOLIDAY_WEEK_RE.sub(r"\1左右", rest)
    spans.extend(_within_the_year_named(_jionlp_spans(rest, today), rest))
    spans = [s for s in (_clamp(span, today) for span in spans) if s is not None]
    if not spans:
        weak: list[_Span] = []
        _apply_rules(rest, _WEAK_RULES, today, weak)
        spans = [s for s in (_clamp(span, today) for span in weak) if s is not None]
    return DateReading(periods=_periods_of(_narrowest(spans)), unknown=unknown)


def _contains(outer: _Span, inner: _Span) -> bool:
    """`outer` holds all of `inner` and more (None: open-ended)."""
    (o_start, o_end), (i_start, i_end) = outer, inner
    starts_before = o_start is None or (i_start is not None and o_start <= i_start)
    ends_after = o_end is None or (i_end is not None and i_end <= o_end)
    return starts_before and ends_after and outer != inner


def _narrowest(spans: list[_Span]) -> list[_Span]:
    """Spans that hold no other: 2010年上半年，大概3月 is March, the half year only led up to it.
    Spans side by side (2009年或2011年) are alternatives and all stay; two that overlap in part
    are two things said of one day (1月份，春节前几天: January, and the weeks around the festival),
    so only their overlap stays."""
    spans = [span for span in spans if not any(_contains(span, other) for other in spans)]
    merged: list[_Span] = []
    for span in spans:
        for index, other in enumerate(merged):
            overlap = _overlap(span, other)
            if overlap is not None:
                merged[index] = overlap
                break
        else:
            merged.append(span)
    return merged


def _overlap(first: _Span, second: _Span) -> _Span | None:
    """The days two spans share (None: open-ended), or None when they share none."""
    starts = [day for day in (first[0], second[0]) if day is not None]
    ends = [day for day in (first[1], second[1]) if day is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start is not None and end is not None and end < start:
        return None
    return start, end


# A clause that says when the filing was made: 前年备的案, filed in 2012 (not 网站去年停了).
_FILING_VERB_RE = re.compile(r"备|提交|申请|办的|做的|filed|submitted|registered|applied", re.IGNORECASE)
_CLAUSE_RE = re.compile(r"[，。,.;；!！?？\n]")


def filing_clause(text: str, today: datetime.date | None = None) -> str | None:
    """The one clause of a message that names a filing verb and a date, or None.

    A date found elsewhere in the message (那个网站去年就停了) is not when the user filed, and
    two such clauses are not one answer: the form then asks.
    """
    today = today or datetime.date.today()
    found = [
        clause.strip()
        for clause in _CLAUSE_RE.split(text or "")
        if _FILING_VERB_RE.search(clause) and read_filing_date(clause, today).periods
    ]
    return found[0] if len(found) == 1 else None
