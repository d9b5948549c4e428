"""A cheaper ``__init__`` for frozen dataclasses built in hot loops (the char stage's features).

A frozen dataclass's generated ``__init__`` sets each field with ``object.__setattr__(self, name,
value)`` (its own ``__setattr__`` refuses): on CPython 3.11 about 1,100 instructions a field, so
:class:`restore.stages.char_features.CharFeatures` (29 fields) cost ~49,000 instructions to build,
more than the kenlm windows of a position. :func:`fast_frozen_init` replaces that ``__init__``
with one that sets the same values, under the same names and in the same order, as the
instance's ``__dict__`` in one assignment (~22,000; attribute reads cost what they did).
Everything else is the dataclass's own: ``__eq__``, ``__hash__``, ``__repr__``,
``FrozenInstanceError`` on assignment, ``dataclasses.replace``, pickling, the signature
(``inspect.signature``) and its defaults.

Only for what the generated ``__init__`` does by plain assignment: every field in ``__init__``,
positional, with a plain default or none; no ``__post_init__``, no ``slots``. Anything else
raises ``TypeError`` at decoration time.

>>> from dataclasses import dataclass
>>> @fast_frozen_init
... @dataclass(frozen=True)
... class Point:
...     x: float
...     y: float = 0.0
>>> Point(1.0) == Point(x=1.0, y=0.0), hash(Point(1.0)) == hash(Point(1.0, 0.0)), Point(2.0, y=3.0)
(True, True, Point(x=2.0, y=3.0))
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def fast_frozen_init(cls: type[T]) -> type[T]:
    """``cls`` (a frozen dataclass) with the cheaper ``__init__`` described above; the generated
    one stays as ``cls.__init__.__dataclass_init__`` (what the tests compare against).

    Raises ``TypeError`` when ``cls`` is not a frozen dataclass of plain fields (see the module)."""
    target: Any = cls  # a dataclass, checked below
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: slots or __post_init__ need the dataclass's own __init__")
    fields = dataclasses.fields(target)
    if any(field.name in ("self", "_object_") or field.name.startswith("_default_") for field in fields):
        raise TypeError(f"{cls.__name__}: a field name the generated __init__ uses itself")
    defaults: dict[str, object] = {}
    for field in fields:
        if not field.init or field.kw_only or field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{field.name}: only positional fields with a plain default or none")
        if field.default is not dataclasses.MISSING:
            defaults[f"_default_{field.name}"] = field.default
    signature = ", ".join(f"{f.name}=_default_{f.name}" if f"_default_{f.name}" in defaults else f.name for f in fields)
    values = ", ".join(f"{f.name!r}: {f.name}" for f in fields)
    namespace: dict[str, Any] = {**defaults, "_object_": object}
    # The same values a dataclass's __init__ sets one object.__setattr__ at a time, set at once as
    # the instance's dict (built in field order: the order vars() shows). A dict set this way
    # reads as fast as the attributes the generated __init__ sets (one read through
    # ``self.__dict__`` and item assignment instead made every later attribute read ~2x dearer).
    exec(f"def __init__(self, {signature}):\n    _object_.__setattr__(self, '__dict__', {{{values}}})\n", namespace)  # noqa: S102
    init = namespace["__init__"]
    original = target.__init__
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(original.__annotations__)
    init.__doc__ = original.__doc__
    init.__dataclass_init__ = original
    target.__init__ = init
    return cls
