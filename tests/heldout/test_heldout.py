"""The held-out set as a test (`make test-heldout`, part of `make test`): the issue's bars.

The project's model is the one `make train` keeps up to date (models/icp-assistant.tar.gz, or
HELDOUT_MODEL); if it is missing or older than config.yml, domain.yml or data/, an NLU model is
trained into a temporary directory instead. The baselines are trained as in `make evaluate`
(scripts/evaluate.py, whose definitions and TARGETS this test shares); the Rasa default
pipeline's predictions are reused from reports/cache/ while nothing they depend on changed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import evaluate as ev
from tests.conftest import ROOT

MODEL = Path(os.environ.get("HELDOUT_MODEL", ROOT / "models" / "icp-assistant.tar.gz"))
PERIODS = ("before_2010_06_01", "2010_06_01_to_2017_01_31", "after_2017_01_31")


def _training_files() -> list[Path]:
    files = [ROOT / "config.yml", ROOT / "domain.yml"]
    return files + [path for path in (ROOT / "data").rglob("*") if path.is_file()]


def _model_is_current() -> bool:
    return MODEL.exists() and all(MODEL.stat().st_mtime >= f.stat().st_mtime for f in _training_files())


@pytest.fixture(scope="module")
def examples() -> list[ev.Example]:
    return ev.load_messages()


@pytest.fixture(scope="module")
def gold(examples: list[ev.Example]) -> list[str]:
    return [example.intent for example in examples]


@pytest.fixture(scope="module")
def project(examples: list[ev.Example], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    texts = [example.text for example in examples]
    model = MODEL
    if not _model_is_current():
        os.chdir(ROOT)
        model, _ = ev.train_rasa_nlu(ROOT / "config.yml", tmp_path_factory.mktemp("model"), "heldout")
    predictions = ev.rasa_predictions("project", ev.parse_with_model(model, texts), None)
    return ev.metrics([e.intent for e in examples], predictions.intents) | {"predictions": predictions}


# --- the sets themselves ---------------------------------------------------------------------


def test_the_message_set_is_big_enough_and_uses_the_contracts_intents(examples: list[ev.Example]) -> None:
    from rasa.shared.core.domain import Domain

    intents = set(Domain.load(str(ROOT / "domain.yml")).intents)
    counts = Counter(example.intent for example in examples)
    assert len(examples) >= ev.MIN_MESSAGES
    assert counts[ev.OUT_OF_SCOPE] >= ev.MIN_OUT_OF_SCOPE
    assert set(counts) <= intents
    assert set(ev.faq_intents()) <= set(counts)
    assert len({example.text for example in examples}) == len(examples)


def test_no_held_out_message_is_a_training_example(examples: list[ev.Example]) -> None:
    assert ev.overlap(examples, ev.training_examples()) == []


def test_the_blind_set_uses_the_contracts_intents_and_no_training_example() -> None:
    from rasa.shared.core.domain import Domain

    blind = ev.load_messages(ev.BLIND_FILE)
    assert len(blind) >= 100
    assert {example.intent for example in blind} <= set(Domain.load(str(ROOT / "domain.yml")).intents)
    assert ev.overlap(blind, ev.training_examples()) == []


def test_the_new_blind_set_is_what_issue_11_asks_for() -> None:
    # At least 300 first messages of every intent, 10 % English and 10 % traditional, and 40
    # conversations; none of them a training example (issue 11).
    from rasa.shared.core.domain import Domain

    from scripts import conversations

    blind = ev.load_messages(ev.BLIND_MESSAGES)
    contract = {*ev.faq_intents(), "inform", "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"}
    assert len(blind) >= 300
    assert {example.intent for example in blind} == contract | {ev.OUT_OF_SCOPE}
    assert contract <= set(Domain.load(str(ROOT / "domain.yml")).intents)
    # "about 10 %": what the helpers wrote held more (blind14: 57 of 502 traditional), but taking
    # out what training or another set holds may leave a little less (43 of 440), and a set once
    # read is not topped up
    assert sum("english" in e.tags for e in blind) >= 0.095 * len(blind)
    assert sum("traditional" in e.tags for e in blind) >= 0.095 * len(blind)
    assert ev.overlap(blind, ev.training_examples()) == []
    talks = conversations.load(ev.BLIND_CONVERSATIONS)
    assert len(talks) >= 40
    from actions import knowledge

    assert {key for talk in talks for key in talk.expect} <= set(knowledge.answer_keys())


def test_the_dev_set_and_the_tuned_conversations_name_real_answers() -> None:
    from actions import knowledge
    from scripts import conversations

    keys = set(knowledge.answer_keys())
    for path in (
        ev.DEV_CONVERSATIONS,
        ev.TUNED_CONVERSATIONS,
        ev.BLIND2_CONVERSATIONS,
        ev.DEV3_CONVERSATIONS,
        ev.DEV5_CONVERSATIONS,
        ev.DEV6_CONVERSATIONS,
        ev.DEV7_CONVERSATIONS,
        ev.BLIND4_CONVERSATIONS,
        ev.DEV8_CONVERSATIONS,
        ev.BLIND5_CONVERSATIONS,
        ev.BLIND6_CONVERSATIONS,
        ev.BLIND7_CONVERSATIONS,
        ev.BLIND8_CONVERSATIONS,
        ev.BLIND9_CONVERSATIONS,
        ev.BLIND10_CONVERSATIONS,
        ev.BLIND11_CONVERSATIONS,
        ev.BLIND12_CONVERSATIONS,
        ev.DEV10_CONVERSATIONS,
        ev.BLIND13_CONVERSATIONS,
        ev.BLIND14_CONVERSATIONS,
        ev.BLIND15_CONVERSATIONS,
        ev.BLIND16_CONVERSATIONS,
    ):
        assert {key for talk in conversations.load(path) for key in talk.expect} <= keys
    for path in ev.TUNED_FILES:
        assert ev.overlap(ev.load_messages(path), ev.training_examples()) == []


def test_ahead_means_strictly_ahead_unless_both_are_perfect() -> None:
    def figures(accuracy: float, macro_f1: float) -> dict[str, float]:
        return {"accuracy": accuracy, "macro_f1": macro_f1}

    assert ev.behind_on(figures(0.95, 0.95), figures(0.95, 0.94)) == ["accuracy"]
    assert ev.behind_on(figures(0.90, 0.90), figures(0.95, 0.95)) == ["accuracy", "macro_f1"]
    assert ev.behind_on(figures(1.0, 1.0), figures(1.0, 1.0)) == []
    assert ev.behind_on(figures(0.99, 1.0), figures(1.0, 1.0)) == ["accuracy"]


def test_harmful_confusions_are_the_ones_issue_11_lists() -> None:
    assert ev.is_harmful("faq_view_filing", "faq_unknown_filing")  # 注销备案 for a user who did not ask
    assert ev.is_harmful("faq_access_cancelled_miit_has_record", "faq_access_cancelled_miit_no_record")
    assert ev.is_harmful("faq_access_cancelled_miit_no_record", "faq_access_cancelled_miit_has_record")
    assert not ev.is_harmful("faq_unknown_filing", "faq_view_filing")
    assert not ev.is_harmful("faq_access_cancelled", "faq_access_cancelled_miit_no_record")  # it asks first
    assert not ev.is_harmful("faq_view_filing", "faq_view_filing")


def test_training_never_reads_the_held_out_set() -> None:
    assert not (ROOT / "tests" / "heldout").is_relative_to(ROOT / "data")
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert "heldout" not in str(config)


def test_the_date_table_is_big_enough_and_new() -> None:
    _, cases = ev.load_dates()
    assert len(cases) >= ev.MIN_DATES
    assert len({case.text for case in cases}) == len(cases)
    assert {case.period for case in cases} <= {*PERIODS, "ask"}
    unit_table = (ROOT / "tests" / "unit" / "test_dates.py").read_text(encoding="utf-8")
    assert [case.text for case in cases if f'"{case.text}"' in unit_table] == []


def test_kept_baseline_predictions_are_reused_only_under_their_fingerprint(tmp_path: Path) -> None:
    """--reuse-rasa-default saves an hour of training; it must never hand back another run's answers."""
    texts = ["你好", "备案在哪看"]
    config = ev.rasa_default_config(ev.RASA_DEFAULT_SEED)
    kept = {
        "train_seconds": 1234.0,
        "parses": [
            {"intent": {"name": name}, "intent_ranking": [{"name": name, "confidence": 0.9}]}
            for name in ("greet", "faq_view_filing")
        ],
    }
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / f"rasa-default-{ev._rasa_default_fingerprint(config, texts)}.json"
    path.write_text(json.dumps(kept), encoding="utf-8")

    reused = ev.rasa_default(texts, tmp_path, cache, reuse=True)
    assert reused.intents == ["greet", "faq_view_filing"]
    assert reused.train_seconds == 1234.0
    assert reused.kept_from == path
    # the run's tables split the predictions per set: the kept mark goes with every part
    assert all(part.kept_from == path for part in ev.split(reused, 1))
    # Other messages have another fingerprint: nothing kept applies to them.
    assert ev._rasa_default_fingerprint(config, [*texts, "再见"]) not in path.name


