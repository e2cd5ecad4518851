"""`hearth plugins new NAME`: a plugin package that works as it is written (its test passes right
away), to be edited into the real thing. docs/plugins.md walks through it.
"""

from __future__ import annotations

from pathlib import Path

from hearth_intent.plugin_loading import PLUGIN_NAME


def package_name(name: str) -> str:
    return "hearth_" + name.replace("-", "_")


def intent_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_")) + "Hello"


def scaffold(name: str, directory: Path) -> list[Path]:
    """Write the package for plugin `name` into `directory` (which must not exist yet)."""
    if not PLUGIN_NAME.fullmatch(name):
        raise ValueError(
            f"plugin name {name!r}: lowercase letters, digits, - or _, starting with a letter "
            "or digit"
        )
    if directory.exists():
        raise FileExistsError(f"{directory} already exists")
    package = package_name(name)
    values = {"name": name, "package": package, "intent": intent_name(name)}
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{package}/__init__.py": INIT,
        f"{package}/plugin.py": PLUGIN,
        f"{package}/sentences/en.yaml": SENTENCES,
        f"tests/test_{package}.py": TEST,
    }
    written = []
    for relative, template in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
        written.append(path)
    return written


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "hearth-{name}"
version = "0.1.0"
description = "A Hearth intent plugin"
requires-python = ">=3.11"
# The SDK (hearth.plugins) comes with Hearth; the tests use its intent service.
dependencies = ["hearth"]

# How Hearth finds the plugin: its name, and the object with the @hookimpl functions.
[project.entry-points."hearth.plugins"]
{name} = "{package}.plugin"

[tool.setuptools]
packages = ["{package}"]

[tool.setuptools.package-data]
{package} = ["sentences/*.yaml"]
"""

README = """\
# hearth-{name}

A Hearth intent plugin. Install it next to Hearth and enable it:

    pip install -e .
    # hearth.yaml
    intent:
      plugins:
        enabled: [time, privacy, timer, {name}]

Then say "say hello to alice". Run its test with `python -m pytest tests`.
"""

INIT = '''\
"""hearth-{name}: a Hearth intent plugin (the hooks are in plugin.py)."""
'''

PLUGIN = '''\
"""The {name} plugin: its sentences (sentences/<language>.yaml) and its handler.

A plugin imports only `hearth.plugins` (and its own dependencies).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hearth.plugins import Handler, IntentContext, Response, hookimpl

SENTENCES = Path(__file__).parent / "sentences"


@hookimpl
def hearth_sentences(language: str) -> str | None:
    """hassil YAML for the language, or None when the plugin does not speak it."""
    path = SENTENCES / f"{{language}}.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else None


async def say_hello(context: IntentContext) -> Response:
    person = context.value("person", "there")
    return Response(speech=f"Hello, {{person}}!")


@hookimpl
def hearth_handlers() -> Mapping[str, Handler]:
    return {{"{intent}": say_hello}}
'''

SENTENCES = """\
# What people say to reach the plugin, in hassil's template format (the same as
# home-assistant-intents): [optional], (one|or|other), {{list}} for a slot.
# These sentences are also what the speech recogniser is taught.
language: en
intents:
  {intent}:
    data:
      - sentences:
          - "say hello to {{person}}"
          - "[please] greet {{person}}"
lists:
  person:
    values:
      - alice
      - bob
"""

TEST = '''\
"""The plugin through Hearth's matcher and its handler, as the intent service runs it."""

from __future__ import annotations

from pathlib import Path

from hearth_intent.plugin_testing import PluginTester
from {package} import plugin


def test_says_hello(tmp_path: Path) -> None:
    with PluginTester(plugin, "{name}", data_dir=tmp_path) as tester:
        assert tester.ask("say hello to alice").speech == "Hello, alice!"
        assert tester.ask("please greet bob").speech == "Hello, bob!"
        assert "say hello to bob" in tester.vocabulary()
'''
