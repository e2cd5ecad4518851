"""What Hearth keeps on disk is its owner's alone: no file or directory under a running stack's
data directory is readable by the group or by other users (the store of what was said, the
keys, the audit checkpoint, the broker's state)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hearth import topics
from tests.support import EventWatcher, stack_config, start_stack

pytestmark = pytest.mark.stack


def _shared(data_dir: Path) -> list[str]:
    paths = [data_dir, *data_dir.rglob("*")]
    return [
        f"{path} {stat.filemode(path.stat().st_mode)}"
        for path in paths
        if path.exists() and path.stat().st_mode & 0o077
    ]


def test_nothing_under_the_data_directory_is_readable_by_others(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, stack_config(tmp_path, stt={"engine": "pocketsphinx"}))
    try:
        watcher = EventWatcher(stack, topics.AUDIT_HEAD.topic())
        try:
            watcher.wait_for("/audit/head")  # policy has opened its store and written to it
        finally:
            watcher.close()
        assert stack.hearth("mute", "kitchen").returncode == 0
        data_dir = Path(stack.config["data_dir"])
        assert (data_dir / "policy.db").exists() and (data_dir / "secrets").is_dir()
        assert _shared(data_dir) == []
    finally:
        stack.stop()
