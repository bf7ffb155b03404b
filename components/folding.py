"""The text conversion of components/normalizer.py, apart from Rasa: the NLU pipeline runs it on
every message (ChineseNormalizer), and the action server reads replies through the same
conversion (actions/choices.py) without importing Rasa. See components/normalizer.py.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any


@functools.cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def _same_length(convert: Any, text: str) -> str:
    """``convert(text)``, or character by character where that would change the length."""
    converted = convert(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for char in text:
        one = convert(char)
        chars.append(one if len(one) == 1 else char)
    return "".join(chars)


# Chinese punctuation is full-width by nature and the training data writes it so: it stays, and
# so does the text the actions quote back to the user.
_CHINESE_PUNCTUATION = frozenset("，？！：；（）")


def _nfkc(text: str) -> str:
    return "".join(ch if ch in _CHINESE_PUNCTUATION else unicodedata.normalize("NFKC", ch) for ch in text)


def to_half_width(text: str) -> str:
    """NFKC, keeping the length: full-width letters, digits and symbols to ASCII (２０１６ -> 2016)."""
    return _same_length(_nfkc, text)


class Normalizer:
    """The conversion itself, apart from Rasa, so that it can be used and tested on its own."""

    def __init__(self, opencc_config: str = "t2s", replacements: Mapping[str, str] | None = None) -> None:
        self.opencc_config = opencc_config
        self.replacements = dict(replacements or {})
        for old, new in self.replacements.items():
            if not old or len(old) != len(new):
                from rasa.shared.exceptions import InvalidConfigException  # only to refuse a config

                raise InvalidConfigException(
                    f"ChineseNormalizer: replacement {old!r} -> {new!r} must keep the length "
                    "(entity offsets depend on it)"
                )
        # Longest first, so that 工信布 is replaced before any shorter word inside it.
        self._ordered = sorted(self.replacements.items(), key=lambda item: -len(item[0]))
        # A Latin abbreviation (gxb for 工信部, ba for 备案) only as a word of its own, in any
        # case: never the "ba" inside "database".
        self._words = {
            old: re.compile(rf"(?<![A-Za-z]){re.escape(old)}(?![A-Za-z])", re.IGNORECASE)
            for old in self.replacements
            if old.isascii() and old.isalpha()
        }
        _converter(opencc_config)  # fail at start-up, not on the first message

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = to_half_width(text)
        text = _same_length(_converter(self.opencc_config).convert, text)
        for old, new in self._ordered:
            word = self._words.get(old)
            text = word.sub(new, text) if word else text.replace(old, new)
        return text
