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

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.folding import Normalizer, to_half_width

__all__ = ["ChineseNormalizer", "Normalizer", "to_half_width"]


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
