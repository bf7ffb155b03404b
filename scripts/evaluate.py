"""Measures the assistant's NLU on the held-out set (tests/heldout/), side by side with two baselines.

    .venv/bin/python scripts/evaluate.py            # what `make evaluate` runs

Trains, on data/nlu only, and each into a temporary directory:

* ``project``: the pipeline of config.yml;
* ``rasa-default``: Rasa 3.6's default configuration (rasa/engine/recipes/config_files/
  default_config.yml) with JiebaTokenizer in place of WhitespaceTokenizer, which Rasa refuses for
  ``zh``, as written out in bench/config.default.yml, and a fixed random seed (RASA_DEFAULT_SEED);
  ``--rasa-default-seeds`` trains it with other seeds too, to show how much it varies;
* ``tfidf-logreg``: scikit-learn, TF-IDF of character 1-3-grams and a logistic regression.

Then parses tests/heldout/messages.yml with each, prints one table (accuracy, macro-F1,
out-of-scope precision and recall, and the rates the targets are about), the same table for the
blind set tests/heldout/blind.yml (written without seeing the training data, messages.yml or the
model's errors; reported only: no target, and nothing is tuned on it), checks the date table
tests/heldout/dates.yml against actions/dates.py, and writes under reports/ (ignored by git):
confusion_matrix.png, confidence_histogram.png and intent_report.json.

Exits non-zero when a target of the issue is missed (TARGETS below), so that `make evaluate`
reproduces them or says which one failed. tests/heldout/test_heldout.py imports this module and
asserts the same targets on the trained model of `make train`.

Definitions (the same everywhere):

* a prediction is the intent the assistant acts on: ``nlu_fallback`` when the FallbackClassifier
  fires, which is never a correct label;
* accuracy and macro-F1 are over the labelled intents (macro-F1 averages the F1 of every intent
  present in the held-out set, out_of_scope included);
* a message is *declined* when the prediction is ``out_of_scope`` or ``nlu_fallback``;
  out-of-scope precision = declined messages that are out of scope / declined messages,
  out-of-scope recall = declined out-of-scope messages / out-of-scope messages;
* a close out-of-scope message gets *no FAQ answer* when the prediction is not one of the eight
  FAQ intents (the target: at least 90%);
* an in-scope message *falls to the fallback* when the prediction is ``nlu_fallback``
  (the target: at most 2%).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import datetime
import hashlib
import io
import json
import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
HELDOUT_DIR = ROOT / "tests" / "heldout"
MESSAGES_FILE = HELDOUT_DIR / "messages.yml"
# Written in session 3 from the FAQ and the contract alone; its errors were studied since (the
# English questions it showed missing were added to data/), so it is a tuned set now.
BLIND_FILE = HELDOUT_DIR / "blind.yml"
# The first blind set of issue 11 (a helper that read only the FAQ and the contract): its figures
# were quoted once, from its first run (commit af4d3a2); its errors were studied after that, so it
# is a tuned set now.
BLIND2_DIR = HELDOUT_DIR / "blind2"
BLIND2_FILE = BLIND2_DIR / "first_messages.yml"
BLIND2_CONVERSATIONS = BLIND2_DIR / "conversations.yml"
# The blind set of issue 11 now: written the same way (session 15, while blind16 was first read;
# WRITING.md), never trained on, and its errors never printed (README "Measuring the NLU"). Once its
# errors are studied to change the assistant, say so here and write the next one before a blind
# figure is quoted again.
BLIND_SET = "blind17"
BLIND_STATUS = "blind: written from the FAQ and the contract alone, its errors never studied"
BLIND_DIR = HELDOUT_DIR / BLIND_SET
BLIND_MESSAGES = BLIND_DIR / "first_messages.yml"
BLIND_CONVERSATIONS = BLIND_DIR / "conversations.yml"
# An earlier blind set (session 5): its errors were never printed either, but its figures were
# read sixteen times while the assistant changed, so it is printed beside the blind set, not quoted alone.
EARLIER_BLIND_SET = "blind3"
EARLIER_BLIND_STATUS = "read sixteen times before blind17 was written, its errors never studied"
EARLIER_BLIND_MESSAGES = HELDOUT_DIR / EARLIER_BLIND_SET / "first_messages.yml"
EARLIER_BLIND_CONVERSATIONS = HELDOUT_DIR / EARLIER_BLIND_SET / "conversations.yml"
TUNED_CONVERSATIONS = HELDOUT_DIR / "conversations.yml"
# Written like blind2 (from the FAQ and the contract alone) to develop against: its errors are
# studied and the assistant tuned on it, so its figures are tuned ones.
DEV_DIR = HELDOUT_DIR / "dev"
DEV_FILE = DEV_DIR / "first_messages.yml"
DEV_CONVERSATIONS = DEV_DIR / "conversations.yml"
# Written the same way in session 5, to study (the hard cases: two topics, negations, fragments).
DEV2_FILE = HELDOUT_DIR / "dev2" / "first_messages.yml"
# And in session 6 (ticket-style stories, voice-input typos, facts without a question), with
# conversations; studied like dev2.
DEV3_DIR = HELDOUT_DIR / "dev3"
DEV3_FILE = DEV3_DIR / "first_messages.yml"
DEV3_CONVERSATIONS = DEV3_DIR / "conversations.yml"
# And again (six writer profiles: terse phone users, IT contractors, quoted notices ...).
DEV4_FILE = HELDOUT_DIR / "dev4" / "first_messages.yml"
# And in session 7, by the brief of blind4 (tests/heldout/WRITING.md), with conversations (three
# sets, other writer profiles each).
DEV5_DIR = HELDOUT_DIR / "dev5"
DEV5_FILE = DEV5_DIR / "first_messages.yml"
DEV5_CONVERSATIONS = DEV5_DIR / "conversations.yml"
DEV6_DIR = HELDOUT_DIR / "dev6"
DEV6_FILE = DEV6_DIR / "first_messages.yml"
DEV6_CONVERSATIONS = DEV6_DIR / "conversations.yml"
DEV7_DIR = HELDOUT_DIR / "dev7"
DEV7_FILE = DEV7_DIR / "first_messages.yml"
DEV7_CONVERSATIONS = DEV7_DIR / "conversations.yml"
# blind4, the blind set of session 7: its first reading was quoted (commit eeca568), then its
# errors were studied in session 8, so it is a tuned set from then on.
BLIND4_DIR = HELDOUT_DIR / "blind4"
BLIND4_FILE = BLIND4_DIR / "first_messages.yml"
BLIND4_CONVERSATIONS = BLIND4_DIR / "conversations.yml"
# And in session 8, by the same brief, with ten more writer profiles (keyword fragments, pinyin
# initials, mixed Chinese and English, agencies, long stories, formal elders, northern slang ...).
DEV8_DIR = HELDOUT_DIR / "dev8"
DEV8_FILE = DEV8_DIR / "first_messages.yml"
DEV8_CONVERSATIONS = DEV8_DIR / "conversations.yml"
# blind5, the blind set of session 8: its first reading was quoted (commit e86afe4), then its
# errors were studied in session 9, so it is a tuned set from then on.
BLIND5_DIR = HELDOUT_DIR / "blind5"
BLIND5_FILE = BLIND5_DIR / "first_messages.yml"
BLIND5_CONVERSATIONS = BLIND5_DIR / "conversations.yml"
# blind6, the first blind set of session 9: its first reading was quoted (commit 9790e97), then
# its errors were studied in the same session, so it is a tuned set from then on.
BLIND6_DIR = HELDOUT_DIR / "blind6"
BLIND6_FILE = BLIND6_DIR / "first_messages.yml"
BLIND6_CONVERSATIONS = BLIND6_DIR / "conversations.yml"
# blind7, written in session 9 once blind6 was read: its first reading was quoted (session 10,
# commit b2674ff), then its errors were studied in the same session, so it is a tuned set from then on.
BLIND7_DIR = HELDOUT_DIR / "blind7"
BLIND7_FILE = BLIND7_DIR / "first_messages.yml"
BLIND7_CONVERSATIONS = BLIND7_DIR / "conversations.yml"
# blind8, written in session 10 while blind7 was read: its first reading was quoted (session 10,
# commit d54a47c), then its errors were studied in session 11, so it is a tuned set from then on.
BLIND8_DIR = HELDOUT_DIR / "blind8"
BLIND8_FILE = BLIND8_DIR / "first_messages.yml"
BLIND8_CONVERSATIONS = BLIND8_DIR / "conversations.yml"
# blind9, written in session 11 after blind8's first reading: its first reading was quoted (commit
# 706c73e), then its errors were studied in the same session, so it is a tuned set from then on.
BLIND9_DIR = HELDOUT_DIR / "blind9"
BLIND9_FILE = BLIND9_DIR / "first_messages.yml"
BLIND9_CONVERSATIONS = BLIND9_DIR / "conversations.yml"
# blind10, written in session 11 while blind9 was studied: its first reading was quoted (commit
# cec808d), then its errors were studied in session 12, so it is a tuned set from then on.
BLIND10_DIR = HELDOUT_DIR / "blind10"
BLIND10_FILE = BLIND10_DIR / "first_messages.yml"
BLIND10_CONVERSATIONS = BLIND10_DIR / "conversations.yml"
# blind11, written in session 12 while blind10 was studied: its first reading was quoted (commit
# 85cca05), then its errors were studied in the same session, so it is a tuned set from then on.
BLIND11_DIR = HELDOUT_DIR / "blind11"
BLIND11_FILE = BLIND11_DIR / "first_messages.yml"
BLIND11_CONVERSATIONS = BLIND11_DIR / "conversations.yml"
# blind12, written in session 12 while blind11 was studied: its first reading was quoted (commit
# 2c0afae), then its errors were studied in session 13, so it is a tuned set from then on.
BLIND12_DIR = HELDOUT_DIR / "blind12"
BLIND12_FILE = BLIND12_DIR / "first_messages.yml"
BLIND12_CONVERSATIONS = BLIND12_DIR / "conversations.yml"
# blind13, written in session 13 after blind12's first reading: its first reading was quoted (commit
# dabe9a4), then its errors were studied in the same session, so it is a tuned set from then on.
BLIND13_DIR = HELDOUT_DIR / "blind13"
BLIND13_FILE = BLIND13_DIR / "first_messages.yml"
BLIND13_CONVERSATIONS = BLIND13_DIR / "conversations.yml"
# blind14, written in session 13 after blind13's first reading: its first reading was quoted (commit
# 818e7ba), then its errors were studied in session 14, so it is a tuned set from then on.
BLIND14_DIR = HELDOUT_DIR / "blind14"
BLIND14_FILE = BLIND14_DIR / "first_messages.yml"
BLIND14_CONVERSATIONS = BLIND14_DIR / "conversations.yml"
# blind15, written in session 14 while blind14 was studied: its first reading was quoted (commit
# 3f9e8ec), then its errors were studied in the same session, so it is a tuned set from then on.
BLIND15_DIR = HELDOUT_DIR / "blind15"
BLIND15_FILE = BLIND15_DIR / "first_messages.yml"
BLIND15_CONVERSATIONS = BLIND15_DIR / "conversations.yml"
# blind16, written in session 14 while blind15 was read: its first reading was quoted (commit
# cf348df), then its errors were studied in session 15, so it is a tuned set from then on.
BLIND16_DIR = HELDOUT_DIR / "blind16"
BLIND16_FILE = BLIND16_DIR / "first_messages.yml"
BLIND16_CONVERSATIONS = BLIND16_DIR / "conversations.yml"
# The second tuned set: the first messages written from the FAQ alone whose errors were studied.
TUNED_FILES = (
    BLIND_FILE,
    DEV_FILE,
    BLIND2_FILE,
    DEV2_FILE,
    DEV3_FILE,
    DEV4_FILE,
    DEV5_FILE,
    DEV6_FILE,
    DEV7_FILE,
    BLIND4_FILE,
    DEV8_FILE,
    BLIND5_FILE,
    BLIND6_FILE,
    BLIND7_FILE,
    BLIND8_FILE,
    BLIND9_FILE,
    BLIND10_FILE,
    BLIND11_FILE,
    BLIND12_FILE,
    BLIND13_FILE,
    BLIND14_FILE,
    BLIND15_FILE,
    BLIND16_FILE,
)
DATES_FILE = HELDOUT_DIR / "dates.yml"
# Written in session 11 from the FAQ and the contract alone, to study (tuned): answers to "when was
# the filing submitted?" and typed answers to the form's multiple-choice questions.
DEV9_DATES = HELDOUT_DIR / "dev9" / "date_answers.yml"
DEV9_SLOTS = HELDOUT_DIR / "dev9" / "slot_answers.yml"
# Written in session 13 the same way, with replies that narrow a year given before (after:).
DEV10_DATES = HELDOUT_DIR / "dev10" / "date_answers.yml"
DEV10_SLOTS = HELDOUT_DIR / "dev10" / "slot_answers.yml"
DEV10_CONVERSATIONS = HELDOUT_DIR / "dev10" / "conversations.yml"
ANSWER_SETS = (("dev9", DEV9_DATES, DEV9_SLOTS), ("dev10", DEV10_DATES, DEV10_SLOTS))
NLU_DATA = ROOT / "data" / "nlu"
DOMAIN = ROOT / "domain.yml"
CONFIG = ROOT / "config.yml"
REPORTS = ROOT / "reports"
BASELINE_CACHE = REPORTS / "cache"
# Part of the cache key: change it when the way the baseline is trained changes, so that no
# prediction made the old way is reused ("fresh process": before, it shared jieba's dictionary).
BASELINE_RECIPE = "fresh process"


def faq_intents() -> tuple[str, ...]:
    """The FAQ's questions (knowledge/questions.yml)."""
    from actions import knowledge

    return tuple(knowledge.questions())


OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
DECLINED = (OUT_OF_SCOPE, FALLBACK)

# The bars on the held-out set.
TARGETS = {
    "accuracy": 0.97,
    "macro_f1": 0.97,
    "oos_no_faq_answer": 0.90,  # at least
    "in_scope_fallback": 0.02,  # at most
    "dates": 1.0,
}
# Issue 11's bars, on the blind set (first messages and conversations).
BLIND_TARGETS = {
    "accuracy": 0.97,
    "accuracy_zh": 0.98,
    "accuracy_en": 0.90,
    "macro_f1": 0.97,
    "conversations": 0.97,
    "harmful": 0,  # at most, first messages and conversations alike
}
# Confusions that send a user to a wrong or irreversible procedure (issue 11): 注销备案 answers
# faq_unknown_filing, so taking any other question for it is harmful; Q5 and Q6 part ways.
IRREVERSIBLE_INTENTS = ("faq_unknown_filing",)
HARMFUL_SWAPS = (frozenset(("faq_access_cancelled_miit_has_record", "faq_access_cancelled_miit_no_record")),)
MIN_MESSAGES = 150
MIN_OUT_OF_SCOPE = 30
MIN_DATES = 60

# Rasa 3.6's default configuration with JiebaTokenizer, the peer of `make bench` too (one copy),
# and one setting added: a fixed random seed. Rasa's own default (random_seed: None) makes DIET a
# different classifier at every training (over seeds 1 to 5: 0.950 to 0.970 accuracy on the
# held-out set), so "ahead of it in the same run" depended on the draw. The seed was fixed
# before looking at its score (the first one tried); `--rasa-default-seeds` shows the spread.
RASA_DEFAULT_FILE = ROOT / "bench" / "config.default.yml"
RASA_DEFAULT_SEED = 1
SEEDED_COMPONENTS = ("DIETClassifier", "ResponseSelector")


