"""Write a report folder (report.html, results.json) without losing anything the user had."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import MultitrackError
from ..results import results_document
from ..scenario.model import Scenario
from .html import render_html

MARKER = ".multitrack-report"


class OutputError(MultitrackError):
    """The report folder cannot be written safely."""


def write_report(folder: str | Path, scenario: Scenario, results: dict[str, Any], *,
                 format: str = "html") -> dict[str, Path]:
    """Write ``report.html`` (or, with ``format="md"``, ``report.md`` and its SVG figures under
    ``figures/``) and ``results.json`` into ``folder``.

    The folder may be new, empty, or one multitrack wrote before (it holds a marker file);
    any other folder is refused so that nothing of the user's is overwritten. Each file is
    written to a temporary name and renamed, so a crash never leaves half a file.
    """
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputError(f"{out}: folder exists and was not written by multitrack; "
                          "choose another --out folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("This folder is written by multitrack analyze.\n", encoding="utf-8")
        paths = {"json": out / "results.json"}
        atomic_write_text(paths["json"], json.dumps(results_document(scenario, results), indent=2,
                                                ensure_ascii=False, allow_nan=False))
        if format == "md":
            paths["md"] = _write_markdown(out, scenario, results)
        else:
            paths["html"] = out / "report.html"
            atomic_write_text(paths["html"], render_html(scenario, results))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the report: {exc.strerror or exc}") from None
    return paths


def _write_markdown(out: Path, scenario: Scenario, results: dict[str, Any]) -> Path:
    from .markdown import render_markdown

    text, figures = render_markdown(scenario, results)
    for name, data in figures.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out / name, data)
    atomic_write_text(out / "report.md", text)
    return out / "report.md"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` so that ``path`` holds either its old content or all of the new."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either its old content or the whole new text."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
