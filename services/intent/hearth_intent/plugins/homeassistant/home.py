"""What Home Assistant says the home holds, as sayable slot lists: area names and the friendly
names of the entities people command."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeSnapshot:
    areas: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def slot_lists(self) -> dict[str, Sequence[str | tuple[str, str]]]:
        """`area` and `name` lists: spoken as words (lowercase, no punctuation, which a
        recogniser's vocabulary cannot hold), the value Home Assistant's own name (its intent API
        matches names and areas as they are written there)."""
        return {"area": _spoken(self.areas), "name": _spoken(self.names)}


def entity_names(states: Iterable[Mapping[str, Any]], domains: Iterable[str]) -> tuple[str, ...]:
    """Friendly names of the entities in `domains`, from GET /api/states; unnamed entities and
    other domains are left out, duplicates kept once, sorted so a snapshot compares stably."""
    wanted = set(domains)
    names: set[str] = set()
    for state in states:
        entity_id = state.get("entity_id")
        if not isinstance(entity_id, str) or entity_id.split(".", 1)[0] not in wanted:
            continue
        attributes = state.get("attributes")
        name = attributes.get("friendly_name") if isinstance(attributes, Mapping) else None
        if isinstance(name, str) and name.strip():
            names.add(" ".join(name.split()))
    return tuple(sorted(names))


def area_names(rendered: str) -> tuple[str, ...]:
    """Area names from the rendered AREA_NAMES_TEMPLATE (a JSON list)."""
    try:
        value = json.loads(rendered)
    except ValueError:
        raise ValueError("the area template did not render a JSON list") from None
    if not isinstance(value, list):
        raise ValueError("the area template did not render a JSON list")
    return tuple(sorted({" ".join(v.split()) for v in value if isinstance(v, str) and v.strip()}))


_NOT_SPOKEN = re.compile(r"[^\w']+")


def spoken(name: str) -> str:
    """A name as it is said: "Living-Room Lamp (TV)" → "living room lamp tv"."""
    return " ".join(_NOT_SPOKEN.sub(" ", name.lower()).replace("_", " ").split())


def _spoken(values: Iterable[str]) -> list[str | tuple[str, str]]:
    return [(spoken(value), value) for value in values if spoken(value)]
