"""Engines by name: the built-in ones from a table, third-party ones from an entry-point group.

A service that can run one of several engines (wake words, speech to text) asks its registry for
an engine by the configured name and gets an :class:`EngineSpec`: the engine's name, the type of
its options and how to load it. Built-in engines are listed as ``"module:attribute"`` strings and
imported only when asked for, so one engine's library may be absent without breaking the others.
A third-party package adds an engine by naming its spec in the service's entry-point group, e.g.
``[project.entry-points."hearth.wake_engines"] snowboy = "hearth_snowboy:SNOWBOY"``.
A built-in name wins over an entry point of the same name.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeVar

import pydantic

OptionsT = TypeVar("OptionsT")
EngineT = TypeVar("EngineT", covariant=True)


class RegistryError(Exception):
    """An engine cannot be found, imported or configured; the message is meant for the owner."""


class UnknownEngineError(RegistryError):
    """No engine of that name is built in or registered."""


class EngineImportError(RegistryError):
    """An engine is registered but its module (or the package it needs) does not import."""


class EngineOptionsError(RegistryError):
    """Options given for an engine do not fit its options type."""


@dataclass(frozen=True)
class EngineSpec(Generic[OptionsT, EngineT]):
    """One kind of engine: what it is called, what options it takes, and how to load it.

    ``load`` may block (it reads models): services call it off the event loop.
    """

    name: str
    options_type: type[OptionsT]
    load: Callable[[OptionsT], EngineT]

    def parse_options(self, values: Mapping[str, Any], setting: str) -> OptionsT:
        """Options from configuration (e.g. ``wake.engine_options``), checked field by field.

        ``setting`` names where the values came from, for the error message.
        """
        unknown = sorted(set(values) - set(option_fields(self.options_type)))
        if unknown:
            raise EngineOptionsError(
                f"{setting}: engine {self.name!r} has no option {', '.join(map(repr, unknown))}; "
                f"its options are: {', '.join(option_fields(self.options_type)) or '(none)'}"
            )
        try:
            return pydantic.TypeAdapter(self.options_type).validate_python(dict(values))
        except pydantic.ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or 'value'}: {error['msg']}"
                for error in exc.errors()
            )
            raise EngineOptionsError(f"{setting} for engine {self.name!r}: {problems}") from exc


def option_fields(options_type: type) -> tuple[str, ...]:
    """The field names of an options type: a dataclass or a pydantic model."""
    if dataclasses.is_dataclass(options_type):
        return tuple(field.name for field in dataclasses.fields(options_type))
    if isinstance(options_type, type) and issubclass(options_type, pydantic.BaseModel):
        return tuple(options_type.model_fields)
    return ()


def _group_entry_points(group: str) -> Callable[[], Iterable[EntryPoint]]:
    return lambda: entry_points(group=group)


class Registry(Generic[EngineT]):
    """The engines one service can run; ``kind`` (e.g. "wake engine") names them in errors."""

    def __init__(
        self,
        kind: str,
        built_in: Mapping[str, str],
        group: str,
        *,
        find_entry_points: Callable[[], Iterable[EntryPoint]] | None = None,
    ) -> None:
        self.kind = kind
        self.built_in = dict(built_in)
        self.group = group
        self._find_entry_points = find_entry_points or _group_entry_points(group)

    def names(self) -> tuple[str, ...]:
        """Every engine that can be asked for, built-in or registered, sorted."""
        return tuple(sorted({*self.built_in, *self._plugins()}))

    def get(self, name: str) -> EngineSpec[Any, EngineT]:
        """The named engine's spec; imports its module now (not the engine's model)."""
        if name in self.built_in:
            return self._import(name, self.built_in[name], "hearth (built in)")
        plugin = self._plugins().get(name)
        if plugin is None:
            raise UnknownEngineError(
                f"unknown {self.kind} {name!r}; available: {', '.join(self.names())}"
            )
        package = plugin.dist.name if plugin.dist is not None else plugin.module.split(".")[0]
        return self._import(name, plugin.value, f"package {package}")

    def _plugins(self) -> dict[str, EntryPoint]:
        return {entry.name: entry for entry in self._find_entry_points()}

    def _import(self, name: str, target: str, origin: str) -> EngineSpec[Any, EngineT]:
        module_name, _, attribute = target.partition(":")
        try:
            found: object = importlib.import_module(module_name)
            for part in attribute.split("."):
                found = getattr(found, part)
        except Exception as exc:  # an engine's package may fail in any way: say which one
            raise EngineImportError(
                f"the {self.kind} {name!r} ({target}, from {origin}) could not be loaded: {exc}"
            ) from exc
        if not isinstance(found, EngineSpec):
            raise EngineImportError(
                f"the {self.kind} {name!r} ({target}, from {origin}) is not an EngineSpec"
            )
        return found
