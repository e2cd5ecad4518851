"""Running one plugin through the matcher and its handler the way the intent service does, for a
plugin's own tests (what `hearth plugins new` scaffolds uses this):

    from hearth_intent.plugin_testing import PluginTester
    from hearth_hello import plugin

    def test_says_hello(tmp_path):
        with PluginTester(plugin, "hello", data_dir=tmp_path) as tester:
            assert tester.ask("say hello to alice").speech == "Hello, alice!"

The matcher holds the plugin's intents only (and the demo home's areas and devices), the handler
runs with the same timeout and isolation as in the service, events are kept in `events`, and the
privacy operations are refused (there is no policy in a test).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from hearth.plugins import Response
from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES
from hearth_intent.matcher import IntentMatch, IntentMatcher
from hearth_intent.plugin_host import NoPolicy, PluginRuntime
from hearth_intent.plugin_loading import PluginSet
from hearth_intent.settings import PluginSelection


class PluginTester:
    """One plugin, started, with a matcher of its intents; use as a context manager."""

    def __init__(
        self,
        plugin: object,
        name: str,
        *,
        language: str = "en",
        settings: Mapping[str, Any] | None = None,
        data_dir: Path | None = None,
        sites: tuple[str, ...] = ("kitchen",),
        timeout_s: float = 5.0,
    ) -> None:
        self.name = name
        self.language = language
        self.sites = sites
        self.events: list[tuple[str, str, Mapping[str, Any]]] = []
        """(site, name, data) of every event the plugin published."""
        self._temporary = None if data_dir else tempfile.TemporaryDirectory()
        root = data_dir or Path(self._temporary.name)  # type: ignore[union-attr]
        self.plugins = PluginSet(PluginSelection(enabled=(name,)))
        self.plugins.add(name, plugin)
        self.runtime = PluginRuntime(
            self.plugins,
            language=language,
            sites=sites,
            settings={name: dict(settings or {})},
            timeout_s=timeout_s,
            data_root=root,
            publish=self._publish,
            refresh=self._refresh,
        )
        self.matcher: IntentMatcher | None = None
        self._loop = asyncio.new_event_loop()

    def __enter__(self) -> PluginTester:
        self._loop.run_until_complete(self.runtime.start())
        self._build()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._loop.run_until_complete(self.runtime.stop())
        self._loop.close()
        if self._temporary is not None:
            self._temporary.cleanup()

    def understand(self, text: str) -> IntentMatch | None:
        """The intent and slots the text is matched to, or None."""
        assert self.matcher is not None, "use PluginTester as a context manager"
        return self.matcher.recognize(text, area=DEMO_AREAS[0])

    def ask(self, text: str, site: str | None = None) -> Response:
        """Match the text and run the plugin's handler; a text no intent matches fails."""
        match = self.understand(text)
        assert match is not None, f"no intent of plugin {self.name} matches {text!r}"
        response = self._loop.run_until_complete(
            self.runtime.handle(
                match,
                site=site or self.sites[0],
                session_id="test",
                now=datetime.now().astimezone(),
                privacy=NoPolicy(),
            )
        )
        assert response is not None, f"plugin {self.name} has no handler for {match.intent}"
        return response

    def vocabulary(self) -> tuple[str, ...]:
        """The sentences stt would be taught for the plugin's intents."""
        assert self.matcher is not None, "use PluginTester as a context manager"
        return self.matcher.vocabulary()[0]

    def _build(self) -> None:
        sentences = self.plugins.collect_sentences(self.language)
        self.matcher = IntentMatcher(
            self.language, intents=(), areas=DEMO_AREAS, devices=DEMO_DEVICES, plugins=sentences
        )

    async def _publish(self, plugin: str, site: str, name: str, data: Mapping[str, Any]) -> None:
        self.events.append((site, name, dict(data)))

    async def _refresh(self) -> None:
        self._build()
