"""Privacy you can prove, against the real stack: what is kept and when it goes, forgetting by
voice and by command, the audit chain finding tampering, and one session when several sites hear
a command.

Commands are spoken as a person would say them to the default English stack: the wake word by
espeak-ng (the family the shipped wake model hears), the command by Piper, heard by Whisper. The
stack keeps transcripts for a few seconds (so expiry can be watched) and has opted in to
keeping audio clips (so the opt-in path is exercised); the defaults are checked in
tests/stack/test_english_commands.py.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hearth import events
from hearth.v1 import policy_pb2, policy_pb2_grpc
from tests import timeouts
from tests.support import EventWatcher, Stack, events_of, stack_config, start_stack

pytestmark = pytest.mark.stack
TRANSCRIPT_S = 8.0
PURGE_INTERVAL_S = 0.5


@pytest.fixture(scope="module")
def privacy_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-privacy")
    config = stack_config(
        tmp,
        stt={"language": "en"},  # the default English engine, Whisper
        policy={
            "retention": {
                "transcript_s": TRANSCRIPT_S,
                "purge_interval_s": PURGE_INTERVAL_S,
                "audio_s": 3600,
            }
        },
    )
    stack = start_stack(tmp, config)
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def say(woken_say: Callable[[str], Path]) -> Callable[[str], Path]:
    """The wake word by espeak-ng, the command by Piper (tests/conftest.py): voices the shipped
    wake model and Whisper hear."""
    return woken_say


def _command(
    stack: Stack, say: Callable[..., Path], text: str, site: str = "kitchen"
) -> dict[str, Any]:
    """Speak a command at a site; returns its intent.recognized event."""
    result = stack.run_file(say(text), "--site", site, "--fast")
    assert result.returncode == 0, (
        f"{text!r}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return next(e for e in events_of(result) if e["event"] == "intent.recognized")


def _export(stack: Stack) -> list[dict[str, Any]]:
    result = stack.hearth("privacy", "export")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout)["items"])


def _held(
    stack: Stack, session_id: str, wait_for: set[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The items held for one session by class; waits until `wait_for` classes are there (policy
    records a session once its end and its intent have both arrived)."""
    deadline = time.monotonic() + timeouts.EVENT_S
    while True:
        held = {item["class"]: item for item in _export(stack) if item["session_id"] == session_id}
        if wait_for is None or wait_for <= set(held) or time.monotonic() > deadline:
            return held
        time.sleep(0.3)


def _policy(stack: Stack) -> policy_pb2_grpc.PolicyStub:
    return policy_pb2_grpc.PolicyStub(stack.channel("policy"))


