"""Rasa's FallbackClassifier, which asks more readily between two answers that do harm.

Some confusions cost more than others: 备案信息不认识 is answered with 注销备案 (for some domains
it cannot be undone), and the two access-cancelled questions send the user to opposite
procedures (接入备案 / 线下注销, 首次备案, 新增网站). When the two best intents are such a pair,
the margin the best one needs is ``harmful_ambiguity_threshold`` instead of Rasa's
``ambiguity_threshold``; under it the message becomes ``nlu_fallback`` and
action_ask_which_question offers both questions as buttons. Everything else is Rasa's.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

PAIRS_KEY = "harmful_pairs"
THRESHOLD_KEY = "harmful_ambiguity_threshold"
ANY = "*"  # in a pair: any other intent listed in `faq_intents`


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class HarmAwareFallbackClassifier(FallbackClassifier):
    """A wider ambiguity margin for the intent pairs listed as harmful."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **FallbackClassifier.get_default_config(),
            PAIRS_KEY: [],
            THRESHOLD_KEY: 0.0,
            "faq_intents": [],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.pairs = harmful_pairs(config.get(PAIRS_KEY) or [], config.get("faq_intents") or [])

    def _nlu_prediction_ambiguous(self, message: Message) -> tuple[bool, float | None]:
        ambiguous, difference = super()._nlu_prediction_ambiguous(message)
        if ambiguous or difference is None:
            return ambiguous, difference
        ranking = message.data.get(INTENT_RANKING_KEY, [])
        best_two = frozenset(intent.get(INTENT_NAME_KEY) for intent in ranking[:2])
        if best_two in self.pairs and difference < self.component_config[THRESHOLD_KEY]:
            return True, difference
        return False, difference


def harmful_pairs(pairs: list[list[str]], faq_intents: list[str]) -> set[frozenset[str]]:
    """The configured pairs, ``[intent, "*"]`` expanded to the intent with every other FAQ intent."""
    expanded: set[frozenset[str]] = set()
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise InvalidConfigException(f"{PAIRS_KEY}: each entry is a list of two intents, not {pair!r}")
        first, second = pair
        others = [intent for intent in faq_intents if intent != first] if second == ANY else [second]
        expanded |= {frozenset((first, other)) for other in others}
    return expanded
