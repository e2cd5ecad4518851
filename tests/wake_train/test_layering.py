"""Training depends on the wake engine's public modules, never the reverse (issue 10): the wake
service installs and runs without the `wake-train` extra."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support import REPO

WAKE_SERVICE = REPO / "services" / "wake" / "hearth_wake"
TRAINING = REPO / "training" / "hearth_wake_train"
PUBLIC_ENGINE_MODULES = {
    "hearth_wake.engines",
    "hearth_wake.engines.embedding",
    "hearth_wake.engines.speech_embedding",
    "hearth_wake.engines.wake_model",
}


def imports(package: Path) -> Iterator[tuple[Path, str, tuple[str, ...]]]:
    """(file, imported module, names taken from it) for every import in the package."""
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name, ()
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module, tuple(alias.name for alias in node.names)


def test_the_wake_service_never_imports_training() -> None:
    found = [f"{path}: {module}" for path, module, _ in imports(WAKE_SERVICE)]
    assert not [line for line in found if "hearth_wake_train" in line]


def test_training_uses_only_the_engines_public_names() -> None:
    wake_imports = [
        (path, module, names)
        for path, module, names in imports(TRAINING)
        if module.split(".")[0] in {"hearth_wake", "hearth_audio"}
    ]
    assert wake_imports, "the training package is expected to use the wake engine"
    for path, module, names in wake_imports:
        assert module in PUBLIC_ENGINE_MODULES, f"{path.name} imports {module}"
        assert not [name for name in names if name.startswith("_")], f"{path.name}: {names}"


def test_training_imports_no_service() -> None:
    services = {"hearth_audio", "hearth_stt", "hearth_intent", "hearth_policy"}
    assert not [
        f"{path.name}: {module}"
        for path, module, _ in imports(TRAINING)
        if module.split(".")[0] in services
    ]
