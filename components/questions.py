"""A message that asks something is not an answer: never ``inform`` when it holds a question word.

``inform`` is the user's reply to the assistant's own question (the contract): 2013年, 还在, 网站内容
不合格. A first message that states the same facts and asks what to do (2020年备的案，网站内容不合格
咋整) shares most of its words with such replies, and the classifier may rank ``inform`` first.
No training example of ``inform`` holds a question word (tests/unit/test_question_is_not_inform.py
keeps it so), so when a message does, ``inform`` is taken out of the ranking and the rest is
scaled back to sum as before. The FallbackClassifier, after this component in config.yml, then
asks which question was meant when what is left is unsure.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.language import QUESTION_WORDS  # shared with the actions, which read replies by them


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionIsNotInform(GraphComponent):
    """Takes ``inform`` out of the ranking of a message that holds a question word."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "inform", "question_words": QUESTION_WORDS}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intent = config["intent"]
        self.asks = re.compile(config["question_words"], re.IGNORECASE)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionIsNotInform:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) == self.intent and self.asks.search(message.get(TEXT) or ""):
                self._drop_inform(message)
        return messages

    def _drop_inform(self, message: Message) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        kept = [dict(entry) for entry in ranking if entry.get(INTENT_NAME_KEY) != self.intent]
        total = sum(entry.get(PREDICTED_CONFIDENCE_KEY, 0.0) for entry in ranking)
        left = sum(entry.get(PREDICTED_CONFIDENCE_KEY, 0.0) for entry in kept)
        if not kept or left <= 0:
            return
        for entry in kept:
            entry[PREDICTED_CONFIDENCE_KEY] = entry[PREDICTED_CONFIDENCE_KEY] * total / left
        message.set(INTENT, dict(kept[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, kept, add_to_output=True)
