"""Finding and loading intent plugins: the entry-point group `hearth.plugins`, pluggy's
PluginManager with Hearth's hook specifications, and what each plugin brings (sentences, slot
lists, handlers).

A plugin that cannot be imported, or whose hooks fail, is logged, counted
(`hearth_plugin_errors_total{plugin,kind}`) and left out: one broken package must not take the
assistant down. Both the service and `hearth plugins list` load plugins through here, so the list
shows exactly what the service would run.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
import yaml
from hassil import Intents

from hearth.plugins import PLUGIN_GROUP, PROJECT, Handler, hookspecs
from hearth.service import StartupError
from hearth_intent.intent_data import PluginSentences
from hearth_intent.intent_metrics import PLUGIN_ERRORS
from hearth_intent.settings import ALWAYS_ENABLED, PluginSelection

log = logging.getLogger(__name__)

PLUGIN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")
"""A plugin's name is part of its event topics and metrics: short, lowercase, no separators."""


class PluginConflict(StartupError):
    """Two enabled plugins claim one intent: the owner must disable one."""


@dataclass
class PluginRecord:
    """One plugin: installed or only named in the settings, and how it is doing."""

    name: str
    source: str = ""
    """Where it comes from: "package.module:object (distribution version)"."""
    enabled: bool = False
    installed: bool = True
    problems: list[str] = field(default_factory=list)
    """What failed, as "kind: what" (never anybody's words)."""
    handlers: dict[str, Handler] = field(default_factory=dict)
    sentences: PluginSentences | None = None

    @property
    def running(self) -> bool:
        """Enabled, installed, and neither its import nor its start failed."""
        return (
            self.enabled
            and self.installed
            and not any(p.startswith(("import", "start")) for p in self.problems)
        )

    @property
    def sentence_count(self) -> int:
        """How many sentence templates it brings for the language last collected."""
        if self.sentences is None:
            return 0
        return sum(
            len(block.get("sentences") or [])
            for intent in self.sentences.intents
            for block in self.sentences.blocks(intent)
        )