def test_a_command_is_kept_with_its_expiry_and_the_transcript_is_purged_after_it(
    privacy_stack: Stack, say: Callable[..., Path]
) -> None:
    recognized = _command(privacy_stack, say, "hey hestia, turn on the kitchen lights")
    session_id = recognized["header"]["session_id"]
    held = _held(privacy_stack, session_id, {"session", "transcript", "intent", "audio"})
    assert held["transcript"]["text"] == recognized["text"]
    assert held["intent"]["text"] == "HassTurnOn"
    assert held["session"]["outcome"] == "intent"
    assert held["audio"]["audio_pcm16le_16khz_mono_base64"], (
        "the owner opted in, so the session's audio is kept"
    )
    for item in held.values():
        assert item["expires_at"] > item["created_at"], "every stored item has an expiry"

    time.sleep(TRANSCRIPT_S + 2 * PURGE_INTERVAL_S + 1.0)
    after = _held(privacy_stack, session_id)
    assert "transcript" not in after, "the transcript outlived its retention"
    assert {"intent", "session", "audio"} <= set(after), (
        "other classes keep their own, longer, expiry"
    )
    assert (
        privacy_stack.metric(
            "policy", "hearth_privacy_items_purged_total", **{"class": "transcript"}
        )
        >= 1
    )
    verify = privacy_stack.hearth("privacy", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_what_did_you_hear_reads_back_the_last_transcript_and_keeps_no_transcript_of_itself(
    privacy_stack: Stack, say: Callable[..., Path]
) -> None:
    first = _command(privacy_stack, say, "hey hestia, turn on the office fan")
    _held(privacy_stack, first["header"]["session_id"], {"transcript"})
    asked = _command(privacy_stack, say, "hey hestia, what did you hear")
    assert asked["intent"] == "HearthWhatDidYouHear"
    assert first["text"] in asked["speech"], asked["speech"]
    own = _held(privacy_stack, asked["header"]["session_id"], {"session"})
    assert set(own) == {"session"}, "a privacy command's words are not kept"


def test_delete_what_i_just_said_forgets_the_previous_session_only(
    privacy_stack: Stack, say: Callable[..., Path]
) -> None:
    kept = _command(privacy_stack, say, "hey hestia, turn off the bedroom light")
    _held(privacy_stack, kept["header"]["session_id"], {"transcript", "intent"})
    regretted = _command(privacy_stack, say, "hey hestia, what time is it")
    _held(privacy_stack, regretted["header"]["session_id"], {"transcript", "intent"})
    delete = _command(privacy_stack, say, "hey hestia, delete what I just said")
    assert delete["intent"] == "HearthForgetLast"
    assert delete["speech"] == "I deleted your last command in this room."
    assert _held(privacy_stack, regretted["header"]["session_id"]) == {}
    # The earlier session is untouched. Its transcript may have expired meanwhile (this stack keeps
    # transcripts for TRANSCRIPT_S only), so the intent and the session-log entry are what tell.
    assert {"intent", "session"} <= set(_held(privacy_stack, kept["header"]["session_id"]))


def test_a_probable_false_wake_is_counted_and_keeps_no_transcript(
    privacy_stack: Stack, say: Callable[..., Path]
) -> None:
    before = privacy_stack.metric("policy", "hearth_probable_false_wakes_total", site="kitchen")
    result = privacy_stack.run_file(
        say("hey hestia, bananas grow on tall green plants"), "--site", "kitchen", "--fast"
    )
    ended = [e for e in events_of(result) if e["event"] == "session.ended"]
    assert ended, result.stdout + result.stderr
    session_id = ended[0]["header"]["session_id"]
    held = _held(privacy_stack, session_id, {"session"})
    assert held["session"]["outcome"] == "not_recognized"
    assert "transcript" not in held
    assert (
        privacy_stack.metric("policy", "hearth_probable_false_wakes_total", site="kitchen")
        == before + 1
    )
    report = json.loads(privacy_stack.hearth("privacy", "report", "--json").stdout)
    today = [d for d in report["days"] if d["site"] == "kitchen"]
    assert today and today[-1]["probableFalseWakes"] >= 1


def test_two_sites_hear_one_command_and_the_one_that_heard_it_best_gets_the_session(
    privacy_stack: Stack,
) -> None:
    policy = _policy(privacy_stack)
    watcher = EventWatcher(privacy_stack)
    # Both sites are listening (each holds a capture lease, as its audio service would).
    leases = [
        policy.HoldCapture(policy_pb2.CaptureRequest(site=site, client="test"))
        for site in ("kitchen", "living_room")
    ]
    try:
        assert all(next(lease).allowed for lease in leases)
        detected = events.now_timestamp()
        futures = [
            policy.RequestSession.future(
                policy_pb2.SessionRequest(
                    site=site,
                    wake_word="hey hestia",
                    score=score,
                    level_dbfs=-20,
                    detected_at=detected,
                ),
                timeout=timeouts.RPC_S,
            )
            for site, score in (("kitchen", 0.62), ("living_room", 0.91))
        ]
        kitchen, living_room = (f.result() for f in futures)
        assert living_room.granted and not kitchen.granted
        assert kitchen.superseded and "living_room" in kitchen.reason
        refused = watcher.wait_for("/session/kitchen/refused")
        assert "superseded" in refused["reason"]
        policy.EndSession(
            policy_pb2.SessionEndRequest(
                session_id=living_room.session_id, site="living_room", outcome="CANCELLED"
            ),
            timeout=timeouts.RPC_S,
        )
    finally:
        for lease in leases:
            lease.cancel()
        watcher.close()
    assert (
        privacy_stack.metric(
            "policy", "hearth_sessions_total", site="kitchen", outcome="superseded"
        )
        >= 1
    )


def test_forget_from_the_command_line(privacy_stack: Stack, say: Callable[..., Path]) -> None:
    unknown = privacy_stack.hearth("privacy", "forget", "--site", "attic", "--all")
    assert unknown.returncode == 2 and "unknown site 'attic'" in unknown.stderr
    bad_time = privacy_stack.hearth("privacy", "forget", "--since", "yesterday-ish")
    assert bad_time.returncode == 2 and "ISO 8601" in bad_time.stderr
    _command(privacy_stack, say, "hey hestia, turn on the kitchen lights")
    while True:  # an export with no purge during it
        purged_before = privacy_stack.metric("policy", "hearth_privacy_items_purged_total")
        before = len(_export(privacy_stack))
        if privacy_stack.metric("policy", "hearth_privacy_items_purged_total") == purged_before:
            break
    assert before > 0
    # Two forgets at once: between them every item is deleted exactly once (transcripts here expire
    # in
    # seconds, so the purge may take some first).
    first, second = (
        privacy_stack.hearth_async("privacy", "forget", "--since", "today") for _ in range(2)
    )
    outputs = [process.communicate(timeout=timeouts.CLI_S)[0] for process in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    deleted = sum(int(out.split()[1]) for out in outputs)
    purged = privacy_stack.metric("policy", "hearth_privacy_items_purged_total") - purged_before
    assert deleted + purged == before, (outputs, purged)
    assert _export(privacy_stack) == []


def test_delete_everything_i_said_today_by_voice(
    privacy_stack: Stack, say: Callable[..., Path]
) -> None:
    _command(privacy_stack, say, "hey hestia, turn off the bedroom light")
    _command(privacy_stack, say, "hey hestia, turn on the office fan")
    forget = _command(privacy_stack, say, "hey hestia, delete everything I said today")
    assert forget["intent"] == "HearthForgetToday", forget
    assert forget["speech"].startswith("I deleted everything you said in this room today"), forget
    left = [
        item
        for item in _export(privacy_stack)
        if item["site"] == "kitchen" and item["class"] != "session"
    ]
    assert left == []


def test_stop_listening_by_voice_mutes_the_site(
    privacy_stack: Stack, say: Callable[..., Path]
) -> None:
    watcher = EventWatcher(privacy_stack)
    try:
        stop = _command(privacy_stack, say, "hey hestia, stop listening", site="office")
        assert stop["intent"] == "HearthStopListening"
        state = watcher.wait_for("/policy/office/mute", where=lambda e: e.get("muted") is True)
        assert state["changed_by"] == "voice"
        sites = privacy_stack.hearth("sites").stdout
        assert "office         muted" in sites
        report = json.loads(privacy_stack.hearth("privacy", "report", "--json").stdout)
        assert any(
            change["site"] == "office" and change.get("muted") and change["changedBy"] == "voice"
            for change in report["muteHistory"]
        )
    finally:
        watcher.close()
        assert privacy_stack.hearth("unmute", "office").returncode == 0


def test_mute_survives_a_restart_of_policy(privacy_stack: Stack) -> None:
    assert privacy_stack.hearth("mute", "bedroom").returncode == 0
    try:
        mark = privacy_stack.mark()
        os.kill(privacy_stack.service_pid("policy"), signal.SIGKILL)
        privacy_stack.wait_for_log(
            r"hearth: policy is back", after=mark, timeout=timeouts.STACK_START_S
        )
        assert "bedroom        muted" in privacy_stack.hearth("sites").stdout
        watcher = EventWatcher(privacy_stack)
        try:
            assert watcher.wait_for("/policy/bedroom/mute")["muted"] is True, (
                "the retained state says muted"
            )
        finally:
            watcher.close()
    finally:
        assert privacy_stack.hearth("unmute", "bedroom").returncode == 0


def _tamper(stack: Stack, sql: str, *params: object) -> None:
    db = sqlite3.connect(Path(stack.config["data_dir"]) / "policy.db")
    db.execute(sql, params)
    db.commit()
    db.close()


def test_audit_chain_finds_an_edited_and_a_removed_entry(privacy_stack: Stack) -> None:
    # Entries of its own (every mute change is audited), so the chain is long enough whatever ran
    # before; then, with nothing held, no purge appends entries while it is tampered with below.
    for _ in range(5):
        assert privacy_stack.hearth("mute", "bedroom").returncode == 0
        assert privacy_stack.hearth("unmute", "bedroom").returncode == 0
    assert privacy_stack.hearth("privacy", "forget", "--all").returncode == 0
    watcher = EventWatcher(privacy_stack)
    try:
        ok = privacy_stack.hearth("privacy", "verify")
        assert ok.returncode == 0, ok.stdout
        head = watcher.wait_for("/audit/head")
        assert int(head["length"]) >= 10 and len(head["head"]) == 64
        assert privacy_stack.metric("policy", "hearth_audit_chain_valid") == 1
        assert privacy_stack.metric("policy", "hearth_audit_chain_length") >= int(head["length"])
    finally:
        watcher.close()

    db_path = Path(privacy_stack.config["data_dir"]) / "policy.db"
    row = (
        sqlite3.connect(db_path)
        .execute("SELECT seq, count FROM audit ORDER BY seq LIMIT 1 OFFSET 2")
        .fetchone()
    )
    _tamper(privacy_stack, "UPDATE audit SET count = count + 5 WHERE seq = ?", row[0])
    edited = privacy_stack.hearth("privacy", "verify")
    assert edited.returncode == 1
    assert f"entry {row[0]} was edited" in edited.stdout
    assert privacy_stack.metric("policy", "hearth_audit_chain_valid") == 0
    _tamper(privacy_stack, "UPDATE audit SET count = ? WHERE seq = ?", row[1], row[0])
    assert privacy_stack.hearth("privacy", "verify").returncode == 0

    last = (
        sqlite3.connect(db_path).execute("SELECT * FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    )
    _tamper(privacy_stack, "DELETE FROM audit WHERE seq = ?", last[0])
    truncated = privacy_stack.hearth("privacy", "verify")
    assert truncated.returncode == 1
    assert "removed from the end" in truncated.stdout
    _tamper(privacy_stack, f"INSERT INTO audit VALUES ({', '.join('?' * len(last))})", *last)
    assert privacy_stack.hearth("privacy", "verify").returncode == 0
