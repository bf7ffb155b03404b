"""A slot copied by the patch is what `copy.copy` made of it before."""

from __future__ import annotations

import copy

import pytest
from rasa.shared.core.slots import (
    AnySlot,
    BooleanSlot,
    CategoricalSlot,
    FloatSlot,
    ListSlot,
    Slot,
    TextSlot,
)

from patches import slot_copy

SLOTS = [
    TextSlot(
        "filing_date", mappings=[{"type": "from_entity", "entity": "filing_date"}], initial_value="2013年"
    ),
    CategoricalSlot("filing_period", mappings=[], values=["a", "b"], initial_value="a"),
    BooleanSlot("miit_has_record", mappings=[], initial_value=True),
    FloatSlot("score", mappings=[], max_value=3.0, initial_value=2.0),
    ListSlot("items", mappings=[], initial_value=["x"]),
    AnySlot("anything", mappings=[], initial_value={"k": 1}),
]


def unpatched_copy(slot: Slot) -> Slot:
    reductor = object.__reduce_ex__(slot, 4)
    return copy._reconstruct(slot, None, *reductor)  # what copy.copy does without __copy__


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: type(s).__name__)
def test_the_copy_is_copy_copys_and_shallow(slot: Slot) -> None:
    assert slot_copy.apply()
    slot.value = slot.initial_value
    ours, theirs = copy.copy(slot), unpatched_copy(slot)
    assert type(ours) is type(theirs) is type(slot)
    assert vars(ours) == vars(theirs) == vars(slot)
    assert ours is not slot
    assert all(vars(ours)[key] is value for key, value in vars(slot).items())  # shallow, as copy.copy
    ours.value = None
    assert slot.value == slot.initial_value  # its own attribute


def test_a_slot_class_that_customises_copying_keeps_rasas_copy() -> None:
    class Custom(TextSlot):
        def __getstate__(self) -> dict:
            return {}

    class Slotted(TextSlot):
        __slots__ = ("extra",)

    assert not slot_copy.plain(Custom)
    assert not slot_copy.plain(Slotted)
    assert slot_copy.plain(TextSlot)
