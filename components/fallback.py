"""Rasa's FallbackClassifier, which asks more readily between two answers that do harm.

Some confusions cost more than others: 备案信息不认识 is answered with 注销备案 (for some domains
it cannot be undone), and the two access-cancelled questions send the user to opposite
procedures (接入备案 / 线下注销, 首次备案, 新增网站). When the two best intents are such a pair,
the margin the best one needs is ``harmful_ambiguity_threshold`` instead of Rasa's
``ambiguity_threshold``; under it the message becomes ``nlu_fallback`` and
action_ask_which_question offers both questions as buttons. ``intent_thresholds`` raise the
confidence an intent needs on its own, whatever comes second (config.yml says why
faq_unknown_filing needs 0.8). Everything else is Rasa's.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

PAIRS_KEY = "harmful_pairs"
THRESHOLD_KEY = "harmful_ambiguity_threshold"
INTENT_THRESHOLDS_KEY = "intent_thresholds"
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
            INTENT_THRESHOLDS_KEY: {},
            "faq_intents": [],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.pairs = harmful_pairs(config.get(PAIRS_KEY) or [], config.get("faq_intents") or [])
        self.intent_thresholds = intent_thresholds(config.get(INTENT_THRESHOLDS_KEY) or {})

    def _nlu_confidence_below_threshold(self, message: Message) -> tuple[bool, float]:
        below, confidence = super()._nlu_confidence_below_threshold(message)
        name = message.data[INTENT].get(INTENT_NAME_KEY)
        return below or confidence < self.intent_thresholds.get(name, 0.0), confidence

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


def intent_thresholds(thresholds: Any) -> dict[str, float]:
    """The configured minimum confidences, checked: an intent name to a number in [0, 1]."""
    if not isinstance(thresholds, dict):
        raise InvalidConfigException(
            f"{INTENT_THRESHOLDS_KEY}: a mapping of intent to confidence, not {thresholds!r}"
        )
    checked: dict[str, float] = {}
    for name, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise InvalidConfigException(
                f"{INTENT_THRESHOLDS_KEY}: {name} needs a confidence in [0, 1], not {value!r}"
            )
        checked[str(name)] = float(value)
    return checked
