"""The demo home that the default configuration and the tests share.

One fixed, small home keeps the published vocabulary, the benchmarks and the tests
comparable across machines and releases.
"""

from __future__ import annotations

from hearth_intent.home import Device

DEMO_AREAS: tuple[str, ...] = ("kitchen", "bedroom", "living room", "office")

DEMO_DEVICES: tuple[Device, ...] = (
    Device(name="kitchen light", domain="light", area="kitchen"),
    Device(name="living room lamp", domain="light", area="living room"),
    Device(name="bedroom light", domain="light", area="bedroom"),
    Device(name="office fan", domain="fan", area="office"),
    Device(name="coffee maker", domain="switch", area="kitchen"),
)
