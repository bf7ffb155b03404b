"""Reads a typed answer to one of the assistant's multiple-choice questions.

Buttons send exact values; people also type their answer (网站内容的问题, 查不到了). These
tables map such words to the slot's value when NLU found no entity. The first rule that
matches wins, so the more specific phrases come first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from actions.dates import PERIODS

Rule = tuple[tuple[str, ...], Any]

NOTICE_TYPE_RULES: Sequence[Rule] = (
    (("filing_info_unqualified",), "filing_info_unqualified"),
    (("website_content_unqualified",), "website_content_unqualified"),
    (("网站内容", "内容不合格", "内容违规", "内容不符", "内容"), "website_content_unqualified"),
    (("备案信息", "信息不合格", "信息有误", "信息不对", "主体信息", "信息"), "filing_info_unqualified"),
)

MIIT_RESULT_RULES: Sequence[Rule] = (
    (("entity_without_website", "no_record", "entity_with_other_websites"), None),
    (
        ("无网站信息", "没有网站信息", "只有主体", "无网站", "主体还在", "网站没有了", "网站都没了"),
        "entity_without_website",
    ),
    (("其他网站", "其它网站", "别的网站", "有其他"), "entity_with_other_websites"),
    (
        (
            "无备案信息", "没有备案", "查不到", "查询不到", "无备案", "什么都没", "没有记录",
            "没查到", "没有任何", "都没有", "搜不到", "没有信息",
        ),
        "no_record",
    ),
)  # fmt: skip

MIIT_HAS_RECORD_RULES: Sequence[Rule] = (
    (("查不到", "查询不到", "搜不到", "没查到", "没有了", "没有", "无备案", "不能", "不在"), False),
    (("能查到", "查得到", "查到了", "还有", "仍有", "仍然有", "还是有", "还在", "有的", "能"), True),
)

TRUE_WORDS = ("true", "是", "对", "有", "yes")
FALSE_WORDS = ("false", "否", "不是", "没有", "no")

BEFORE_WORDS = ("之前", "以前", "前面", "早", "前")
AFTER_WORDS = ("之后", "以后", "后面", "晚", "后")
BETWEEN_WORDS = ("之间", "中间", "期间")


def _match(text: str, rules: Iterable[Rule]) -> Any:
    lowered = str(text).strip().lower()
    for words, value in rules:
        for word in words:
            if word in lowered:
                # a rule whose value is None accepts the slot's own values, sent by buttons
                return word if value is None else value
    return None


def notice_type(text: str) -> str | None:
    return _match(text, NOTICE_TYPE_RULES)


def miit_result(text: str) -> str | None:
    return _match(text, MIIT_RESULT_RULES)


def miit_has_record(value: Any) -> bool | None:
    """A bool from a button's `true`/`false`, an entity's value, or typed words."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return _match(text, MIIT_HAS_RECORD_RULES)


def pick_period(text: str, candidates: Sequence[str]) -> str | None:
    """Which of the offered periods a short answer such as 之后 or 前面那个 chose."""
    offered = [period for period in PERIODS if period in candidates]
    if len(offered) < 2:
        return None
    if any(word in text for word in BETWEEN_WORDS) and PERIODS[1] in offered:
        return PERIODS[1]
    if any(word in text for word in AFTER_WORDS):
        return offered[-1]
    if any(word in text for word in BEFORE_WORDS):
        return offered[0]
    return None
