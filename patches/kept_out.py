"""Keeps TensorFlow, and the other libraries this assistant never serves with, out of the
serving process (issue 15): TensorFlow alone is 448 MB and seconds of start-up per replica.

Rasa 3.6 imports TensorFlow on the serving path although only DIET, TED and friends (none of
them in config.yml) run it: `rasa.core.run` -> the featurizers -> `rasa.utils.train_utils` ->
`rasa.utils.tensorflow.callback`, and loading a model imports every default component. It also
imports matplotlib (for `rasa test`'s plots, through rasa.nlu.test), boto3 (DynamoDB tracker
store, S3 models) and pymongo (Mongo tracker store), none of which this assistant uses. Those
modules only *define* things with these libraries at import time (a base class, a decorator, a
type in a signature, `matplotlib.use`). Here the libraries resolve to placeholders that allow
exactly that, and nothing else: building a class of TensorFlow's, calling what a placeholder
decorator returned, reading a placeholder as a value (bool, len, iteration, a number) raises
`KeptOutOfServing`, loudly, naming what asked for it. A Rasa release (or a configuration: a
DIET model, a Mongo store) that needs one of them for real fails at once instead of running.

Installed by `python -m assistant run|shell` only (assistant.py), under patches' version gate,
before Rasa is imported; ASSISTANT_TENSORFLOW=1 keeps the real libraries (a model with DIET).
Training, `rasa test` and `make report` keep them too.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

# TensorFlow and what Rasa 3.6 imports of its ecosystem; the plots of `rasa test`; the stores
# and model storages this assistant does not use (DynamoDB, S3, MongoDB).
KEPT_OUT = (
    "tensorflow",
    "tensorflow_addons",
    "tensorflow_hub",
    "tensorflow_text",
    "keras",
    "tf_keras",
    "matplotlib",
    "boto3",
    "botocore",
    "pymongo",
)
VERSION = "2.12.0"  # what Rasa 3.6 pins; some modules read tensorflow.__version__ at import


class KeptOutOfServing(RuntimeError):
    """A library kept out of the serving process was used for real."""


def _refuse(name: str) -> KeptOutOfServing:
    return KeptOutOfServing(
        f"{name}: this library is kept out of the serving process (patches/kept_out.py), but "
        "something needs it here; serve with ASSISTANT_TENSORFLOW=1 or plain `rasa run`"
    )


class _Meta(type):
    """Placeholder classes: any attribute is another placeholder, so `tf.keras.layers.Layer`
    can be subclassed and `tf.Tensor` can annotate a signature."""

    def __getattr__(cls, attribute: str) -> Any:
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return placeholder(f"{cls.__qualname__}.{attribute}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if "__placeholder__" not in cls.__dict__:
            # a class of Rasa's built on a placeholder (a layer, a model) being instantiated
            raise _refuse(f"{cls.__qualname__} (built on TensorFlow)")
        # A decorator with or without arguments (@tf.function, @tf.function(...)) and a value
        # built at import (tf.TensorShape([None])) give back a placeholder value.
        if len(args) == 1 and callable(args[0]) and not kwargs and not isinstance(args[0], _Meta):
            return _refusing_function(cls.__qualname__, args[0])
        return placeholder(f"{cls.__qualname__}()")

    def __instancecheck__(cls, instance: Any) -> bool:
        return False

    def __subclasscheck__(cls, subclass: Any) -> bool:
        return isinstance(subclass, _Meta) and subclass is cls

    def __bool__(cls) -> bool:
        raise _refuse(cls.__qualname__)

    def __iter__(cls) -> Any:
        raise _refuse(cls.__qualname__)

    def __len__(cls) -> int:
        raise _refuse(cls.__qualname__)

    def __getitem__(cls, key: Any) -> Any:
        return placeholder(f"{cls.__qualname__}[...]")  # typing.Union[tf.Tensor, ...], shapes

    def __index__(cls) -> int:
        raise _refuse(cls.__qualname__)

    def __float__(cls) -> float:
        raise _refuse(cls.__qualname__)

    def __int__(cls) -> int:
        raise _refuse(cls.__qualname__)

    def __or__(cls, other: Any) -> Any:
        return placeholder(f"{cls.__qualname__} | ...")

    __ror__ = __or__


def placeholder(name: str) -> type:
    return _Meta(name, (), {"__module__": "kept out of serving", "__placeholder__": True})


def _refusing_function(name: str, function: Any) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise _refuse(f"{getattr(function, '__qualname__', function)} (decorated with {name})")

    refused.__name__ = getattr(function, "__name__", "refused")
    refused.__qualname__ = getattr(function, "__qualname__", "refused")
    refused.__wrapped__ = function  # type: ignore[attr-defined]
    return refused


class _Module(types.ModuleType):
    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        submodule = f"{self.__name__}.{attribute}"
        if submodule in sys.modules:
            return sys.modules[submodule]
        return placeholder(submodule)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if fullname.split(".")[0] in KEPT_OUT:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _Module(spec.name)
        module.__path__ = []  # a package: `from tensorflow.keras import layers` resolves
        module.__version__ = VERSION
        module.__kept_out__ = True
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


FINDER = _Finder()


def install() -> None:
    """Before anything imports those libraries; refuses when one is already loaded (too late)."""
    loaded = [name for name in sys.modules if name.split(".")[0] in KEPT_OUT and name not in _ours()]
    if loaded:
        raise RuntimeError(f"{loaded[0]} is already imported: install() must come first")
    if FINDER not in sys.meta_path:
        sys.meta_path.insert(0, FINDER)


def _ours() -> set[str]:
    return {name for name, module in sys.modules.items() if getattr(module, "__kept_out__", False)}


def active() -> bool:
    """Whether `tensorflow` in this process is the placeholder."""
    return bool(getattr(sys.modules.get("tensorflow"), "__kept_out__", False))