def test_the_rasa_default_baseline_is_rasas_default_with_jieba_and_a_fixed_seed() -> None:
    import rasa
    from rasa.engine.recipes.default_components import DEFAULT_COMPONENTS

    shipped = yaml.safe_load(
        (Path(rasa.__file__).parent / "engine/recipes/config_files/default_config.yml").read_text()
    )
    ours = yaml.safe_load(ev.rasa_default_config(7))
    assert [c["name"] for c in ours["pipeline"]] == [
        "JiebaTokenizer" if c["name"] == "WhitespaceTokenizer" else c["name"] for c in shipped["pipeline"]
    ]
    assert ours["policies"] == shipped["policies"]
    components = {component.__name__: component for component in DEFAULT_COMPONENTS}
    for mine, theirs in zip(ours["pipeline"], shipped["pipeline"], strict=True):
        draws_a_seed = "random_seed" in components[mine["name"]].get_default_config()
        expected = {**theirs, "name": mine["name"]} | ({"random_seed": 7} if draws_a_seed else {})
        assert mine == expected


def _segment(text: str) -> list[str]:
    import jieba

    return jieba.lcut(text)


def test_the_baseline_is_trained_where_jieba_has_not_loaded_the_projects_words() -> None:
    import jieba

    jieba.load_userdict(str(ROOT / "data" / "jieba" / "userdict.txt"))  # as the project's model does
    assert _segment("接入备案") == ["接入备案"]
    assert ev.in_fresh_process(_segment, "接入备案") != ["接入备案"]


