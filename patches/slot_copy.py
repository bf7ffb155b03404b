"""Copies a slot the way `copy.copy` does, without its generic machinery.

Rasa 3.6 copies every slot of the domain each time it copies a conversation tracker
(`DialogueStateTracker.__init__`), and it copies trackers several times per message (before each
action, and once per past action when it works out the dialogue states): 2,100 trackers and 23,100
slot copies for 300 immediate answers, 7 % of the Rasa server's time (cProfile, session 7).
`copy.copy` of a plain object builds it through `__reduce_ex__(4)`: a new instance of the same
class whose `__dict__` is updated with the original's. This does the same directly. It is
installed only when no slot class customises copying or pickling, or keeps attributes in
`__slots__`; otherwise Rasa's copy stays.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.slots import Slot
from rasa.shared.utils.common import all_subclasses

# What would make copy.copy do more than a new instance with the same __dict__.
_COPY_HOOKS = ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__")


def copy_slot(self: Slot) -> Slot:
    twin: Any = type(self).__new__(type(self))
    twin.__dict__.update(self.__dict__)
    return twin


def plain(cls: type) -> bool:
    """Whether copy.copy of an instance of `cls` is a new instance with the same __dict__."""
    for klass in cls.__mro__[:-1]:
        # attributes outside __dict__ (abc.ABC's empty __slots__ holds none)
        hooks = [vars(klass)[hook] for hook in _COPY_HOOKS if hook in vars(klass)]
        if any(hook is not copy_slot for hook in hooks) or vars(klass).get("__slots__"):
            return False
    return True


def apply() -> bool:
    if Slot.__dict__.get("__copy__") is copy_slot:
        return True
    if not all(plain(cls) for cls in (Slot, *all_subclasses(Slot))):
        return False
    Slot.__copy__ = copy_slot  # type: ignore[attr-defined]
    return True
