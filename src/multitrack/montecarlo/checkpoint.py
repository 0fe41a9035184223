"""Where finished chunks are kept: in memory, or in one checkpoint file that lets a run resume.

The checkpoint file is a zip of ``.npy`` arrays plus a JSON header (format version and the run's
fingerprint); it is read without pickle and replaced atomically, so a kill never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import MultitrackError

ChunkResult = dict[str, np.ndarray]

FORMAT = "multitrack-checkpoint"
VERSION = 1
_HEADER = "header.json"


class CheckpointError(MultitrackError):
    """A checkpoint file that cannot be used for this run, or cannot be written."""


class ChunkStore(Protocol):
    """Keeps finished chunk results by chunk index."""

    def get(self, index: int) -> ChunkResult | None: ...

    def put(self, index: int, result: ChunkResult) -> None: ...

    def flush(self) -> None: ...

    def describe(self) -> str: ...


class MemoryStore:
    """Keeps chunks in a dict for the life of the run; nothing survives an interrupt."""

    def __init__(self) -> None:
        self.chunks: dict[int, ChunkResult] = {}

    def get(self, index: int) -> ChunkResult | None:
        return self.chunks.get(index)

    def put(self, index: int, result: ChunkResult) -> None:
        self.chunks[index] = result

    def flush(self) -> None:
        """Nothing to write."""

    def describe(self) -> str:
        return "memory only (no checkpoint file)"


class CheckpointFile:
    """Finished chunks of one run in one file: read on open, rewritten at most every ``interval`` s."""

    def __init__(self, path: str | Path, fingerprint: str, *, interval: float = 1.0) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.interval = interval
        self.chunks: dict[int, ChunkResult] = _read(self.path, fingerprint) if self.path.exists() else {}
        self._dirty = False
        self._last_write = float("-inf")

    def get(self, index: int) -> ChunkResult | None:
        return self.chunks.get(index)

    def put(self, index: int, result: ChunkResult) -> None:
        """Keep one finished chunk; write the file unless it was written less than ``interval`` ago."""
        arrays = {name: np.asarray(value) for name, value in result.items()}
        for name, array in arrays.items():
            if array.dtype.hasobject or not name or "/" in name:
                raise CheckpointError(f"{self.path}: cannot keep array {name!r} of chunk {index} "
                                      f"(needs a plain name and a non-object dtype)")
        self.chunks[index] = arrays
        self._dirty = True
        if time.monotonic() - self._last_write >= self.interval:
            self.flush()

    def flush(self) -> None:
        """Write every chunk kept so far, if any changed since the last write."""
        if self._dirty:
            _write(self.path, self.fingerprint, self.chunks)
            self._dirty = False
            self._last_write = time.monotonic()

    def describe(self) -> str:
        return f"checkpoint file {self.path}"


def _not_ours(path: Path, why: str) -> CheckpointError:
    return CheckpointError(f"{path}: not a multitrack checkpoint ({' '.join(why.split())})")


def _read(path: Path, fingerprint: str) -> dict[int, ChunkResult]:
    """The chunks in ``path``; raises CheckpointError when it is not a checkpoint of this run."""
    try:
        with zipfile.ZipFile(path) as archive:
            header = _header(path, archive)
            if header.get("fingerprint") != fingerprint:
                raise CheckpointError(
                    f"{path}: checkpoint belongs to another run (different scenario, settings, seed or "
                    f"number of draws); nothing changed -- delete it or choose another file")
            return _chunks(path, archive, header)
    except CheckpointError:
        raise
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise _not_ours(path, getattr(exc, "strerror", None) or str(exc) or type(exc).__name__) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise _not_ours(path, f"damaged content: {exc}") from None


def _header(path: Path, archive: zipfile.ZipFile) -> dict:
    """The checked header of an open checkpoint archive."""
    if _HEADER not in archive.namelist():
        raise _not_ours(path, "no header")
    header = json.loads(archive.read(_HEADER).decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _not_ours(path, "unknown header")
    if header.get("version") != VERSION:
        raise _not_ours(path, f"format version {header.get('version')!r}, this multitrack reads {VERSION}")
    if not isinstance(header.get("chunks"), dict):
        raise _not_ours(path, "header lists no chunks")
    return header


def _chunks(path: Path, archive: zipfile.ZipFile, header: dict) -> dict[int, ChunkResult]:
    """Every chunk the header lists, read from its ``.npy`` members without pickle."""
    chunks: dict[int, ChunkResult] = {}
    for index, names in header["chunks"].items():
        arrays = {}
        for name in names:
            with archive.open(f"{int(index)}/{name}.npy") as member:
                arrays[str(name)] = np.lib.format.read_array(member, allow_pickle=False)
        chunks[int(index)] = arrays
    return chunks


def _write(path: Path, fingerprint: str, chunks: dict[int, ChunkResult]) -> None:
    """Replace ``path`` atomically: write a temporary file beside it, fsync, then rename over."""
    header = {"format": FORMAT, "version": VERSION, "fingerprint": fingerprint,
              "chunks": {str(i): list(chunks[i]) for i in sorted(chunks)}}
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot write checkpoint ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr(_HEADER, json.dumps(header))
                for index in sorted(chunks):
                    for name, array in chunks[index].items():
                        with archive.open(f"{index}/{name}.npy", "w", force_zip64=True) as member:
                            np.lib.format.write_array(member, array, allow_pickle=False)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise CheckpointError(f"{path}: cannot write checkpoint ({exc.strerror or exc})") from None
        raise

