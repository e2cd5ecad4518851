"""hearth.registry: engines by name, built-in from a table or third-party from an entry point."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hearth.registry import (
    EngineImportError,
    EngineOptionsError,
    EngineSpec,
    Registry,
    UnknownEngineError,
)

GROUP = "hearth.test_engines"

PLUGIN_MODULE = """
from dataclasses import dataclass

from hearth.registry import EngineSpec


@dataclass(frozen=True)
class EchoOptions:
    word: str = "hello"
    times: int = 1


def load(options: EchoOptions) -> str:
    return " ".join([options.word] * options.times)


ECHO = EngineSpec(name="echo", options_type=EchoOptions, load=load)
"""


def install_plugin(
    root: Path, distribution: str, group: str, entries: dict[str, str], module: str = ""
) -> Path:
    """A fake installed distribution under ``root``: a module and a dist-info with entry points.

    Put ``root`` on sys.path (or PYTHONPATH) and importlib.metadata finds it as if pip had
    installed it.
    """
    root.mkdir(parents=True, exist_ok=True)
    package = distribution.replace("-", "_")
    if module:
        (root / f"{package}.py").write_text(textwrap.dedent(module))
    info = root / f"{package}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n")
    lines = [f"[{group}]", *(f"{name} = {target}" for name, target in entries.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture()
def on_path(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("hearth_echo")]:
            del sys.modules[name]


@dataclass(frozen=True)
class BuiltInOptions:
    loud: bool = False


BUILT_IN = EngineSpec(name="builtin", options_type=BuiltInOptions, load=lambda o: "built in")


def registry() -> Registry[str]:
    return Registry("test engine", {"builtin": f"{__name__}:BUILT_IN"}, GROUP)


def test_a_built_in_engine_is_found_by_name() -> None:
    spec = registry().get("builtin")
    assert spec is BUILT_IN and spec.load(BuiltInOptions()) == "built in"


def test_an_unknown_name_lists_what_is_available(on_path: Path) -> None:
    install_plugin(on_path, "hearth-echo", GROUP, {"echo": "hearth_echo:ECHO"}, PLUGIN_MODULE)
    with pytest.raises(
        UnknownEngineError, match=r"unknown test engine 'nope'; available: builtin, echo"
    ):
        registry().get("nope")


def test_an_entry_point_engine_is_found_with_its_options(on_path: Path) -> None:
    install_plugin(on_path, "hearth-echo", GROUP, {"echo": "hearth_echo:ECHO"}, PLUGIN_MODULE)
    assert registry().names() == ("builtin", "echo")
    spec = registry().get("echo")
    options = spec.parse_options({"word": "hi", "times": "2"}, "test.engine_options")
    assert spec.load(options) == "hi hi"


def test_an_entry_point_that_fails_to_import_names_its_package(on_path: Path) -> None:
    install_plugin(on_path, "hearth-broken", GROUP, {"broken": "hearth_broken_missing:SPEC"})
    with pytest.raises(EngineImportError, match=r"'broken'.*package hearth-broken.*No module"):
        registry().get("broken")


def test_an_entry_point_that_is_not_a_spec_is_refused(on_path: Path) -> None:
    install_plugin(on_path, "hearth-echo", GROUP, {"odd": "hearth_echo:load"}, PLUGIN_MODULE)
    with pytest.raises(EngineImportError, match="'odd'.*not an EngineSpec"):
        registry().get("odd")


def test_a_built_in_name_wins_over_an_entry_point(on_path: Path) -> None:
    install_plugin(on_path, "hearth-echo", GROUP, {"builtin": "hearth_echo:ECHO"}, PLUGIN_MODULE)
    assert registry().get("builtin") is BUILT_IN


def test_options_are_checked_field_by_field() -> None:
    with pytest.raises(EngineOptionsError, match=r"has no option 'quiet'; its options are: loud"):
        BUILT_IN.parse_options({"quiet": True}, "test.engine_options")
    with pytest.raises(EngineOptionsError, match=r"test.engine_options .*'builtin'.*loud"):
        BUILT_IN.parse_options({"loud": "very"}, "test.engine_options")
    assert BUILT_IN.parse_options({}, "test.engine_options") == BuiltInOptions()
