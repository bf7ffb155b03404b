"""components.entities: the CRF is loaded as it was trained, never fitted again at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.entities import CRFSUITE_MAGIC, StoredCRFEntityExtractor

# little regularisation, so that seven examples teach it something
CONFIG = {**StoredCRFEntityExtractor.get_default_config(), "L1_c": 0.0, "L2_c": 0.001}
CONTEXT = ExecutionContext(None, "test")  # type: ignore[arg-type]
TOKENIZER = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
TRAINING = [
    ("we filed in 2013", "2013", "filing_date"),
    ("filed in 2009 I think", "2009", "filing_date"),
    ("the notice says content unqualified", "content unqualified", "notice_type"),
    ("it says content unqualified now", "content unqualified", "notice_type"),
    ("the ministry still shows it", "still shows", "miit_has_record"),
    ("yes it still shows there", "still shows", "miit_has_record"),
    ("hello there", None, None),
]
PROBES = [text for text, _, _ in TRAINING] + ["filed in 2015", "content unqualified it says", "hello"]


def tokenized(messages: list[Message]) -> list[Message]:
    """Tokens, and a feature (the CRF reads only messages that a featurizer has seen)."""
    TOKENIZER.process(messages)
    for message in messages:
        count = len(message.get("text_tokens"))
        message.add_features(Features(np.ones((count, 1)), "sequence", "text", "test"))
        message.add_features(Features(np.ones((1, 1)), "sentence", "text", "test"))
    return messages


def example(text: str, value: str | None, entity: str | None) -> Message:
    entities = []
    if value:
        start = text.index(value)
        entities = [{"start": start, "end": start + len(value), "value": value, "entity": entity}]
    return Message(data={"text": text, "intent": "inform", "entities": entities})


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    storage = LocalModelStorage(tmp_path)
    data = TrainingData(tokenized([example(*row) for row in TRAINING]))
    StoredCRFEntityExtractor.create(CONFIG, storage, Resource("crf"), CONTEXT).train(data)
    return storage


def entities(extractor: CRFEntityExtractor) -> list[list[dict[str, Any]]]:
    messages = tokenized([Message(data={"text": text}) for text in PROBES])
    extractor.process(messages)
    # what was found, where and how sure; not which class found it
    return [
        [
            {key: value for key, value in found.items() if key != "extractor"}
            for found in message.get("entities") or []
        ]
        for message in messages
    ]


def test_the_stored_taggers_are_crfsuite_models(storage: LocalModelStorage, tmp_path: Path) -> None:
    stored = sorted(tmp_path.rglob("*.crfsuite"))
    assert [path.name for path in stored] == ["crf_entity.crfsuite"]
    assert stored[0].read_bytes().startswith(CRFSUITE_MAGIC)


def test_loaded_without_fitting_it_finds_what_rasas_loading_finds(
    storage: LocalModelStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted_again = entities(CRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT))
    assert any(fitted_again)  # the probes do hold entities

    def no_fitting(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the CRF was fitted again at load time")

    monkeypatch.setattr(CRFEntityExtractor, "train_model", no_fitting)
    loaded = StoredCRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT)
    assert entities(loaded) == fitted_again


def test_a_damaged_tagger_file_is_not_read_and_the_crf_is_fitted_again(
    storage: LocalModelStorage, tmp_path: Path
) -> None:
    expected = entities(StoredCRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT))
    (stored,) = tmp_path.rglob("*.crfsuite")
    stored.write_bytes(b"not a model")
    assert entities(StoredCRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT)) == expected


def test_a_model_trained_before_loads_through_rasas_code(storage: LocalModelStorage, tmp_path: Path) -> None:
    expected = entities(StoredCRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT))
    for stored in tmp_path.rglob("*.crfsuite"):
        stored.unlink()
    assert entities(StoredCRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT)) == expected


def test_the_tagger_outlives_the_bytes_it_was_read_from(tmp_path: Path) -> None:
    # crfsuite reads an in-memory model in place: freed and overwritten bytes crashed the server
    import subprocess
    import sys

    script = f"""
import gc, sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from tests.unit.test_entities import CONFIG, CONTEXT, StoredCRFEntityExtractor, Resource, entities
from tests.unit.test_entities import LocalModelStorage, TrainingData, TRAINING, example, tokenized
storage = LocalModelStorage(Path({str(tmp_path)!r}))
data = TrainingData(tokenized([example(*row) for row in TRAINING]))
StoredCRFEntityExtractor.create(CONFIG, storage, Resource("crf"), CONTEXT).train(data)
loaded = StoredCRFEntityExtractor.load(CONFIG, storage, Resource("crf"), CONTEXT)
expected = entities(loaded)
size = next(Path({str(tmp_path)!r}).rglob("*.crfsuite")).stat().st_size
for _ in range(3):
    gc.collect()
    garbage = [bytes([255]) * size for _ in range(2000)]
    del garbage
print(entities(loaded) == expected)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.split()[-1:] == ["True"]
