"""Which of Hearth's pip extras are installed: a command or service that needs an extra says
which one to install, instead of failing on an ImportError deep inside.

Read from the installed distribution's own metadata (Requires-Dist), so it always matches
pyproject.toml.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution, requires

DISTRIBUTION = "hearth"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[([^\]]*)\])?")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def requirements(extra: str, _seen: frozenset[str] = frozenset()) -> list[str]:
    """Names of the distributions an extra needs, its nested extras (`hearth[wake]`) expanded."""
    names: list[str] = []
    for line in requires(DISTRIBUTION) or []:
        requirement, _, marker = line.partition(";")
        wanted = _EXTRA.search(marker)
        if wanted is None or wanted.group(1) != extra:
            continue
        match = _NAME.match(requirement)
        if match is None:
            continue
        name, nested = match.group(1), match.group(3)
        if name.lower() == DISTRIBUTION and nested:
            for inner in nested.split(","):
                inner = inner.strip()
                if inner and inner not in _seen:
                    names += requirements(inner, _seen | {extra})
        else:
            names.append(name)
    return list(dict.fromkeys(names))


def missing(extra: str) -> list[str]:
    """The distributions of an extra that are not installed (empty when the extra is complete)."""
    absent = []
    for name in requirements(extra):
        try:
            distribution(name)
        except PackageNotFoundError:
            absent.append(name)
    return absent


def install_hint(extra: str, absent: list[str]) -> str:
    return f"pip install 'hearth[{extra}]' (missing: {', '.join(absent)})"