# --------------------------------------------------------------------------------------------
# The held-out data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DateCase:
    text: str
    period: str  # one of actions.dates.PERIODS, or "ask"
    known_failure: str = ""
    after: str = ""  # the year answered before, which this reply narrows down (2010年, then 儿童节)


@dataclass(frozen=True)
class SlotAnswer:
    slot: str  # notice_type, miit_has_record or miit_result
    value: Any  # what the words say, or None: no safe choice, ask again
    text: str
    known_failure: str = ""


def load_slot_answers(path: Path = DEV9_SLOTS) -> list[SlotAnswer]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        SlotAnswer(str(item["slot"]), item["value"], str(item["text"]), str(item.get("known_failure") or ""))
        for item in data["answers"]
    ]


def slot_reading(answer: SlotAnswer) -> Any:
    """What the form makes of a typed answer to the question it asked (actions/choices.py)."""
    from actions import choices

    return choices.READERS[answer.slot](answer.text)


LANGUAGE_TAGS = {"en": ("english",), "zh-hant": ("traditional",), "zh": ()}


def load_messages(path: Path = MESSAGES_FILE) -> list[Example]:
    """A held-out file: `tags` name the style, `lang` (blind2/ and later) the language."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Example(
            str(item["text"]),
            str(item["intent"]),
            tuple(item.get("tags") or ()) + LANGUAGE_TAGS.get(str(item.get("lang", "zh")), ()),
        )
        for item in data["messages"]
    ]


def is_harmful(gold: str, predicted: str) -> bool:
    """Whether acting on `predicted` for a message meaning `gold` sends the user the wrong way."""
    if predicted == gold:
        return False
    return predicted in IRREVERSIBLE_INTENTS or frozenset((gold, predicted)) in HARMFUL_SWAPS


def load_dates(path: Path = DATES_FILE) -> tuple[datetime.date, list[DateCase]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = data["today"]
    if not isinstance(today, datetime.date):
        today = datetime.date.fromisoformat(str(today))
    cases = [
        DateCase(
            str(item["text"]),
            str(item["period"]),
            str(item.get("known_failure") or ""),
            str(item.get("after") or ""),
        )
        for item in data["dates"]
    ]
    return today, cases


def training_examples(nlu_data: Path = NLU_DATA) -> list[Example]:
    """The intent examples of data/nlu, as plain text (entity annotations removed)."""
    from rasa.shared.nlu.training_data.loading import load_data

    with _quiet():
        data = load_data(str(nlu_data))
    return [
        Example(message.get("text"), message.get("intent"))
        for message in data.intent_examples
        if message.get("text") and message.get("intent")
    ]


def comparable(text: str) -> str:
    """A message's text for the overlap check: simplified, half-width, lower case, no punctuation."""
    from components.normalizer import Normalizer

    text = Normalizer("t2s")(text).lower()
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z", "S")))


