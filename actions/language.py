"""Which language the user writes in: the answers stay Chinese, the assistant's own words follow."""

from __future__ import annotations

import re
from typing import Any

# Words that ask; not 什么 / 啥 / 吗 / a question mark, which replies use too (什么都没有, 2013年吧？).
# Read on simplified text (after the normaliser, which also turns Cantonese 点样 / 点解 into
# 怎样 / 为何).
QUESTION_WORDS = (
    r"怎么|如何|咋|怎样|要不要|该不该|能不能|可不可以|是否|为什么|为何"
    r"|\bwhy\b|\bhow\b|what\s+(?:should|do|now|to\s+do|next)|what(?:'s|\s+is|\s+are)\s+the\b"
)
_ASKS = re.compile(QUESTION_WORDS, re.IGNORECASE)


def asks(text: str) -> bool:
    """Whether simplified text holds a word that asks something."""
    return bool(_ASKS.search(text or ""))


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Words that read the same in a Chinese message (ICP备案, MIIT) and say nothing of the language.
_NEUTRAL = {"icp", "miit", "ok", "id", "url", "dns", "ssl", "ecs"}


def language_of(text: str) -> str | None:
    """'zh' or 'en', or None for text that names no language (2012, 😀, /inform{...})."""
    if not text or text.lstrip().startswith("/"):
        return None
    if _CJK.search(text):
        return "zh"
    words = [word for word in _LATIN_WORD.findall(text) if word.lower() not in _NEUTRAL]
    return "en" if words else None


def writes_english(events: list[dict[str, Any]]) -> bool:
    """Whether the user's latest message that names a language is English."""
    for event in reversed(events):
        if event.get("event") == "user":
            language = language_of(event.get("text") or "")
            if language:
                return language == "en"
    return False