def test_extra_seeds_are_read_from_a_list_and_a_bad_one_is_refused() -> None:
    import argparse

    assert ev._seeds("2, 3,2,1") == (2, 3)
    with pytest.raises(argparse.ArgumentTypeError, match="whole numbers"):
        ev._seeds("2,x")


# --- the date table: every period right, every ambiguous case asks -----------------------------

_TODAY, _DATE_CASES = ev.load_dates()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(reason=case.known_failure, strict=True))
        if case.known_failure
        else case
        for case in _DATE_CASES
    ],
    ids=[case.text for case in _DATE_CASES],
)
def test_date(case: ev.DateCase) -> None:
    assert ev.date_reading(case.text, _TODAY) == case.period


_, _DEV9_DATES = ev.load_dates(ev.DEV9_DATES)
# every answer set's date answers (dev9, dev10), with the day each was written on
_ANSWER_DATES = [
    (today, case)
    for _, dates_file, _ in ev.ANSWER_SETS
    if dates_file.exists()
    for today, cases in [ev.load_dates(dates_file)]
    for case in cases
]


@pytest.mark.parametrize(
    ("today", "case"),
    _ANSWER_DATES,
    ids=[f"{case.after}>{case.text}" if case.after else case.text for _, case in _ANSWER_DATES],
)
def test_date_answer(today: Any, case: ev.DateCase) -> None:
    """Read as a person reads it; a known failure asks again (once read, drop its mark)."""
    got = ev.date_reading(case.text, today, case.after)
    assert got == ("ask" if case.known_failure else case.period)