def overlap(heldout: Iterable[Example], training: Iterable[Example]) -> list[str]:
    """Held-out messages that are also training examples, once normalised."""
    seen = {comparable(example.text) for example in training}
    return [example.text for example in heldout if comparable(example.text) in seen]


# --------------------------------------------------------------------------------------------
# Systems
# --------------------------------------------------------------------------------------------


@dataclass
class Predictions:
    """What one system made of the held-out messages."""

    name: str
    intents: list[str]
    confidences: list[float]  # of the best intent before any fallback
    train_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # one item per text, like intents
    kept_from: Path | None = None  # the cache file, when an earlier run's predictions were reused


@contextlib.contextmanager
def _quiet() -> Iterable[None]:
    """Keeps Rasa's and TensorFlow's chatter out of the table."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # Rasa then hides DIET's progress bars
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # Rasa 3.6 uses SQLAlchemy 1.4
    import jieba

    jieba.setLogLevel(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    levels = {name: logging.getLogger(name).level for name in ("rasa", "tensorflow", "absl", "jieba")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def train_rasa_nlu(config: Path, out_dir: Path, name: str) -> tuple[Path, float]:
    """Trains an NLU-only model on data/nlu; returns its path and the wall-clock seconds."""
    with _quiet():
        from rasa.model_training import train_nlu

    start = time.perf_counter()
    # Rasa's training cache (.rasa/cache) would reuse components trained before with the same
    # config and data: off, so that every run trains from scratch and the time is the real one.
    cache_size = os.environ.get("RASA_MAX_CACHE_SIZE")
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    try:
        with _quiet(), contextlib.redirect_stdout(io.StringIO()):
            path = train_nlu(
                config=str(config),
                nlu_data=str(NLU_DATA),
                output=str(out_dir),
                fixed_model_name=name,
                domain=str(DOMAIN),
            )
    finally:
        if cache_size is None:
            os.environ.pop("RASA_MAX_CACHE_SIZE", None)
        else:
            os.environ["RASA_MAX_CACHE_SIZE"] = cache_size
    if not path:
        raise RuntimeError(f"training {config} produced no model")
    return Path(path), time.perf_counter() - start


def parse_with_model(model: Path, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Parses each text with a trained Rasa model, as the Rasa server would."""
    from rasa.core.agent import Agent

    with _quiet():
        agent = Agent.load(str(model))

        async def parse_all() -> list[dict[str, Any]]:
            return [await agent.parse_message(text) for text in texts]

        return asyncio.run(parse_all())


def rasa_predictions(name: str, parses: Sequence[dict[str, Any]], seconds: float | None) -> Predictions:
    intents, confidences = [], []
    for parse in parses:
        intents.append((parse.get("intent") or {}).get("name") or FALLBACK)
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        confidences.append(float(ranking[0]["confidence"]) if ranking else 0.0)
    return Predictions(name, intents, confidences, seconds, {"parses": list(parses)})


