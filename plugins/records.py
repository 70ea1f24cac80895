"""The base of the frozen records a build keeps per release and pickles into its cache.

Slotted dataclasses pickle their state through ``dataclasses.fields()`` on every object, which
costs more than the object itself when a warm build unpickles tens of thousands of releases. A
record pickles as its class and field values instead, and is rebuilt by its own ``__init__``.
"""

from __future__ import annotations

from typing import Any


class Record:
    __slots__ = ()
    __match_args__: tuple[str, ...] = ()  # the dataclass sets it: every field, in order

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__match_args__])