_DEV9_SLOTS = ev.load_slot_answers()
_ANSWER_SLOTS = [
    answer
    for _, _, slots_file in ev.ANSWER_SETS
    if slots_file.exists()
    for answer in ev.load_slot_answers(slots_file)
]


@pytest.mark.parametrize("answer", _ANSWER_SLOTS, ids=[f"{a.slot}:{a.text}" for a in _ANSWER_SLOTS])
def test_slot_answer(answer: ev.SlotAnswer) -> None:
    """Read as a person reads it; a known failure asks again (once read, drop its mark)."""
    got = ev.slot_reading(answer)
    assert got == (None if answer.known_failure else answer.value)


def test_the_dev9_sets_are_big_enough_and_cover_every_value() -> None:
    assert len(_DEV9_DATES) >= 140
    assert {case.period for case in _DEV9_DATES} == {*PERIODS, "ask"}
    from actions import choices

    values = {(answer.slot, answer.value) for answer in _DEV9_SLOTS}
    assert {(slot, None) for slot in choices.READERS} <= values
    assert {("notice_type", value) for value in choices.NOTICE_TYPES} <= values
    assert {("miit_result", value) for value in choices.MIIT_RESULTS} <= values
    assert {("miit_has_record", True), ("miit_has_record", False)} <= values


def test_the_dev10_sets_hold_narrowings_and_every_value() -> None:
    _, dates = ev.load_dates(ev.DEV10_DATES)
    assert len(dates) >= 120
    assert sum(bool(case.after) for case in dates) >= 30
    assert {case.period for case in dates} == {*PERIODS, "ask"}
    from actions import choices

    answers = ev.load_slot_answers(ev.DEV10_SLOTS)
    values = {(answer.slot, answer.value) for answer in answers}
    assert {(slot, None) for slot in choices.READERS} <= values
    assert {("miit_result", value) for value in choices.MIIT_RESULTS} <= values
    from scripts import conversations

    assert len(conversations.load(ev.DEV10_CONVERSATIONS)) >= 50


# --- the intents: the issue's bars -------------------------------------------------------------


def _misses(examples: list[ev.Example], project: dict[str, Any]) -> str:
    return "\n".join(
        f"{e['text']}: {e['gold']} -> {e['predicted']} ({e['confidence']})"
        for e in ev.errors(examples, project["predictions"])
    )


def test_accuracy(examples: list[ev.Example], project: dict[str, Any]) -> None:
    assert project["accuracy"] >= ev.TARGETS["accuracy"], _misses(examples, project)


def test_macro_f1(examples: list[ev.Example], project: dict[str, Any]) -> None:
    assert project["macro_f1"] >= ev.TARGETS["macro_f1"], _misses(examples, project)


def test_close_out_of_scope_messages_get_no_faq_answer(project: dict[str, Any]) -> None:
    assert project["oos_no_faq_answer"] >= ev.TARGETS["oos_no_faq_answer"]


def test_in_scope_messages_rarely_fall_to_the_fallback(project: dict[str, Any]) -> None:
    assert project["in_scope_fallback"] <= ev.TARGETS["in_scope_fallback"]


def test_ahead_of_the_tfidf_baseline(
    examples: list[ev.Example], gold: list[str], project: dict[str, Any]
) -> None:
    baseline = ev.metrics(gold, ev.tfidf_logreg(ev.training_examples(), [e.text for e in examples]).intents)
    assert ev.behind_on(project, baseline) == [], (project, baseline)


def test_ahead_of_rasas_default_pipeline(
    examples: list[ev.Example], gold: list[str], project: dict[str, Any], tmp_path: Path
) -> None:
    os.chdir(ROOT)
    texts = [e.text for e in examples]
    baseline = ev.metrics(gold, ev.rasa_default(texts, tmp_path, ev.BASELINE_CACHE, reuse=True).intents)
    assert ev.behind_on(project, baseline) == [], (project, baseline)
