"""The layers point one way (docs/architecture.md, "What may import what"):

- the base package `hearth` imports no service;
- a service imports the base and itself, never another service;
- the wake runtime never imports its training package; training may use the wake engines' public
  modules (never a name that starts with an underscore) and the speech corpus (`hearth_voices`);
- the speech corpus imports only the base;
- an intent plugin imports only the plugin SDK (`hearth.plugins`) of Hearth: the example, the test
  plugins, what `hearth plugins new` writes, and the built-in plugins (which may also use the
  privacy names policy shares and the time answers' templates, never the host).

Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO

SERVICES = (
    "hearth_audio",
    "hearth_wake",
    "hearth_stt",
    "hearth_intent",
    "hearth_policy",
    "hearth_tts",
)
TRAINING = "hearth_wake_train"
VOICES = "hearth_voices"
ALLOWED: dict[str, set[str]] = {
    "hearth": {"hearth"},
    **{service: {"hearth", service} for service in SERVICES},
    TRAINING: {"hearth", TRAINING, "hearth_wake", VOICES},
    VOICES: {"hearth", VOICES},
}


def packages() -> dict[str, Path]:
    """Every first-party package and its directory."""
    found = {"hearth": REPO / "src" / "hearth"}
    for pattern in ("services/*/hearth_*/__init__.py", "training/hearth_*/__init__.py"):
        for init in sorted(REPO.glob(pattern)):
            found[init.parent.name] = init.parent
    return found


def imports(directory: Path) -> Iterator[tuple[Path, int, str]]:
    """(file, line, imported module) for every absolute import under a directory."""
    for path in sorted(directory.rglob("*.py")):
        if "v1" in path.relative_to(directory).parts[:1]:
            continue  # generated protocol code
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.lineno, node.module
                for alias in node.names:
                    yield path, node.lineno, f"{node.module}.{alias.name}"


def first_party(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top == "hearth" or top.startswith("hearth_") else None


def test_every_package_is_known() -> None:
    assert set(packages()) <= set(ALLOWED), "a new package needs its place in the layering"


@pytest.mark.parametrize("package", sorted(packages()))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path, line, module in imports(packages()[package])
        if (top := first_party(module)) is not None and top not in ALLOWED[package]
    ]
    assert not wrong, f"{package} may import only {sorted(ALLOWED[package])}:\n" + "\n".join(wrong)


PUBLIC_ENGINE_MODULES = (
    "hearth_wake.engines",
    "hearth_wake.engines.embedding",
    "hearth_wake.engines.speech_embedding",
    "hearth_wake.engines.wake_model",
)
"""What training may use of the wake runtime: the model file format and the embedding it reads."""


def test_training_uses_only_the_public_engine_modules_of_the_wake_runtime() -> None:
    directory = packages().get(TRAINING)
    if directory is None:
        pytest.fail("the training package is missing")
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path, line, module in imports(directory)
        if module.split(".")[0] == "hearth_wake"
        and (
            any(part.startswith("_") for part in module.split("."))
            or not module.startswith(PUBLIC_ENGINE_MODULES)
        )
    ]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The check itself can fail: a base module importing a service is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def later():\n    from hearth_stt.engines import base\n")
    found = [module for _, _, module in imports(tmp_path) if first_party(module)]
    assert "hearth_stt.engines" in found


def plugin_packages() -> dict[str, Path]:
    """Every plugin package in the repository (the example and the test plugins)."""
    found = {}
    for pattern in ("examples/*/hearth_*/__init__.py", "tests/plugins/*/hearth_*/__init__.py"):
        for init in sorted(REPO.glob(pattern)):
            found[init.parent.name] = init.parent
    return found


def sdk_violations(directory: Path, own: str, also: tuple[str, ...] = ()) -> list[str]:
    """Imports of Hearth other than the SDK, the package itself and `also`."""
    allowed = ("hearth.plugins", own, *also)
    return [
        f"{path.relative_to(directory.parent)}:{line} imports {module}"
        for path, line, module in imports(directory)
        if first_party(module) is not None
        and module != "hearth"  # `from hearth.plugins import x` also yields "hearth.plugins.x"
        and not any(module == name or module.startswith(name + ".") for name in allowed)
    ]


@pytest.mark.parametrize("package", sorted(plugin_packages()))
def test_a_plugin_imports_only_the_sdk(package: str) -> None:
    wrong = sdk_violations(plugin_packages()[package], package)
    assert not wrong, "a plugin may import only hearth.plugins:\n" + "\n".join(wrong)


BUILT_IN_PLUGINS = REPO / "services" / "intent" / "hearth_intent" / "plugins"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in BUILT_IN_PLUGINS.iterdir() if (p / "__init__.py").exists())
)
def test_built_in_plugins_use_only_the_public_hooks(name: str) -> None:
    """Each built-in plugin imports the SDK and itself (and the privacy commands' names, which
    policy shares): never the intent service that hosts it."""
    wrong = sdk_violations(
        BUILT_IN_PLUGINS / name, f"hearth_intent.plugins.{name}", ("hearth.privacy",)
    )
    assert not wrong, "\n".join(wrong)


def test_a_scaffolded_plugin_imports_only_the_sdk(tmp_path: Path) -> None:
    from hearth_intent.plugin_scaffold import scaffold

    scaffold("hello", tmp_path / "hearth-hello")
    package = tmp_path / "hearth-hello" / "hearth_hello"
    assert sdk_violations(package, "hearth_hello") == []


def test_the_plugin_checker_sees_a_host_import(tmp_path: Path) -> None:
    package = tmp_path / "hearth_bad"
    package.mkdir()
    (package / "__init__.py").write_text("from hearth_intent.service import IntentService\n")
    assert sdk_violations(package, "hearth_bad")
