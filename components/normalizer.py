"""Folds the ways people write the same Chinese words into one, before jieba tokenizes them.

* Traditional characters become simplified ones (OpenCC, config ``t2s``): 備案資訊 -> 备案资讯.
* Full-width forms become half-width ones (Unicode NFKC): ２０１６年 -> 2016年, ＩＣＰ -> ICP;
  Chinese punctuation (，？！：；（）) stays as the training data writes it.
* A short list of word replacements, set in config.yml, maps Taiwan wording and the common
  typos and homophones of the domain's key words to the words the training data uses
  (资讯 -> 信息, 被案 -> 备案, 公信部 -> 工信部), and the Latin abbreviations of quick typists
  (gxb -> 工信部, ba -> 备案) where they stand as words of their own.

Every step keeps the text's length, character for character, so entity offsets in the training
data stay right and an entity found at inference points at the same place in the user's own
text. A conversion that would change the length (NFKC of ㈱, an OpenCC phrase of another
length) is done character by character instead, and a character whose conversion is not a
single character is left alone.

It runs on the training data and on every message at inference, placed before the tokenizer in
config.yml as ``components.normalizer.ChineseNormalizer``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class ChineseNormalizer(GraphComponent):
    """Rasa graph component: normalises each message's text in place (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"opencc_config": "t2s", "replacements": {}}

    def __init__(self, config: dict[str, Any]) -> None:
        self.normalize = Normalizer(config["opencc_config"], config.get("replacements") or {})

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseNormalizer:
        return cls(config)

    def _normalize_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str) and text:
            message.set(TEXT, self.normalize(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize_message(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalize_message(message)
        return messages
