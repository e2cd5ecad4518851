"""`hearth plugins list`: every installed intent plugin, whether it is enabled, what fails and
why, and the intents and sentences it brings, loaded exactly as the intent service loads them
(without starting any: nothing is contacted).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path

from hearth.service import StartupError
from hearth.settings import SettingsError, load_settings
from hearth_intent.plugin_loading import PluginConflict, PluginRecord, PluginSet
from hearth_intent.settings import IntentSettings, PluginSelection


def run(config: Path | None) -> int:
    try:
        _, settings = load_settings("intent", IntentSettings, config)
    except SettingsError as exc:
        print(f"hearth plugins: {exc}", file=sys.stderr)
        return 2
    logging.disable(logging.ERROR)  # failures are in the table, not repeated as log lines
    problems = _service_view(settings)
    records = _every_plugin(settings)
    print(render(records.values()))
    for problem in problems:
        print(f"\nthe intent service would not start: {problem}")
    return 1 if problems else 0


def _service_view(settings: IntentSettings) -> list[str]:
    """What stops the service at start, as the service sees it (enabled plugins only)."""
    plugins = PluginSet(settings.plugins)
    try:
        plugins.load()
        plugins.collect_handlers()
    except (StartupError, PluginConflict) as exc:
        return [str(exc)]
    return []


def _every_plugin(settings: IntentSettings) -> dict[str, PluginRecord]:
    """Every installed plugin loaded (disabled ones too, to say what they would bring); the
    enabled flags are the settings'."""
    plugins = PluginSet(PluginSelection(enabled=_installed_names()))
    try:
        plugins.load()
    except StartupError:
        pass
    try:
        plugins.collect_handlers()
    except PluginConflict:
        pass  # reported by the service's view when both are enabled
    plugins.collect_sentences(settings.language)
    for name, record in plugins.records.items():
        record.enabled = settings.plugins.runs(name)
    for name in settings.plugins.enabled:
        if name not in plugins.records and settings.plugins.runs(name):
            plugins.records[name] = PluginRecord(name, enabled=True, installed=False)
    return dict(sorted(plugins.records.items()))


def _installed_names() -> tuple[str, ...]:
    from importlib.metadata import entry_points

    from hearth.plugins import PLUGIN_GROUP

    return tuple(entry.name for entry in entry_points(group=PLUGIN_GROUP))


def state(record: PluginRecord) -> str:
    if not record.installed:
        return "not installed"
    if any(p.startswith(("import", "start", "sentences", "slot_lists")) for p in record.problems):
        return "failing" if record.enabled else "disabled, failing"
    return "enabled" if record.enabled else "disabled"


def render(records: Iterable[PluginRecord]) -> str:
    """The list as people read it: one paragraph per plugin."""
    lines = []
    for record in records:
        intents = sorted(
            {*record.handlers, *(record.sentences.intents if record.sentences else ())}
        )
        lines.append(f"{record.name}: {state(record)}")
        if record.source:
            lines.append(f"  from      {record.source}")
        if intents:
            lines.append(f"  intents   {', '.join(intents)}")
            lines.append(f"  sentences {record.sentence_count}")
        for problem in record.problems:
            lines.append(f"  problem   {problem}")
    return "\n".join(lines) if lines else "no intent plugins installed"
