"""Runs a trained model's graph node after node, without dask's scheduler.

Rasa 3.6 runs its graph at least three times per message (the NLU, then a policy prediction
before and after each action) through `dask.get`, which first rebuilds the minimal graph and a
dask task dictionary and then schedules the tasks: 10% of the Rasa server's time per message
under `make bench`'s load (py-spy), for graphs of a dozen nodes that run in one fixed order.
This runner works out that order once per set of targets and calls the same nodes with the
same arguments as dask would: inputs override nodes of the same name, a need that is neither a
node nor an input is passed as its name (GraphNode warns), and a RuntimeError becomes Rasa's
GraphRunError. Training keeps Rasa's DaskGraphRunner.
"""

from __future__ import annotations

from typing import Any

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphNode
from rasa.engine.runner.dask import DaskGraphRunner

Step = tuple[str, GraphNode, tuple[str, ...]]


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner whose `run` calls the nodes in a precomputed topological order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, ...], list[Step]] = {}

    def _plan(self, targets: tuple[str, ...]) -> list[Step]:
        nodes = self._graph_schema.minimal_graph_schema(list(targets)).nodes
        order: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen or name not in nodes:
                return
            seen.add(name)
            for need in nodes[name].needs.values():
                visit(need)
            order.append(name)

        for target in targets:
            visit(target)
        return [(name, self._instantiated_nodes[name], tuple(nodes[name].needs.values())) for name in order]

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        key = tuple(targets if targets else self._graph_schema.target_names)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(key)
        values: dict[str, Any] = {}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and any(input_value == name for name, _, _ in plan):
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema."
                )
            values[input_name] = (input_name, input_value)
        try:
            for name, node, needs in plan:
                if name not in values:
                    values[name] = node(*(values.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in key)


def apply() -> None:
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
