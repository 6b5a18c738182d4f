"""Records behave as the dataclasses they replaced: each class here is made
both ways from the same body, and every behaviour the code relies on is
compared (construction, defaults, equality, hashing, repr, freezing, slots,
copies with changes); the model's records are pickled as well."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mountscope.model import Mount, MountTable
from mountscope.model.signals import Signals
from mountscope.record import FrozenRecordError, field, field_names, is_record, record, replace


def both(frozen: bool, slots: bool) -> tuple[type, type]:
    """The same class body made a dataclass and a record."""

    def body() -> type:
        class Point:
            x: int
            y: str = "y"
            tags: list[str] = dataclasses.field(default_factory=list)

            @property
            def label(self) -> str:
                return f"{self.x}{self.y}"

        return Point

    def body_record() -> type:
        class Point:
            x: int
            y: str = "y"
            tags: list[str] = field(default_factory=list)

            @property
            def label(self) -> str:
                return f"{self.x}{self.y}"

        return Point

    made = dataclasses.dataclass(frozen=frozen, slots=slots)(body())
    return made, record(frozen=frozen, slots=slots)(body_record())


def hashed(value: object) -> int | type[Exception]:
    try:
        return hash(value)
    except TypeError:
        return TypeError


SHAPES = [(frozen, slots) for frozen in (False, True) for slots in (False, True)]


@pytest.mark.parametrize(("frozen", "slots"), SHAPES)
@given(x=st.integers(), y=st.text(max_size=5), tags=st.lists(st.text(max_size=3), max_size=3))
def test_a_record_behaves_as_the_dataclass_of_the_same_body(frozen, slots, x, y, tags):
    dc, rc = both(frozen, slots)
    for args, kwargs in [
        ((x,), {}),
        ((x, y), {}),
        ((), {"x": x, "tags": tags}),
        ((x, y, tags), {}),
    ]:
        d, r = dc(*args, **kwargs), rc(*args, **kwargs)
        assert dataclasses.astuple(d) == tuple(getattr(r, n) for n in field_names(r))
        assert repr(r) == repr(d).replace(dc.__qualname__, rc.__qualname__)
        assert r.label == d.label
        assert r == rc(*args, **kwargs) and r != replace(r, x=x + 1)
        assert r != d and (r == (x,)) is False  # another class is never equal
        assert hasattr(r, "__dict__") is hasattr(d, "__dict__")
        if frozen:
            # (a list field makes both unhashable, as a tuple would not)
            assert hashed(r) == hashed(rc(*args, **kwargs)) and type(hashed(r)) is type(hashed(d))
            with pytest.raises(FrozenRecordError):
                r.x = 1
            with pytest.raises(AttributeError):
                del r.y
        else:
            with pytest.raises(TypeError):
                hash(r)
            r.x = 5
            assert r.x == 5
        changed = replace(r, y="z")
        assert changed.y == "z" and changed.x == r.x and type(changed) is rc
        assert replace(r) == r
        assert copy.copy(r) == r and copy.deepcopy(r) == r


def test_a_default_made_by_a_factory_is_made_for_each_record():
    _, Point = both(frozen=True, slots=True)
    one, two = Point(1), Point(1)
    assert one.tags == [] and one.tags is not two.tags


def test_the_constructor_refuses_what_the_dataclass_refuses():
    _, Point = both(frozen=True, slots=True)
    with pytest.raises(TypeError):
        Point()  # x has no default
    with pytest.raises(TypeError):
        Point(1, z=2)
    with pytest.raises(TypeError):
        replace(Point(1), z=2)


@pytest.mark.parametrize("frozen,slots", [(False, False), (True, False), (True, True)])
def test_the_constructor_is_compiled_by_the_first_record_made(frozen, slots):
    """A class's __init__ is compiled when its first record is made, and
    that first call is checked as every later one: a wrong first call
    refuses, and the class then keeps the compiled constructor."""

    @record(frozen=frozen, slots=slots)
    class Point:
        x: int
        y: int = 0

    waiting = Point.__init__
    with pytest.raises(TypeError):
        Point()  # x has no default: refused by the compiled constructor
    compiled = Point.__init__
    assert compiled is not waiting and compiled.__qualname__.endswith("Point.__init__")
    assert Point(1) == Point(x=1, y=0) and Point.__init__ is compiled
    with pytest.raises(TypeError):
        Point(1, z=2)


def test_post_init_runs_after_the_fields_are_set():
    @record(frozen=True)
    class Rounded:
        value: float
        places: int = 0

        def __post_init__(self) -> None:
            object.__setattr__(self, "value", round(self.value, self.places))

    assert Rounded(2.6).value == 3 and replace(Rounded(1.26, 1), places=0).value == 1


def test_a_class_that_cannot_be_a_record_is_refused_where_it_is_declared():
    with pytest.raises(TypeError, match="shared by every record"):

        @record
        class Shared:
            items: list[str] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="without a default after one with"):

        @record
        class Ordered:
            a: int = 0
            b: int

    with pytest.raises(TypeError, match="made for it"):

        @record
        class OwnEquality:
            a: int

            def __eq__(self, other: object) -> bool:
                return True


def test_the_model_is_made_of_records():
    mount = Mount("/", "/dev/vda1", "ext4")
    table = MountTable((mount,), "mountinfo", "t", frozenset({"target"}))
    assert is_record(mount) and is_record(table) and not is_record(Mount)
    assert "target" in field_names(Mount) and field_names(mount) == field_names(Mount)
    assert not hasattr(mount, "__dict__")  # slots: 50 000 of them stay small
    with pytest.raises(AttributeError):
        mount.target = "/x"
    # (survey workers send what they read back pickled)
    for value in (mount, table, Signals(env={"A": "b"}, virtio_devices=["0x0002"])):
        assert pickle.loads(pickle.dumps(value)) == value
