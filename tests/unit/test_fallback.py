"""The fallback classifier asks more readily between the intents whose confusion does harm."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

from components.fallback import HarmAwareFallbackClassifier, harmful_pairs

FAQ = ["faq_view_filing", "faq_unknown_filing", "faq_access_cancelled_miit_has_record"]


def classify(first: tuple[str, float], second: tuple[str, float], **config: object) -> str:
    component = HarmAwareFallbackClassifier(
        {
            **HarmAwareFallbackClassifier.get_default_config(),
            "threshold": 0.3,
            "ambiguity_threshold": 0.05,
            "harmful_ambiguity_threshold": 0.2,
            "harmful_pairs": [["faq_unknown_filing", "*"]],
            "faq_intents": FAQ,
            **config,
        }
    )
    ranking = [{"name": name, "confidence": confidence} for name, confidence in (first, second)]
    message = Message(data={"text": "x", "intent": dict(ranking[0]), "intent_ranking": ranking})
    component.process([message])
    return message.get("intent")["name"]


def test_a_harmful_pair_closer_than_its_margin_asks() -> None:
    assert classify(("faq_unknown_filing", 0.55), ("faq_view_filing", 0.40)) == "nlu_fallback"
    assert classify(("faq_view_filing", 0.55), ("faq_unknown_filing", 0.40)) == "nlu_fallback"


def test_a_harmless_pair_needs_only_rasas_margin() -> None:
    assert (
        classify(("faq_view_filing", 0.55), ("faq_access_cancelled_miit_has_record", 0.40))
        == "faq_view_filing"
    )


def test_a_harmful_pair_far_enough_apart_is_answered() -> None:
    assert classify(("faq_unknown_filing", 0.75), ("faq_view_filing", 0.20)) == "faq_unknown_filing"


def test_pairs_are_expanded_and_checked() -> None:
    assert frozenset(("faq_unknown_filing", "faq_view_filing")) in harmful_pairs(
        [["faq_unknown_filing", "*"]], FAQ
    )
    with pytest.raises(InvalidConfigException):
        harmful_pairs([["faq_unknown_filing"]], FAQ)


def classify_alone(name: str, confidence: float, thresholds: dict[str, float]) -> str:
    """With a runner-up (goodbye) that forms no harmful pair and is far behind."""
    return classify((name, confidence), ("goodbye", 1 - confidence), intent_thresholds=thresholds)


def test_an_irreversible_answer_needs_its_own_confidence_whatever_comes_second() -> None:
    thresholds = {"faq_unknown_filing": 0.8}
    assert classify_alone("faq_unknown_filing", 0.75, thresholds) == "nlu_fallback"
    assert classify_alone("faq_unknown_filing", 0.85, thresholds) == "faq_unknown_filing"
    assert classify_alone("faq_view_filing", 0.75, thresholds) == "faq_view_filing"
    assert classify_alone("faq_view_filing", 0.25, thresholds) == "nlu_fallback"  # Rasa's own threshold


@pytest.mark.parametrize("thresholds", [["faq_unknown_filing"], {"faq_unknown_filing": 1.5}, {"x": "high"}])
def test_intent_thresholds_are_checked(thresholds: object) -> None:
    with pytest.raises(InvalidConfigException):
        HarmAwareFallbackClassifier(
            {**HarmAwareFallbackClassifier.get_default_config(), "intent_thresholds": thresholds}
        )
