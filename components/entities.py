"""Rasa's CRFEntityExtractor, loaded from the CRF it trained instead of trained again at start-up.

Since the fix of CVE-2024-49375, Rasa 3.6 stores the CRF's training set as JSON and fits the CRF
again each time a model is loaded, so that loading runs no pickle: 4.5 of the Rasa server's
start-up seconds on this assistant's data, and more with every example added (issue 15). This
subclass stores, beside that JSON, the fitted model as crfsuite writes it: a table of feature
weights in crfsuite's own binary format, which libcrfsuite reads as data (no pickle, no code), read
back in memory with ``pycrfsuite.Tagger.open_inmemory``. Fitting is deterministic (L-BFGS on the
same data), so the tagger is the one Rasa's loading would have fitted again; a test compares
their marginals. A model without the stored files (trained before) loads through Rasa's code.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.utils.io import read_json_file

logger = logging.getLogger(__name__)

# The first bytes of a model file crfsuite writes (crfsuite's src/crf/src/crf1m_model.c).
CRFSUITE_MAGIC = b"lCRF"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """CRFEntityExtractor whose fitted taggers are stored with the model and loaded as they are."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # Rasa's training cache keys on the config, not the code: a model cached before the
        # stored taggers would lack them
        return "stores its crfsuite models"

    def persist(self, dataset: list[list[CRFToken]]) -> None:
        super().persist(dataset)
        with self._model_storage.write_to(self._resource) as model_dir:
            for tag_name, tagger in (self.entity_taggers or {}).items():
                (model_dir / _model_file(tag_name)).write_bytes(Path(tagger.modelfile.name).read_bytes())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CRFEntityExtractor:
        try:
            with model_storage.read_from(resource) as model_dir:
                crf_order = read_json_file(model_dir / "crf_order.json")
                files = [model_dir / _model_file(tag_name) for tag_name in crf_order]
                if not all(path.exists() for path in files):  # trained before: Rasa fits again
                    return super().load(config, model_storage, resource, execution_context, **kwargs)
                taggers = OrderedDict(
                    (tag_name, _stored_crf(path.read_bytes(), config))
                    for tag_name, path in zip(crf_order, files, strict=True)
                )
        except NotACrfsuiteModel as error:
            logger.warning(f"{cls.__name__}: {error}; fitting the CRF again from its training set")
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        except ValueError:  # no such resource: Rasa's loading says so
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        return extractor


class NotACrfsuiteModel(ValueError):
    pass


def _model_file(tag_name: str) -> str:
    return f"crf_{tag_name}.crfsuite"


def _stored_crf(model: bytes, config: dict[str, Any]) -> Any:
    """A fitted sklearn_crfsuite.CRF from the bytes crfsuite wrote, with Rasa's settings."""
    import pycrfsuite
    import sklearn_crfsuite

    if not model.startswith(CRFSUITE_MAGIC):
        raise NotACrfsuiteModel("a stored tagger is not a crfsuite model file")
    crf = sklearn_crfsuite.CRF(
        algorithm="lbfgs",
        c1=config["L1_c"],
        c2=config["L2_c"],
        max_iterations=config["max_iterations"],
        all_possible_transitions=True,
    )
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    crf._tagger = tagger  # what CRF.tagger_ opens from its model file; the bytes are in memory here
    # crfsuite reads the model where it lies, without a copy: the bytes live as long as the CRF
    crf.stored_model = model
    return crf
