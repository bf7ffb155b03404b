"""Rasa's LogisticRegressionClassifier, with the two settings it does not expose.

Rasa's component fits scikit-learn's LogisticRegression on the raw counts of the sentence
features, with ``C=1`` fixed. On this assistant's data that makes the length of a message a
signal of its own: a long message, full of 您好/我们/的, leans to the intents whose training
examples are long. This subclass, like a TF-IDF model, counts sublinearly (1 + log n) and scales
each message's features to unit length, and lets config.yml set ``C`` and ``class_weight``.
It also persists the fitted model as plain arrays (``numpy.savez``, read back with pickling off)
instead of with skops: loading a skops file imports the whole of scikit-learn to list the types
it trusts, three of the Rasa server's start-up seconds (issue 15). A model trained before this
(a ``.skops`` file) still loads through Rasa's code. Everything else, training and the ranking it
outputs, is Rasa's.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize

logger = logging.getLogger(__name__)

# The fitted attributes of scikit-learn's LogisticRegression that predict_proba reads; every
# other setting comes from config.yml, as when the component was trained.
FITTED = ("classes_", "coef_", "intercept_", "n_iter_")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NormalizedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Logistic regression on sublinear, length-normalised sentence features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 1.0,
            "sublinear_tf": True,
            # weigh each feature by its inverse document frequency in the training examples, as
            # a TF-IDF model does: 的, 我, 备案 count for less than 注销, 不认识, 接入
            "idf": False,
            "class_weight": "balanced",
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]), class_weight=self.config["class_weight"])
        self.idf: np.ndarray | None = None

    def train(self, training_data: TrainingData) -> Resource:
        if self.config["idf"]:
            examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
            if examples:
                counts = self._sentence_features(examples)
                counts.sum_duplicates()
                frequency = np.bincount(counts.indices[counts.data != 0], minlength=counts.shape[1])
                self.idf = np.log((1 + counts.shape[0]) / (1 + frequency)) + 1.0
        return super().train(training_data)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # Rasa's training cache keys on the config, not the code: a model cached before the
        # arrays would keep its skops file
        return "persisted as numpy arrays"

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            fitted = {name: getattr(self.clf, name) for name in FITTED}
            if self.idf is not None:
                fitted["idf"] = self.idf
            np.savez(model_dir / _arrays_file(self._resource), **fitted)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NormalizedLogisticRegressionClassifier:
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / _arrays_file(resource)
                if not path.exists():  # trained before the arrays: Rasa's skops file
                    return super().load(config, model_storage, resource, execution_context, **kwargs)
                component = cls(config, execution_context.node_name, model_storage, resource)
                with np.load(path, allow_pickle=False) as arrays:
                    for name in FITTED:
                        setattr(component.clf, name, arrays[name])
                    component.idf = arrays["idf"] if "idf" in arrays.files else None
                component.clf.n_features_in_ = component.clf.coef_.shape[1]
                # scikit-learn scores X @ coef_.T; scipy copies a non-contiguous right-hand side
                # (ravel) on every call: 0.2 ms per message for this vocabulary. Column-major
                # coef_ makes coef_.T row-major, the same numbers.
                component.clf.coef_ = np.asfortranarray(component.clf.coef_)
                return component
        except ValueError:  # no trained resource (no intent examples): untrained, as Rasa does
            logger.debug(f"{cls.__name__}: no trained model in '{resource.name}'")
            return cls.create(config, model_storage, resource, execution_context)

    def process(self, messages: list[Message]) -> list[Message]:
        """Rasa's, except for a message with no word or character the training data knows
        (empty, blanks, only emoji, punctuation or zero-width characters): no intent at
        confidence 0, which the FallbackClassifier turns into nlu_fallback. Rasa's crashed on
        the empty one (a matrix of no column) and gave the others its prior: an emoji came out
        as affirm (0.63), which inside the form answers "yes" to whether MIIT still shows the
        record. Found by `make fuzz`."""
        known = []
        for message in messages:
            # by the text alone: the features are computed once, by Rasa's process below
            if _has_words(message.get(TEXT) or ""):
                known.append(message)
            else:
                message.set("intent", {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
        if known:
            super().process(known)
        return messages

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        if len(messages) == 1:  # a message being parsed: the same numbers without sparse algebra
            row = self._one_row(messages[0])
            if row is not None:
                return row
        features = self._sentence_features(messages)
        if self.config["sublinear_tf"]:
            positive = features.data > 0
            features.data[positive] = 1.0 + np.log(features.data[positive])
        if self.idf is not None:
            features = csr_matrix(features.multiply(self.idf))
        return normalize(features)

    def _one_row(self, message: Message) -> csr_matrix | None:
        """One message's scaled features, computed on its non-zero values with numpy: the
        sparse matrix operations of the general path cost 1.1 of a parsed message's 4.5 ms in
        them (cProfile, session 7). None when dense features or a multi-row part need it."""
        if message.get_dense_features(attribute=TEXT)[1] is not None:
            return None
        row = _sparse_sentence_row(_sentence_parts(message))
        if row is None:
            return None
        columns, values, width = row
        if self.config["sublinear_tf"]:
            positive = values > 0
            values[positive] = 1.0 + np.log(values[positive])
        if self.idf is not None:
            values = values * self.idf[columns]
        norm = np.sqrt(np.dot(values, values))
        if norm > 0:
            values = values / norm
        return _one_row_matrix(columns, values, width)

    def _sentence_features(self, messages: list[Message]) -> csr_matrix:
        """Rasa's _create_X, without two sparse stackings that a message without dense features
        does not need (an empty matrix beside each message, a stack of one): a third of this
        component's time per message under `make bench`'s load."""
        if any(message.get_dense_features(attribute=TEXT)[1] is not None for message in messages):
            return csr_matrix(super()._create_X(messages), dtype=np.float64)
        rows = []
        for message in messages:
            sentence = _sparse_sentence(message)
            rows.append(csr_matrix(sentence if sentence is not None else [], dtype=np.float64))
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")


def _sentence_parts(message: Message) -> list[Any]:
    """The sparse featurizers' sentence features of the text, in the order the featurizers ran."""
    return [
        feature.features
        for feature in message.features
        if feature.attribute == TEXT and feature.is_sparse() and feature.type == FEATURE_TYPE_SENTENCE
    ]