def rasa_default_config(seed: int = RASA_DEFAULT_SEED) -> str:
    """bench/config.default.yml with ``random_seed`` set on the components that draw one."""
    config = yaml.safe_load(RASA_DEFAULT_FILE.read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] in SEEDED_COMPONENTS:
            component["random_seed"] = seed
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _rasa_default_fingerprint(config: str, texts: Sequence[str]) -> str:
    """What the Rasa default baseline's predictions depend on: its config, data/nlu, the texts, Rasa,
    and how it is trained (BASELINE_RECIPE)."""
    import rasa

    digest = hashlib.sha256()
    for part in (BASELINE_RECIPE, config, rasa.__version__, *texts):
        digest.update(part.encode("utf-8") + b"\0")
    for path in sorted(NLU_DATA.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def in_fresh_process(function: Callable[..., T], *args: Any) -> T:
    """Runs ``function(*args)`` in a new Python process and returns its result.

    For Rasa's default pipeline: JiebaTokenizer loads a user dictionary into jieba's one global
    tokenizer, so after this process has trained or loaded the project's model (data/jieba), a
    baseline trained here would segment with the project's words too.
    """
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def _train_and_parse(
    config: Path, work_dir: Path, name: str, texts: list[str]
) -> tuple[list[dict[str, Any]], float]:
    model, seconds = train_rasa_nlu(config, work_dir, name)
    return parse_with_model(model, texts), seconds


def rasa_default_name(seed: int) -> str:
    return "rasa-default" if seed == RASA_DEFAULT_SEED else f"rasa-default-seed-{seed}"


def rasa_default(
    texts: Sequence[str],
    work_dir: Path,
    cache_dir: Path | None,
    reuse: bool,
    seed: int = RASA_DEFAULT_SEED,
) -> Predictions:
    """Trains Rasa's default pipeline (JiebaTokenizer) with ``seed`` and parses ``texts``.

    Training it takes minutes (DIET, 100 epochs), so the predictions are kept in ``cache_dir``
    under a fingerprint of everything they depend on; with ``reuse`` a kept result is used.
    """
    text = rasa_default_config(seed)
    name = rasa_default_name(seed)
    cache = cache_dir / f"rasa-default-{_rasa_default_fingerprint(text, texts)}.json" if cache_dir else None
    if reuse and cache is not None and cache.exists():
        kept = json.loads(cache.read_text(encoding="utf-8"))
        return replace(rasa_predictions(name, kept["parses"], kept["train_seconds"]), kept_from=cache)
    config = work_dir / f"{name}.yml"
    config.write_text(text, encoding="utf-8")
    parses, seconds = in_fresh_process(_train_and_parse, config, work_dir, name, list(texts))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        kept = {"train_seconds": seconds, "parses": parses}
        cache.write_text(json.dumps(kept, ensure_ascii=False, default=str), encoding="utf-8")
    return rasa_predictions(name, parses, seconds)


def tfidf_logreg(training: Sequence[Example], texts: Sequence[str]) -> Predictions:
    """The scikit-learn baseline: character 1-3-gram TF-IDF and a logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    start = time.perf_counter()
    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=2000),
    )
    model.fit([e.text for e in training], [e.intent for e in training])
    seconds = time.perf_counter() - start
    probabilities = model.predict_proba(list(texts))
    classes = model.classes_
    best = probabilities.argmax(axis=1)
    return Predictions(
        "tfidf-logreg",
        [str(classes[i]) for i in best],
        [float(p[i]) for p, i in zip(probabilities, best, strict=True)],
        seconds,
    )


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def split(predictions: Predictions, first: int) -> tuple[Predictions, Predictions]:
    """The predictions of the first ``first`` texts, and those of the rest."""

    def part(chosen: slice) -> Predictions:
        return replace(
            predictions,
            intents=predictions.intents[chosen],
            confidences=predictions.confidences[chosen],
            extra={key: value[chosen] for key, value in predictions.extra.items()},
        )

    return part(slice(None, first)), part(slice(first, None))


def metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """The numbers of the table (see the module docstring for their definitions)."""
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    labels = sorted(set(gold))
    oos = [g == OUT_OF_SCOPE for g in gold]
    declined = [p in DECLINED for p in predicted]
    declined_oos = sum(d and o for d, o in zip(declined, oos, strict=True))
    in_scope = [p for g, p in zip(gold, predicted, strict=True) if g != OUT_OF_SCOPE]
    oos_predictions = [p for g, p in zip(gold, predicted, strict=True) if g == OUT_OF_SCOPE]
    return {
        "n": len(gold),
        "accuracy": accuracy_score(gold, predicted),
        "macro_f1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0),
        "oos_precision": declined_oos / sum(declined) if any(declined) else 0.0,
        "oos_recall": declined_oos / sum(oos) if any(oos) else 0.0,
        "oos_no_faq_answer": (
            sum(p not in faq_intents() for p in oos_predictions) / len(oos_predictions)
            if oos_predictions
            else 0.0
        ),
        "in_scope_fallback": sum(p == FALLBACK for p in in_scope) / len(in_scope) if in_scope else 0.0,
        "harmful": sum(is_harmful(g, p) for g, p in zip(gold, predicted, strict=True)),
        "per_intent": classification_report(
            gold, predicted, labels=labels, output_dict=True, zero_division=0
        ),
    }


def per_tag_accuracy(examples: Sequence[Example], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    hits: dict[str, list[bool]] = defaultdict(list)
    for example, prediction in zip(examples, predicted, strict=True):
        for tag in example.tags or ("plain",):
            hits[tag].append(prediction == example.intent)
    return {tag: {"n": len(v), "accuracy": sum(v) / len(v)} for tag, v in sorted(hits.items())}


def errors(examples: Sequence[Example], predictions: Predictions) -> list[dict[str, Any]]:
    return [
        {"text": e.text, "gold": e.intent, "predicted": p, "confidence": round(c, 3)}
        for e, p, c in zip(examples, predictions.intents, predictions.confidences, strict=True)
        if p != e.intent
    ]


def date_reading(text: str, today: datetime.date, after: str = "") -> str:
    """What the assistant makes of a date answer: one period, or "ask" (ask again).

    `after`: the year answered before, which the form asked to narrow down; the reply is read
    as the form reads it then (actions/forms.py).
    """
    from actions.dates import read_filing_date

    if after:
        from actions.forms import date_built_on

        text = date_built_on(text, after, True, today) or text
    reading = read_filing_date(text, today)
    return reading.period or "ask"


def print_answer_sets() -> None:
    """The date and slot answer sets (dev9, dev10; tuned): read right, asked again, or read wrong
    (harmful)."""
    for name, dates_file, slots_file in ANSWER_SETS:
        if dates_file.exists():
            today, cases = load_dates(dates_file)
            read = [(date_reading(case.text, today, case.after), case.period) for case in cases]
            right = sum(got == period for got, period in read)
            wrong = sum(got != period and "ask" not in (got, period) for got, period in read)
            guessed = sum(got != "ask" and period == "ask" for got, period in read)
            print(
                f"date answers ({name}, tuned): {right}/{len(cases)} right, {wrong} in the wrong period, "
                f"{guessed} placed where a person would ask; the rest asked again"
            )
        if slots_file.exists():
            answers = load_slot_answers(slots_file)
            read = [(slot_reading(answer), answer.value) for answer in answers]
            right = sum(got == value for got, value in read)
            wrong = sum(got is not None and got != value for got, value in read)
            print(
                f"slot answers ({name}, tuned): {right}/{len(answers)} right, {wrong} read as another value "
                "or where a person would ask; the rest asked again"
            )


def date_results(today: datetime.date, cases: Sequence[DateCase]) -> list[dict[str, str]]:
    """Every case with what the parser gave."""
    return [
        {
            "text": c.text,
            "expected": c.period,
            "got": date_reading(c.text, today, c.after),
            "known_failure": c.known_failure,
        }
        for c in cases
    ]


def behind_on(project: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """The figures on which the project is not strictly ahead of ``baseline``; a perfect 1.000 on
    both counts as not behind (nothing can be ahead of it: the tuned set, once both learnt it)."""
    return [
        key
        for key in ("accuracy", "macro_f1")
        if project[key] < baseline[key] or (project[key] == baseline[key] < 1.0)
    ]


def targets_met(
    project: dict[str, Any], baselines: Sequence[dict[str, Any]], dates_accuracy: float
) -> list[str]:
    """The targets that failed, as sentences (empty when all hold)."""
    failed = []
    for key in ("accuracy", "macro_f1", "oos_no_faq_answer"):
        if project[key] < TARGETS[key]:
            failed.append(f"{key} {project[key]:.3f} < {TARGETS[key]}")
    if project["in_scope_fallback"] > TARGETS["in_scope_fallback"]:
        failed.append(
            f"in_scope_fallback {project['in_scope_fallback']:.3f} > {TARGETS['in_scope_fallback']}"
        )
    for baseline in baselines:
        for key in behind_on(project, baseline):
            failed.append(f"{key} {project[key]:.3f} not ahead of {baseline['name']} {baseline[key]:.3f}")
    if dates_accuracy < TARGETS["dates"]:
        failed.append(f"dates {dates_accuracy:.3f} < {TARGETS['dates']}")
    return failed


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    columns = [
        ("system", "name", "{}"),
        ("accuracy", "accuracy", "{:.3f}"),
        ("macro-F1", "macro_f1", "{:.3f}"),
        ("OOS prec.", "oos_precision", "{:.3f}"),
        ("OOS recall", "oos_recall", "{:.3f}"),
        ("OOS no FAQ", "oos_no_faq_answer", "{:.3f}"),
        ("in-scope fallback", "in_scope_fallback", "{:.3f}"),
        ("harmful", "harmful", "{}"),
        ("zh acc.", "accuracy_zh", "{:.3f}"),
        ("en acc.", "accuracy_en", "{:.3f}"),
        ("train s", "train_seconds", "{:.0f}"),
    ]
    cells = [[title for title, _, _ in columns]]
    for row in rows:
        cells.append([fmt.format(row[key]) if row.get(key) is not None else "-" for _, key, fmt in columns])
    widths = [max(_width(cell[i]) for cell in cells) for i in range(len(columns))]
    lines = []
    for index, cell in enumerate(cells):
        lines.append("  ".join(_pad(value, widths[i], left=i == 0) for i, value in enumerate(cell)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text


def _pyplot() -> Any:
    """matplotlib's pyplot, without a display and without its deprecation chatter."""
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    return plt


def plot_confusion(gold: Sequence[str], predicted: Sequence[str], title: str, path: Path) -> None:
    plt = _pyplot()
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(gold) | set(predicted))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    fig, ax = plt.subplots(figsize=(11, 9))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8, color=color)
    ax.set_xlabel("predicted")
    ax.set_ylabel("labelled")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_confidences(examples: Sequence[Example], predictions: Predictions, path: Path, config: dict) -> None:
    plt = _pyplot()
    raw = [(parse.get("intent_ranking") or [{}]) for parse in predictions.extra.get("parses", [])]
    best = [next((r["name"] for r in ranking if r.get("name") != FALLBACK), None) for ranking in raw]
    right = [c for e, b, c in zip(examples, best, predictions.confidences, strict=True) if b == e.intent]
    wrong = [c for e, b, c in zip(examples, best, predictions.confidences, strict=True) if b != e.intent]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bins = [i / 20 for i in range(21)]
    ax.hist(
        [right, wrong],
        bins=bins,
        stacked=True,
        label=["best intent right", "best intent wrong"],
        color=["tab:green", "tab:red"],
    )
    if config.get("threshold") is not None:
        ax.axvline(
            config["threshold"],
            color="black",
            linestyle="--",
            label=f"fallback threshold {config['threshold']}",
        )
    ax.set_xlabel("confidence of the best intent (before the fallback)")
    ax.set_ylabel("held-out messages")
    ax.set_title(f"{predictions.name}: confidence on the held-out set")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fallback_config(config: Path) -> dict[str, Any]:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for item in data.get("pipeline") or []:
        if str(item.get("name", "")).endswith("FallbackClassifier"):
            return item
    return {}


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _seeds(text: str) -> tuple[int, ...]:
    try:
        seeds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of whole numbers: {text!r}") from None
    return tuple(seed for seed in dict.fromkeys(seeds) if seed != RASA_DEFAULT_SEED)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--config", type=Path, default=CONFIG, help="the project's config (default config.yml)"
    )
    parser.add_argument(
        "--model", type=Path, help="use this trained model for the project instead of training"
    )
    parser.add_argument("--no-rasa-default", action="store_true", help="skip the Rasa default baseline")
    parser.add_argument(
        "--rasa-default-seeds",
        type=_seeds,
        default=(),
        metavar="N,N,...",
        help=f"also train Rasa's default pipeline with these random seeds (besides {RASA_DEFAULT_SEED}), "
        "to show how much it varies; a few minutes each",
    )
    parser.add_argument(
        "--reuse-rasa-default",
        action="store_true",
        help="use Rasa's default pipeline's predictions kept in reports/cache by an earlier run whose "
        "config, Rasa, data/nlu and messages were the same (training it takes about an hour), "
        "instead of training it again",
    )
    parser.add_argument("--reports", type=Path, default=REPORTS)
    parser.add_argument(
        "--conversation-model",
        type=Path,
        default=ROOT / "models" / "icp-assistant.tar.gz",
        help="the full model (`make train`) the conversations are played against",
    )
    parser.add_argument("--no-conversations", action="store_true", help="skip the conversations")
    parser.add_argument(
        "--no-blind",
        action="store_true",
        help="leave the blind set out (while developing: a score looked at after every change tunes on it)",
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # config.yml names data/jieba relative to the project

    examples = load_messages()
    tuned_files = [path for path in TUNED_FILES if path.exists()]
    tuned2 = [example for path in tuned_files for example in load_messages(path)]
    blind = load_messages(BLIND_MESSAGES) if BLIND_MESSAGES.exists() and not args.no_blind else []
    earlier = (
        load_messages(EARLIER_BLIND_MESSAGES) if EARLIER_BLIND_MESSAGES.exists() and not args.no_blind else []
    )
    today, date_cases = load_dates()
    training = training_examples()
    leaked = overlap(examples + tuned2 + blind + earlier, training)
    counts = Counter(e.intent for e in examples)
    print(
        f"held-out: {len(examples)} + {len(tuned2)} tuned and {len(blind)} + {len(earlier)} blind messages, "
        f"{len(date_cases)} dates; training: {len(training)} examples; overlap: {len(leaked)}"
    )
    if leaked:
        print("held-out messages that are training examples:", *leaked, sep="\n  ")
        return 2

    sets = [examples, tuned2, blind, earlier]
    both = [e.text for part in sets for e in part]
    systems: list[Predictions] = []
    with tempfile.TemporaryDirectory(prefix="evaluate-") as tmp:
        out = Path(tmp)
        if args.model:
            systems.append(rasa_predictions("project", parse_with_model(args.model, both), None))
        else:
            print(f"training the project's pipeline ({args.config.name}) ...", flush=True)
            model, seconds = train_rasa_nlu(args.config, out, "project")
            systems.append(rasa_predictions("project", parse_with_model(model, both), seconds))
        if not args.no_rasa_default:
            print("training Rasa's default pipeline (JiebaTokenizer) ...", flush=True)
            # Trained here unless --reuse-rasa-default finds predictions kept under the same
            # fingerprint (tests/heldout always reuses them while nothing they depend on changes).
            baseline = rasa_default(both, out, BASELINE_CACHE, reuse=args.reuse_rasa_default)
            if baseline.kept_from is not None:
                print(
                    f"  kept from {baseline.kept_from.relative_to(ROOT)}: the same config, Rasa, "
                    f"data/nlu and messages; trained there in {baseline.train_seconds:.0f} s",
                    flush=True,
                )
            systems.append(baseline)
            for seed in args.rasa_default_seeds:
                print(f"training Rasa's default pipeline with random seed {seed} ...", flush=True)
                systems.append(rasa_default(both, out, BASELINE_CACHE, reuse=False, seed=seed))
    print("training the TF-IDF logistic regression ...", flush=True)
    systems.append(tfidf_logreg(training, both))
    parts = [split_many(system, [len(part) for part in sets]) for system in systems]
    systems = [by_set[0] for by_set in parts]
    tables = [table(part, [by_set[index] for by_set in parts]) for index, part in enumerate(sets)]
    rows, tuned2_rows, blind_rows, earlier_rows = tables

    dates = date_results(today, date_cases)
    dates_right = sum(d["got"] == d["expected"] for d in dates)
    dates_accuracy = dates_right / len(dates)

    print(
        f"\ntuned set ({MESSAGES_FILE.relative_to(ROOT)}, {len(examples)} messages; the targets of issue 6):"
    )
    print(format_table(rows))
    if tuned2:
        names = [str(path.relative_to(ROOT)) for path in tuned_files]
        print(
            f"\ntuned set ({', '.join(names[:-1])} and {names[-1]}, {len(tuned2)} messages; "
            "written from the FAQ alone, their errors studied):"
        )
        print(format_table(tuned2_rows))
    if blind:
        where = f"{BLIND_MESSAGES.relative_to(ROOT)}, {len(blind)} messages"
        print(f"\n{BLIND_SET} ({where}; issue 11's targets; {BLIND_STATUS}):")
        print(format_table(blind_rows))
    if earlier:
        where = f"{EARLIER_BLIND_MESSAGES.relative_to(ROOT)}, {len(earlier)} messages"
        print(f"\n{EARLIER_BLIND_SET} ({where}; {EARLIER_BLIND_STATUS}):")
        print(format_table(earlier_rows))
    print(f"\ndate table: {dates_right}/{len(dates)} right ({dates_accuracy:.3f})")
    for d in dates:
        if d["got"] != d["expected"]:
            note = f"  [known: {d['known_failure']}]" if d["known_failure"] else ""
            print(f"  {d['text']}: expected {d['expected']}, got {d['got']}{note}")
    print_answer_sets()

    project = systems[0]
    styles = per_tag_accuracy(examples, project.intents)
    print(
        "\nproject accuracy by style (tuned set): "
        + ", ".join(f"{t} {v['accuracy']:.2f} (n={v['n']})" for t, v in styles.items())
    )
    tuned_project = parts[0][1]
    for name, part, predictions in (
        ("tuned set", examples, project),
        ("second tuned set", tuned2, tuned_project),
    ):
        wrong = errors(part, predictions)
        if wrong:
            print(f"\nproject errors on the {name} ({len(wrong)}):")
            for error in wrong:
                print(f"  {error['text']}  {error['gold']} -> {error['predicted']} ({error['confidence']})")

    conversation_report: dict[str, Any] = {}
    if not args.no_conversations:
        conversation_report = play_conversations(args.conversation_model, blind=not args.no_blind)

    args.reports.mkdir(parents=True, exist_ok=True)
    plot_confusion(
        [e.intent for e in examples],
        project.intents,
        "project pipeline on the held-out set",
        args.reports / "confusion_matrix.png",
    )
    plot_confidences(
        examples, project, args.reports / "confidence_histogram.png", fallback_config(args.config)
    )
    report = {
        "held_out": {"messages": len(examples), "out_of_scope": counts[OUT_OF_SCOPE], "dates": len(dates)},
        "definitions": __doc__.split("Definitions (the same everywhere):")[1].strip(),
        "systems": report_rows(rows, examples, [by_set[0] for by_set in parts]),
        "tuned2": report_rows(tuned2_rows, tuned2, [by_set[1] for by_set in parts]) if tuned2 else {},
        # Not printed: reading the blind set's errors would make it a tuned set (issue 11).
        "blind": report_rows(blind_rows, blind, [by_set[2] for by_set in parts]) if blind else {},
        EARLIER_BLIND_SET: (
            report_rows(earlier_rows, earlier, [by_set[3] for by_set in parts]) if earlier else {}
        ),
        "conversations": conversation_report,
        "dates": {"accuracy": dates_accuracy, "cases": dates},
    }
    (args.reports / "intent_report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(f"\nwrote {args.reports}/confusion_matrix.png, confidence_histogram.png, intent_report.json")

    extra = {rasa_default_name(seed) for seed in args.rasa_default_seeds}
    if extra:
        seeded = [row for row in rows if row["name"] in extra | {rasa_default_name(RASA_DEFAULT_SEED)}]
        accuracies = sorted(row["accuracy"] for row in seeded)
        ahead = sum(not behind_on(rows[0], row) for row in seeded)
        print(
            f"\nRasa's default pipeline over {len(seeded)} random seeds: accuracy "
            f"min {accuracies[0]:.3f}, median {statistics.median(accuracies):.3f}, max {accuracies[-1]:.3f}; "
            f"the project is ahead (accuracy and macro-F1) of {ahead} of them"
        )
    # The targets compare with the baselines the issues name; the other seeds are information.
    failed = targets_met(rows[0], [row for row in rows[1:] if row["name"] not in extra], dates_accuracy)
    if blind:
        failed += [
            f"blind: {miss}"
            for miss in blind_targets_met(
                blind_rows[0],
                [row for row in blind_rows[1:] if row["name"] not in extra],
                conversation_report.get("blind"),
            )
        ]
    if failed:
        print("\ntargets missed:", *failed, sep="\n  ")
        return 1
    print("\nall targets met")
    return 0


def split_many(predictions: Predictions, sizes: Sequence[int]) -> list[Predictions]:
    """The predictions of consecutive sets of the given sizes."""
    parts = []
    for size in sizes:
        first, predictions = split(predictions, size)
        parts.append(first)
    return parts


def table(examples: Sequence[Example], systems: Sequence[Predictions]) -> list[dict[str, Any]]:
    """One row per system, with the accuracy in Chinese and in English apart."""
    rows = []
    for system in systems:
        row = metrics([e.intent for e in examples], system.intents) if examples else {}
        english = [i for i, e in enumerate(examples) if "english" in e.tags]
        chinese = [i for i, e in enumerate(examples) if "english" not in e.tags]
        for key, chosen in (("accuracy_en", english), ("accuracy_zh", chinese)):
            if chosen:
                row[key] = sum(system.intents[i] == examples[i].intent for i in chosen) / len(chosen)
        row.update(name=system.name, train_seconds=system.train_seconds)
        rows.append(row)
    return rows


def report_rows(
    rows: Sequence[dict[str, Any]], examples: Sequence[Example], systems: Sequence[Predictions]
) -> dict[str, Any]:
    return {
        row["name"]: {**{k: v for k, v in row.items() if k != "name"}, "errors": errors(examples, system)}
        for row, system in zip(rows, systems, strict=True)
    }


def blind_targets_met(
    project: dict[str, Any], baselines: Sequence[dict[str, Any]], conversations: dict[str, Any] | None
) -> list[str]:
    """Issue 11's targets on the blind set that failed, as sentences."""
    failed = [
        f"{key} {project.get(key, 0.0):.3f} < {BLIND_TARGETS[key]}"
        for key in ("accuracy", "accuracy_zh", "accuracy_en", "macro_f1")
        if project.get(key, 0.0) < BLIND_TARGETS[key]
    ]
    if project["harmful"] > BLIND_TARGETS["harmful"]:
        failed.append(f"{project['harmful']} harmful confusions among first messages")
    for baseline in baselines:
        failed += [
            f"{key} {project[key]:.3f} not ahead of {baseline['name']} {baseline[key]:.3f}"
            for key in behind_on(project, baseline)
        ]
    if conversations is not None:
        if conversations["pass_rate"] < BLIND_TARGETS["conversations"]:
            failed.append(
                f"conversations {conversations['pass_rate']:.3f} < {BLIND_TARGETS['conversations']}"
            )
        if conversations["harmful"] > BLIND_TARGETS["harmful"]:
            failed.append(f"{conversations['harmful']} harmful conversations")
    return failed


def play_conversations(model: Path, blind: bool = True) -> dict[str, Any]:
    """The tuned and the blind conversations against the real servers on `model`."""
    from scripts import conversations
    from scripts.processes import Servers

    sets = [("tuned", TUNED_CONVERSATIONS), ("dev", DEV_CONVERSATIONS), ("blind2", BLIND2_CONVERSATIONS)]
    sets += [("dev3", DEV3_CONVERSATIONS), ("dev5", DEV5_CONVERSATIONS), ("dev6", DEV6_CONVERSATIONS)]
    sets += [("dev7", DEV7_CONVERSATIONS), ("blind4", BLIND4_CONVERSATIONS)]
    sets += [("dev8", DEV8_CONVERSATIONS), ("blind5", BLIND5_CONVERSATIONS), ("blind6", BLIND6_CONVERSATIONS)]
    sets += [("blind7", BLIND7_CONVERSATIONS), ("blind8", BLIND8_CONVERSATIONS)]
    sets += [
        ("blind9", BLIND9_CONVERSATIONS),
        ("blind10", BLIND10_CONVERSATIONS),
        ("blind11", BLIND11_CONVERSATIONS),
        ("blind12", BLIND12_CONVERSATIONS),
        ("dev10", DEV10_CONVERSATIONS),
        ("blind13", BLIND13_CONVERSATIONS),
        ("blind14", BLIND14_CONVERSATIONS),
        ("blind15", BLIND15_CONVERSATIONS),
        ("blind16", BLIND16_CONVERSATIONS),
    ]
    if blind:
        sets += [(EARLIER_BLIND_SET, EARLIER_BLIND_CONVERSATIONS), ("blind", BLIND_CONVERSATIONS)]
    sets = [(name, path) for name, path in sets if path.exists()]
    if not sets or not model.exists():
        print(f"\nconversations: skipped (no model at {model}: run `make train`)")
        return {}
    print(f"\nplaying conversations against the real servers ({model.name}) ...", flush=True)
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="evaluate-servers-") as tmp:
        env = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "0", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
        servers = Servers(Path(tmp), model=model, extra_env=env)
        try:
            servers.start()
            for name, path in sets:
                outcomes = conversations.run_all(conversations.load(path), servers.say)
                report[name] = conversations.summary(outcomes) | {
                    "outcomes": [
                        {
                            "name": o.conversation.name,
                            "lang": o.conversation.lang,
                            "passed": o.passed,
                            "harmful": o.harmful,
                            "answer": list(o.answer),
                            "expect": list(o.conversation.expect),
                            "failure": o.failure,
                            "transcript": o.transcript,
                        }
                        for o in outcomes
                    ]
                }
        finally:
            servers.stop()
    print("conversations  set     n  passed  pass rate  harmful  clarified")
    for name, result in report.items():
        print(
            f"               {name:6}  {result['conversations']:>3}  {result['passed']:>6}  "
            f"{result['pass_rate']:>9.3f}  {result['harmful']:>7}  {result['clarified']:>9}"
        )
    # the blind ones are not printed: reading them would tune on them
    for name in (name for name in report if name not in (EARLIER_BLIND_SET, "blind")):
        for outcome in report[name]["outcomes"]:
            if not outcome["passed"]:
                failure = outcome["failure"] or outcome["answer"]
                print(f"  {name} conversation failed: {outcome['name']}: {failure}")
                print("    " + "\n    ".join(outcome["transcript"]))
    return report


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # components.normalizer, actions.dates
    sys.exit(main())
