"""Plain JSON values back to the Python values an event attribute holds.

Directed by the event class's annotations, so a Decimal comes back as a
Decimal and not a string. The target is what the event store itself returns
when it reads an event: sequences come back as lists (the store's JSON has no
tuples), value objects as their dataclasses, timestamps as aware datetimes.
Anything that does not fit its annotation is refused rather than guessed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Union
from uuid import UUID


class UnreadableEvent(ValueError):
    """A message that is not a well-formed event of a type this code knows."""


@cache
def attribute_types(cls: type) -> dict[str, Any]:
    """Resolved annotations of a class and its bases; unresolvable ones become Any."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if "__annotations__" not in klass.__dict__:
            continue
        try:
            resolved = typing.get_type_hints(klass, include_extras=False)
        except Exception:  # noqa: BLE001 - a name only imported for type checking
            resolved = {name: Any for name in klass.__dict__["__annotations__"]}
        for name in klass.__dict__["__annotations__"]:
            hint = resolved.get(name, Any)
            if typing.get_origin(hint) is typing.ClassVar:
                continue
            hints[name] = hint
    return hints


def decode_value(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any or hint is object:
        return value
    if origin in (Union, types.UnionType):
        return _decode_union(value, typing.get_args(hint), where)
    if value is None:
        if hint is type(None):
            return None
        raise UnreadableEvent(f"{where}: null where {_name(hint)} is required")
    if origin is typing.Literal:
        if value not in typing.get_args(hint):
            raise UnreadableEvent(f"{where}: {value!r} is not one of {typing.get_args(hint)}")
        return value
    if origin in (tuple, list, Sequence, typing.get_origin(Sequence[int])):
        return _decode_sequence(value, hint, where)
    if origin in (dict, Mapping, typing.get_origin(Mapping[str, int])):
        args = typing.get_args(hint)
        value_hint = args[1] if len(args) == 2 else Any
        if not isinstance(value, dict):
            raise UnreadableEvent(f"{where}: expected an object")
        return {str(k): decode_value(v, value_hint, f"{where}.{k}") for k, v in value.items()}
    if isinstance(hint, type):
        return _decode_scalar(value, hint, where)
    return value


def _decode_union(value: Any, options: tuple[Any, ...], where: str) -> Any:
    if value is None:
        if type(None) in options:
            return None
        raise UnreadableEvent(f"{where}: null is not allowed")
    errors = []
    for option in options:
        if option is type(None):
            continue
        try:
            return decode_value(value, option, where)
        except UnreadableEvent as error:
            errors.append(str(error))
    raise UnreadableEvent("; ".join(errors) or f"{where}: no type fits")


def _decode_sequence(value: Any, hint: Any, where: str) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise UnreadableEvent(f"{where}: expected an array")
    args = typing.get_args(hint)
    if len(args) == 2 and args[1] is Ellipsis:
        hints = [args[0]] * len(value)
    elif typing.get_origin(hint) is tuple and args:
        if len(args) != len(value):
            raise UnreadableEvent(f"{where}: expected {len(args)} items")
        hints = list(args)
    else:
        hints = [args[0] if args else Any] * len(value)
    return [
        decode_value(v, h, f"{where}[{i}]")
        for i, (v, h) in enumerate(zip(value, hints, strict=True))
    ]


def _decode_scalar(value: Any, hint: type, where: str) -> Any:
    if hint is bool or hint is int:
        if type(value) is not hint:
            raise UnreadableEvent(f"{where}: expected {hint.__name__}, got {value!r}")
        return value
    if isinstance(value, hint) and not (hint is date and isinstance(value, datetime)):
        return value
    for base in (str, int):
        if issubclass(hint, base) and type(value) is base:
            return value  # a str or int subclass (an enum, say): the store returns the plain value
    if dataclasses.is_dataclass(hint):
        return _decode_dataclass(value, hint, where)
    if not isinstance(value, str):
        raise UnreadableEvent(f"{where}: expected {hint.__name__} as a string, got {value!r}")
    try:
        if hint is Decimal:
            number = Decimal(value)
            if not number.is_finite():
                raise ValueError("not a finite number")
            return number
        if hint is datetime:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("timestamps must carry a UTC offset")
            return moment.astimezone(UTC)
        if hint is date:
            return date.fromisoformat(value)
        if hint is UUID:
            return UUID(value)
    except (ValueError, InvalidOperation) as error:
        raise UnreadableEvent(f"{where}: {value!r} is not a {hint.__name__} ({error})") from None
    raise UnreadableEvent(f"{where}: cannot read a {hint.__name__} from {value!r}")


def _decode_dataclass(value: Any, hint: type, where: str) -> Any:
    if not isinstance(value, dict):
        raise UnreadableEvent(f"{where}: expected an object for {hint.__name__}")
    fields = attribute_types(hint)
    names = {f.name for f in dataclasses.fields(hint)}
    if set(value) - names:
        raise UnreadableEvent(f"{where}: unknown fields {sorted(set(value) - names)}")
    try:
        return hint(
            **{k: decode_value(v, fields.get(k, Any), f"{where}.{k}") for k, v in value.items()}
        )
    except TypeError as error:
        raise UnreadableEvent(f"{where}: {error}") from None


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", str(hint))