def _sparse_sentence_row(parts: list[Any]) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The columns, values (a float64 copy) and width of the parts side by side, when every part
    is one row; None otherwise."""
    if not parts or any(part.shape[0] != 1 for part in parts):
        return None
    columns, values, width = [], [], 0
    for part in parts:
        if part.format == "coo" and np.all(part.col[1:] > part.col[:-1]):
            # what Rasa's featurizers store: read as it is, each column once (converting it to
            # csr was most of this function's time)
            part_columns, part_values = part.col, part.data
        else:
            row = part.tocsr()  # a copy of a coo part, the part itself when it is csr
            if not row.has_canonical_format:
                row = row.copy()
                row.sum_duplicates()
            part_columns, part_values = row.indices, row.data
        columns.append(part_columns.astype(np.int32) + width)
        values.append(part_values.astype(np.float64))
        width += part.shape[1]
    return np.concatenate(columns), np.concatenate(values), width


def _one_row_matrix(columns: np.ndarray, values: np.ndarray, width: int) -> csr_matrix:
    return csr_matrix((values, columns, np.array([0, len(columns)])), shape=(1, width))


def _sparse_sentence(message: Message) -> csr_matrix | None:
    """What ``message.get_sparse_features(TEXT)[1]`` holds: the sparse featurizers' sentence
    features side by side, in the order the featurizers ran. Rasa's method also combines the
    sequence features, which this classifier does not read, deep-copies the first matrix and
    stacks pairwise: 1.7 of the 6 ms a message spent in NLU (cProfile, session 6)."""
    parts = _sentence_parts(message)
    if not parts:
        return None
    if len(parts) == 1:
        return csr_matrix(parts[0])
    row = _sparse_sentence_row(parts)
    return _one_row_matrix(*row) if row is not None else csr_matrix(hstack(parts, format="csr"))


def _has_words(text: str) -> bool:
    """Whether a text holds a letter or a digit of any script (not only emoji, marks, blanks)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _arrays_file(resource: Resource) -> str:
    return f"{resource.name}.npz"
