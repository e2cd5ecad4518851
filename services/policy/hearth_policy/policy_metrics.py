"""Metrics only policy can give: mute, sessions by outcome, what is held, and the audit chain.

Labels are sites, classes and outcomes: bounded sets. docs/metrics.md lists them all.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from hearth_policy.store import RETENTION_CLASSES

SITE_MUTED = Gauge(
    "hearth_site_muted", "1 while the site is muted (policy's record, the authority)", ["site"]
)
SESSIONS = Counter(
    "hearth_sessions_total",
    "Sessions by how they ended: intent, not_recognized, timeout, error, cancelled, superseded, "
    "refused",
    ["site", "outcome"],
)
MUTED_WITHOUT_STATE = Counter(
    "hearth_policy_sites_muted_without_state_total",
    "Sites that started muted because the store held no state for them (a site added to the "
    "configuration, or its row removed from the store)",
    ["site"],
)
FALSE_WAKES = Counter(
    "hearth_probable_false_wakes_total", "Sessions that ended with nothing recognised", ["site"]
)
ITEMS_HELD = Gauge(
    "hearth_privacy_items_held", "Items held now, per retention class and site", ["class", "site"]
)
OLDEST_AGE = Gauge(
    "hearth_privacy_oldest_item_age_seconds",
    "Age of the oldest item held, per retention class (0 when none)",
    ["class"],
)
PURGED = Counter(
    "hearth_privacy_items_purged_total", "Items removed because they expired", ["class"]
)
FORGOTTEN = Counter(
    "hearth_privacy_items_forgotten_total", "Items deleted on request (forget)", ["class"]
)
PURGE_FAILURES = Counter("hearth_privacy_purge_failures_total", "Purges that failed")
LAST_PURGE = Gauge(
    "hearth_privacy_last_purge_timestamp_seconds", "When the last purge succeeded (Unix time)"
)
STORE_WRITABLE = Gauge(
    "hearth_privacy_store_writable",
    "1 while items can be stored; 0 when the disk or the store's cap is full",
)
NOT_STORED = Counter(
    "hearth_privacy_items_not_stored_total",
    "Items that could not be stored (store full)",
    ["class"],
)
AUDIT_ENTRIES = Counter("hearth_audit_entries_total", "Audit entries appended by this process")
AUDIT_LENGTH = Gauge("hearth_audit_chain_length", "Sequence number of the audit chain's last entry")
AUDIT_HEAD = Gauge(
    "hearth_audit_chain_head", "First 12 hex digits of the audit chain head's hash, as a number"
)
AUDIT_VALID = Gauge(
    "hearth_audit_chain_valid", "1 when the audit chain verified at the last check, else 0"
)
AUDIT_CHECKPOINT_MATCH = Gauge(
    "hearth_audit_checkpoint_match",
    "1 when, at policy's start, the audit chain held the head checkpointed outside the database; "
    "0 when it was cut short or rewritten from some entry",
)
RATE_LIMITED = Counter(
    "hearth_policy_rate_limited_total",
    "Requests refused because their caller (or site) asked too often",
    ["kind"],
)
RATE_LIMITED_KINDS = ("privacy_forget", "privacy_export", "session_request")
SESSION_OUTCOMES = (
    "intent",
    "not_recognized",
    "timeout",
    "error",
    "cancelled",
    "superseded",
    "refused",
)


def create_series(sites: tuple[str, ...]) -> None:
    """Every site, class and outcome at zero from the start, so a dashboard shows 0, not "no data",
    and an increase() over the first event is counted."""
    for site in sites:
        FALSE_WAKES.labels(site)
        MUTED_WITHOUT_STATE.labels(site)
        for outcome in SESSION_OUTCOMES:
            SESSIONS.labels(site, outcome)
    for kind in RATE_LIMITED_KINDS:
        RATE_LIMITED.labels(kind)
    for retention_class in RETENTION_CLASSES:
        PURGED.labels(retention_class)
        FORGOTTEN.labels(retention_class)
        NOT_STORED.labels(retention_class)
    STORE_WRITABLE.set(1)
