"""Records: classes of named fields, written and behaving as ``@dataclass``
makes them, for a fraction of its start-up.

Every value of the model, and most small classes beside it, is a record.
``dataclasses`` cost a small ``mountscope tree`` about a third of its run:
importing it imports inspect (and with it ast, dis and tokenize), and it
compiles six methods from source for each class, 19 classes on that path
(together about 50 ms of 150 ms, measured on a 10-mount table). A record is
declared the same way, annotated fields with defaults and
``field(default_factory=...)`` for a new list or dict each time, and gets the
same behaviour: an ``__init__`` taking the fields in order, then calling
``__post_init__`` if the class has one; equality on the fields; a repr; with
``frozen=True`` a hash of the fields and an error on any assignment; with
``slots=True`` no ``__dict__``. Only ``__init__`` is compiled, once per class
(as ``collections.namedtuple`` makes its ``__new__``), so that building a
record costs no more than building the dataclass (half as much for a Mount:
a frozen record with slots stores each field through its slot). The other
methods are the functions below, shared by every record, or closures over
one getter of all the fields; comparing two records that way takes about
twice as long as a dataclass's compiled ``__eq__``, on no hot path.
``replace``, ``field_names`` and ``as_dict`` stand for
``dataclasses.replace``, ``fields`` and ``asdict``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

# typing.TYPE_CHECKING, without importing typing at run time: typing is
# about 8 ms of a start-up that nothing else on the way to a tree needs.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform, overload

    T = TypeVar("T")
    R = TypeVar("R")
else:
    # For type checkers only: ``record`` makes classes the way ``dataclass`` does.
    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated


class FrozenRecordError(AttributeError):
    """An assignment to a field of a frozen record."""


class _DefaultFactory:
    """What ``field()`` leaves in a class body: made anew for each record."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A field whose default is made by ``default_factory`` for each record
    (a list or a dict that no two records share)."""
    return _DefaultFactory(default_factory)  # type: ignore[return-value]


if TYPE_CHECKING:  # (the two forms of the decorator)

    @overload
    def record(cls: type[T], /) -> type[T]: ...

    @overload
    def record(*, frozen: bool = False, slots: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(
    cls: type[T] | None = None, /, *, frozen: bool = False, slots: bool = False
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a record: ``@record`` or ``@record(frozen=True, slots=True)``."""
    if cls is None:
        return lambda cls: _make_record(cls, frozen, slots)
    return _make_record(cls, frozen, slots)


def replace(value: R, /, **changes: Any) -> R:
    """A copy of the record ``value`` with the fields ``changes`` names set
    anew (its ``__init__`` and ``__post_init__`` run again, as for any record)."""
    fields = as_dict(value)
    fields.update(changes)  # (a name that is not a field: __init__'s TypeError)
    return type(value)(**fields)


def field_names(value: object) -> tuple[str, ...]:
    """The field names of a record or a record class, in order."""
    names: tuple[str, ...] = getattr(value, "__record_fields__")  # noqa: B009
    return names


def as_dict(value: object) -> dict[str, Any]:
    """The fields of a record by name, their values as they are (not copied)."""
    return {name: getattr(value, name) for name in field_names(value)}


def is_record(value: object) -> bool:
    """Whether ``value`` is a record (not a record class)."""
    return hasattr(type(value), "__record_fields__")


# --- what every record shares ---------------------------------------------------------


def _equality(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], bool]:
    """``__eq__`` of a record class, given the function of its field values."""

    def __eq__(self: Any, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) == values(other)

    return __eq__


def _hash_of(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    """``__hash__`` of a frozen record class, given the function of its field values."""

    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _repr(self: Any) -> str:
    fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_fields__)
    return f"{type(self).__qualname__}({fields})"


def _refuse_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _refuse_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


# Pickling and copying a frozen record with slots: the default restores each
# slot by assignment, which the record refuses.
def _getstate(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in self.__record_fields__)


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for name, value in zip(self.__record_fields__, state, strict=True):
        object.__setattr__(self, name, value)


# --- making one ------------------------------------------------------------------------

_NO_DEFAULT = object()  # a field's default when its class gives none
_NOT_GIVEN = object()  # a parameter's default when the field's is made by a factory
_MUTABLE_DEFAULTS = (list, dict, set, bytearray)