def describe_exception(exc: BaseException) -> str:
    """An exception's type and where it was raised, without its message (which may quote what
    somebody said)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{where}"


class PluginSet:
    """The installed plugins, the enabled ones loaded into one pluggy PluginManager."""

    def __init__(self, selection: PluginSelection) -> None:
        self.selection = selection
        self.manager = pluggy.PluginManager(PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}

    def load(self) -> None:
        """Import every enabled plugin found in the entry-point group."""
        for entry in _installed():
            record = PluginRecord(
                entry.name, source=_source(entry), enabled=self.selection.runs(entry.name)
            )
            self.records[entry.name] = record
            if record.enabled:
                self._register(record, entry)
        for name in (*self.selection.enabled, *ALWAYS_ENABLED):
            if name not in self.records and name not in self.selection.disabled:
                log.warning("plugin %s is enabled but not installed", name)
                self.records[name] = PluginRecord(name, enabled=True, installed=False)
        missing = [name for name in ALWAYS_ENABLED if not self.records[name].running]
        if missing:
            raise StartupError(
                f"plugin {', '.join(missing)} cannot be left out: "
                + "; ".join(p for name in missing for p in self.records[name].problems)
            )

    def add(self, name: str, plugin: object, source: str = "added directly") -> None:
        """Run a plugin object without an entry point (plugin_testing's PluginTester; the
        service itself finds plugins only through the entry-point group)."""
        self.records[name] = PluginRecord(name, source=source, enabled=True)
        self.manager.register(plugin, name=name)
        self.manager.check_pending()

    def _register(self, record: PluginRecord, entry: EntryPoint) -> None:
        if not PLUGIN_NAME.fullmatch(record.name):
            self.fail(record.name, "import", "its name must be lowercase letters, digits, - or _")
            return
        try:
            plugin = entry.load()
        except Exception as exc:  # a broken package must not stop the service
            self.fail(record.name, "import", describe_exception(exc), exc)
            return
        try:
            self.manager.register(plugin, name=record.name)
            self.manager.check_pending()
        except pluggy.PluginValidationError as exc:
            if self.manager.is_registered(plugin):
                self.manager.unregister(plugin)
            self.fail(record.name, "import", f"its hooks do not match the SDK: {exc}")

    def fail(self, name: str, kind: str, what: str, exc: BaseException | None = None) -> None:
        """Log and count a plugin's failure; an import or start failure leaves it out."""
        log.error("plugin %s failed (%s): %s", name, kind, what)
        PLUGIN_ERRORS.labels(name, kind).inc()
        record = self.records.setdefault(name, PluginRecord(name))
        record.problems.append(f"{kind}: {what}")
        del record.problems[:-20]  # a handler failing on every command must not grow this
        if kind in ("import", "start"):
            plugin = self.manager.get_plugin(name)
            if plugin is not None:
                self.manager.unregister(plugin)
            if name in ALWAYS_ENABLED and exc is not None:
                raise StartupError(f"plugin {name} failed ({kind}): {what}") from exc

    def running(self) -> list[str]:
        return sorted(name for name, record in self.records.items() if record.running)

    def implementations(self, hook: str) -> list[tuple[str, Callable[..., Any], tuple[str, ...]]]:
        """(plugin, function, argument names) of every running plugin implementing `hook`."""
        caller = getattr(self.manager.hook, hook)
        found = [
            (impl.plugin_name, impl.function, tuple(impl.argnames))
            for impl in caller.get_hookimpls()
            if impl.plugin_name in self.records and self.records[impl.plugin_name].running
        ]
        return sorted(found, key=lambda item: item[0])

    def collect_handlers(self) -> dict[str, tuple[str, Handler]]:
        """Intent → (plugin, handler); two plugins claiming one intent is a start-up error."""
        claimed: dict[str, tuple[str, Handler]] = {}
        conflicts: list[str] = []
        for name, hook, _ in self.implementations("hearth_handlers"):
            try:
                handlers = dict(hook() or {})
            except Exception as exc:
                self.fail(name, "start", f"hearth_handlers raised {describe_exception(exc)}", exc)
                continue
            self.records[name].handlers = handlers
            for intent, handler in handlers.items():
                if intent in claimed:
                    conflicts.append(
                        f"intent {intent} is claimed by both plugin {claimed[intent][0]} and "
                        f"plugin {name}"
                    )
                    continue
                claimed[intent] = (name, handler)
        if conflicts:
            raise PluginConflict("; ".join(conflicts) + " (disable one in intent.plugins.disabled)")
        return claimed

    def collect_sentences(self, language: str) -> list[PluginSentences]:
        """Each running plugin's sentences and slot lists for the language; a plugin whose hook
        fails or whose YAML does not parse is counted and brings nothing this time."""
        data: dict[str, Mapping[str, Any]] = {}
        for name, hook, _ in self.implementations("hearth_sentences"):
            try:
                text = hook(language)
                parsed = _parse_sentences(text, language) if text else {}
            except Exception as exc:
                self.fail(name, "sentences", describe_exception(exc))
                continue
            data[name] = parsed
        lists: dict[str, Mapping[str, Any]] = {}
        for name, hook, _ in self.implementations("hearth_slot_lists"):
            try:
                lists[name] = dict(hook(language) or {})
            except Exception as exc:
                self.fail(name, "slot_lists", describe_exception(exc))
        collected = []
        for name in self.running():
            record = self.records[name]
            record.sentences = PluginSentences(
                plugin=name,
                data=data.get(name, {}),
                slot_lists=lists.get(name, {}),
                handled=tuple(record.handlers),
            )
            collected.append(record.sentences)
        return collected


def _parse_sentences(text: str, language: str) -> dict[str, Any]:
    """A plugin's hassil YAML, checked: a mapping with `intents`, whose templates parse."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("intents"), dict):
        raise ValueError("sentences must be a mapping with an `intents` mapping")
    Intents.from_dict({"language": language, **data})  # raises on a template that does not parse
    return data


def _installed() -> list[EntryPoint]:
    """The group's entry points, one per name (the first on the path wins, as for imports)."""
    found: dict[str, EntryPoint] = {}
    for entry in entry_points(group=PLUGIN_GROUP):
        if entry.name in found:
            log.warning(
                "two installed plugins are called %s; using %s", entry.name, found[entry.name].value
            )
            continue
        found[entry.name] = entry
    return [found[name] for name in sorted(found)]


def _source(entry: EntryPoint) -> str:
    dist = entry.dist
    return f"{entry.value} ({dist.name} {dist.version})" if dist is not None else entry.value


def plugin_sentences(
    language: str, selection: PluginSelection | None = None
) -> list[PluginSentences]:
    """The sentences and slot lists of the plugins `selection` enables (default: the service's
    defaults), found as the service finds them: for tests and benchmarks that build the service's
    matcher or vocabulary outside the service."""
    plugins = PluginSet(selection or PluginSelection())
    plugins.load()
    plugins.collect_handlers()
    return plugins.collect_sentences(language)
