"""Topics are built only from valid values: a site name from a request or a message cannot add
a level to a topic or make it a wildcard (`kitchen/#`, `+`), which would publish where it must
not."""

from __future__ import annotations

import pytest

from hearth import topics


@pytest.mark.parametrize(
    "site", ["", "+", "#", "kitchen/#", "kitchen/../policy", "Kitchen", "kit chen", "a\0b"]
)
def test_a_topic_refuses_a_site_that_is_not_a_site_name(site: str) -> None:
    with pytest.raises(ValueError, match="site"):
        topics.TRANSCRIPT.topic(site)


def test_valid_sites_and_status_instances_make_topics() -> None:
    assert topics.TRANSCRIPT.topic("living_room") == "hearth/v1/stt/living_room/transcript"
    assert topics.status("wake", "Base-Server.local") == "hearth/v1/status/wake/Base-Server.local"
    with pytest.raises(ValueError):
        topics.status("wake", "host/+")
    assert topics.is_site_name("kitchen") and not topics.is_site_name("kitchen/#")


def test_a_filter_may_hold_a_wildcard_value_and_nothing_else_odd() -> None:
    assert topics.SERVICE_STATUS.filter_with("wake", "+") == "hearth/v1/status/wake/+"
    with pytest.raises(ValueError):
        topics.SERVICE_STATUS.filter_with("wake", "a/#")