def _make_record(cls: Any, frozen: bool, slots: bool) -> Any:
    annotations: dict[str, str] = cls.__dict__.get("__annotations__", {})
    names = tuple(
        name
        for name, kind in annotations.items()
        if not str(kind).startswith(("ClassVar", "typing.ClassVar"))
    )
    defaults = {name: cls.__dict__.get(name, _NO_DEFAULT) for name in names}
    for name, default in defaults.items():
        if isinstance(default, _MUTABLE_DEFAULTS):
            raise TypeError(
                f"{cls.__qualname__}.{name}: a {type(default).__name__} default would be "
                "shared by every record; use field(default_factory=...)"
            )
    if slots:
        # Slots are made with the class: make it again, with them, and
        # without the defaults in its body (they would hide the slots).
        body = {k: v for k, v in cls.__dict__.items() if k not in defaults}
        body.pop("__dict__", None)
        body.pop("__weakref__", None)
        body["__slots__"] = names
        cls = type(cls)(cls.__name__, cls.__bases__, body)
    else:
        for name, default in defaults.items():
            if isinstance(default, _DefaultFactory):
                delattr(cls, name)  # (the default is made by __init__)
    values = _values_getter(names)
    methods: dict[str, Callable[..., Any] | None] = {
        "__init__": _init(cls, names, defaults, frozen, slots),
        "__repr__": _repr,
        "__eq__": _equality(values),
        # As dataclasses do: a record that can change cannot be hashed.
        "__hash__": _hash_of(values) if frozen else None,
    }
    if frozen:
        methods |= {"__setattr__": _refuse_setattr, "__delattr__": _refuse_delattr}
        if slots:
            methods |= {"__getstate__": _getstate, "__setstate__": _setstate}
    written = sorted(name for name in methods if name in cls.__dict__ and name != "__hash__")
    if written:
        raise TypeError(f"{cls.__qualname__}: a record's {', '.join(written)} are made for it")
    cls.__record_fields__ = names
    for name, method in methods.items():
        setattr(cls, name, method)
    return cls


def _values_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function of a record that gives its fields' values as a tuple."""
    if len(names) >= 2:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return lambda value: ()


def _init(
    cls: type, names: tuple[str, ...], defaults: dict[str, Any], frozen: bool, slots: bool
) -> Callable[..., None]:
    """``__init__``, compiled for this class: the fields as parameters in
    order, each stored the fastest way the class allows (through its slot,
    or past the frozen record's refusal), then ``__post_init__``.

    The source is checked and written with the class, and compiled when the
    first record of the class is made: a run makes records of few of the
    classes it imports, and compiling them all took 3 ms of every start."""
    scope: dict[str, Any] = {"_record_not_given": _NOT_GIVEN, "_record_setattr": object.__setattr__}
    parameters, lines = [], []
    defaulted = False
    for name in names:
        default = defaults[name]
        value = name
        if isinstance(default, _DefaultFactory):
            scope[f"_record_make_{name}"] = default.make
            parameters.append(f"{name}=_record_not_given")
            value = f"_record_make_{name}() if {name} is _record_not_given else {name}"
        elif default is not _NO_DEFAULT:
            scope[f"_record_default_{name}"] = default
            parameters.append(f"{name}=_record_default_{name}")
        elif defaulted:
            raise TypeError(f"{cls.__qualname__}.{name}: a field without a default after one with")
        else:
            parameters.append(name)
        defaulted = default is not _NO_DEFAULT
        if frozen and slots:
            scope[f"_record_set_{name}"] = cls.__dict__[name].__set__
            lines.append(f"    _record_set_{name}(self, {value})")
        elif frozen:
            lines.append(f"    _record_setattr(self, {name!r}, {value})")
        else:
            lines.append(f"    self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(lines) or "    pass")

    def first_init(self: Any, *args: Any, **kwargs: Any) -> None:
        exec(source, scope)  # (made of the class's own field names: identifiers)
        init: Callable[..., None] = scope["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        init.__module__ = cls.__module__
        cls.__init__ = init  # type: ignore[misc]  # (every record after this one)
        init(self, *args, **kwargs)

    first_init.__qualname__ = f"{cls.__qualname__}.__init__"
    first_init.__module__ = cls.__module__
    return first_init
