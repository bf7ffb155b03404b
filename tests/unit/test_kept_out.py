"""patches/kept_out.py: TensorFlow's (and matplotlib's, boto3's, pymongo's) names can be defined
with, never used, in a serving process. Each case runs in a fresh interpreter (the placeholder must come before any import)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PRELUDE = "from patches import kept_out\nkept_out.install()\nimport tensorflow as tf\n"


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_what_modules_do_at_import_works() -> None:
    done = run(
        "from tensorflow.keras import layers\n"
        "import tensorflow_addons as tfa\n"
        "import matplotlib\nmatplotlib.use('agg')\n"
        "from boto3.dynamodb.conditions import Key\nfrom pymongo.collection import Collection\n"
        "class Layer(tf.keras.layers.Layer):\n"
        "    @tf.function(experimental_relax_shapes=True)\n"
        "    def call(self, x: tf.Tensor) -> tf.Tensor: ...\n"
        "shape = tf.TensorShape([None])\n"
        "from typing import Union\n"
        "Union[tf.Tensor, int]\n"
        "print(tf.__version__, kept_out.active(), isinstance(3, tf.Tensor))\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2.12.0", "True", "False"]


@pytest.mark.parametrize(
    "use",
    [
        "class Layer(tf.keras.layers.Layer): pass\nLayer()",  # building a model
        "@tf.function\ndef f(): return 1\nf()",  # running a graph function
        "bool(tf.executing_eagerly)",  # reading a value
        "list(tf.config.list_physical_devices)",
    ],
)
def test_using_tensorflow_for_real_fails_loudly(use: str) -> None:
    done = run(use)
    assert done.returncode != 0
    assert "KeptOutOfServing" in done.stderr and "kept out of the serving process" in done.stderr


def test_it_refuses_to_come_after_the_real_tensorflow() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tensorflow\nfrom patches import kept_out\nkept_out.install()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0 and "must come first" in done.stderr
