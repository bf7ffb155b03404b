"""The sequential graph runner returns what Rasa's dask runner returns, and fails the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rasa.core.processor
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

import patches
from patches.graph_runner import SequentialGraphRunner

CALLS: list[str] = []


class Step(GraphComponent):
    """Appends its name to a list, so a test sees each node's inputs and how often it ran."""

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: Any, resource: Any, execution_context: Any
    ) -> Step:
        return cls(config["name"])

    def run(self, **parts: Any) -> list[str]:
        CALLS.append(self.name)
        if "boom" in parts.values():
            raise ValueError("boom")
        joined: list[str] = []
        for key in sorted(parts):
            value = parts[key]
            joined += value if isinstance(value, list) else [value]
        return [*joined, self.name]


def node(name: str, target: bool = False, **needs: str) -> SchemaNode:
    return SchemaNode(
        needs=needs, uses=Step, constructor_name="create", fn="run", config={"name": name}, is_target=target
    )


# A diamond (a -> b, a -> c, b + c -> d) beside a branch no target needs (e).
SCHEMA = GraphSchema(
    {
        "a": node("a", text="__message__"),
        "b": node("b", x="a"),
        "c": node("c", x="a"),
        "d": node("d", target=True, left="b", right="c"),
        "e": node("e", x="__message__"),
    }
)


def runner(cls: type[DaskGraphRunner], tmp_path: Path) -> DaskGraphRunner:
    context = ExecutionContext(graph_schema=SCHEMA, model_id="1")
    return cls.create(SCHEMA, LocalModelStorage(tmp_path), context)


@pytest.mark.parametrize(
    "inputs, targets",
    [
        ({"__message__": "m"}, None),
        ({"__message__": "m"}, ["d"]),
        ({"__message__": "m"}, ["b", "e"]),
        ({"__message__": "m", "b": "given"}, ["d"]),  # an input overrides the node of its name
    ],
)
def test_same_results_and_same_nodes_run_as_dask(inputs: dict, targets: list | None, tmp_path: Path) -> None:
    CALLS.clear()
    theirs = runner(DaskGraphRunner, tmp_path).run(inputs=dict(inputs), targets=targets)
    their_calls = sorted(CALLS)
    CALLS.clear()
    ours = runner(SequentialGraphRunner, tmp_path)
    assert ours.run(inputs=dict(inputs), targets=targets) == theirs
    assert sorted(CALLS) == their_calls  # each needed node once, the others not at all
    assert ours.run(inputs=dict(inputs), targets=targets) == theirs  # again, from the cached plan


def test_a_failing_node_raises_rasas_error_for_both(tmp_path: Path) -> None:
    for cls in (DaskGraphRunner, SequentialGraphRunner):
        with pytest.raises(GraphComponentException, match="node a") as raised:
            runner(cls, tmp_path).run(inputs={"__message__": "boom"}, targets=["a"])
        assert str(raised.value.__cause__) == "boom"


def test_a_missing_input_raises_rasas_error_for_both(tmp_path: Path) -> None:
    for cls in (DaskGraphRunner, SequentialGraphRunner):
        with pytest.raises(GraphRunError, match="Missing input"):
            runner(cls, tmp_path).run(inputs={}, targets=["d"])


def test_an_input_value_naming_a_node_is_refused_by_both(tmp_path: Path) -> None:
    for cls in (DaskGraphRunner, SequentialGraphRunner):
        with pytest.raises(GraphRunError, match="clashes with a node name"):
            runner(cls, tmp_path).run(inputs={"__message__": "a"}, targets=["d"])


def test_the_rasa_server_loads_models_with_the_sequential_runner() -> None:
    assert patches.apply_all()  # as `python -m assistant` does
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner
