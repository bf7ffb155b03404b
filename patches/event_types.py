"""Finds an event's class by its type name in a table instead of a walk of every class.

Rasa 3.6 resolves the class of every event it reads (a stored conversation, an action server's
reply) by listing all subclasses of `Event` anew: 4.0 ms to read back a 179-event conversation
on the benchmark machine, against 0.3 ms with this table (`make bench`). The answer is the same
class; a name the table does not know yet goes to Rasa's own lookup, which also keeps its errors
and its `default`.
"""

from __future__ import annotations

from rasa.shared.core.events import Event

_rasa_resolve_by_type = Event.resolve_by_type
_classes: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _classes.get(type_name)
    if known is not None:
        return known
    found = _rasa_resolve_by_type(type_name, default)
    if found is not None and found.type_name == type_name:
        _classes[type_name] = found
    return found


def apply() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
