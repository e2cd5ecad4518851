"""What a finished session leaves in the store, decided without a store: words only when worth
keeping, and never those of a privacy command."""

from __future__ import annotations

from pathlib import Path

from hearth import privacy
from hearth.v1 import policy_pb2
from hearth_policy.ledger import OpenSession, SessionLedger
from hearth_policy.recorder import SessionRecorder
from hearth_policy.retention import Retention
from hearth_policy.settings import PolicySettings, RetentionSettings
from tests.policy.fakes import RecordingBus, Rejections, writer


def _recorder(tmp: Path, **retention: object) -> SessionRecorder:
    settings = PolicySettings(retention=RetentionSettings(**retention))  # type: ignore[arg-type]
    guard = writer(tmp, RecordingBus())
    return SessionRecorder(
        settings,
        b"k" * 32,
        SessionLedger(settings.session_settle_s),
        guard,
        Retention(settings.retention, guard, ("kitchen",)),
        Rejections(),
    )


def _session(**result: object) -> OpenSession:
    session = OpenSession("s1", "kitchen", "t1", deadline=0.0, transcript="turn on the light")
    for name, value in result.items():
        setattr(session, name, value)
    return session


def _classes(recorder: SessionRecorder, session: OpenSession) -> list[str]:
    return [item.retention_class for item in recorder.items_to_keep(session)]


def test_an_understood_command_keeps_its_transcript_and_intent(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path)
    classes = _classes(recorder, _session(intent="HassTurnOn"))
    assert classes == ["session", "transcript", "intent"]


def test_a_privacy_command_keeps_only_the_session_log_entry(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path)
    assert _classes(recorder, _session(intent=privacy.FORGET_LAST)) == ["session"]


def test_a_probable_false_wake_keeps_its_words_only_when_the_owner_asked(tmp_path: Path) -> None:
    unrecognized = _session(not_recognized=True)
    assert _classes(_recorder(tmp_path), unrecognized) == ["session"]
    opted_in = _recorder(tmp_path, keep_unrecognized_transcripts=True)
    assert _classes(opted_in, unrecognized) == ["session", "transcript"]


def test_clips_are_refused_unless_the_owner_opted_in(tmp_path: Path) -> None:
    request = policy_pb2.KeepClipRequest(site="kitchen", session_id="s1", token="x", pcm=b"")
    assert "not opted in" in _recorder(tmp_path).clip_refusal(request)
    assert "invalid session token" in _recorder(tmp_path, audio_s=60).clip_refusal(request)
