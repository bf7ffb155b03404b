"""Which language the user writes in: the answers stay Chinese, the assistant's own words follow."""

from __future__ import annotations

import re
from typing import Any

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
