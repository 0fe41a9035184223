"""PDF of the report and of the brief, printed by headless Chromium (Debian's ``chromium``): the
HTML the report already writes, laid out by a browser, so the PDF is what a reader would print.

Chromium is looked for at :data:`CHROMIUM` (then on the PATH); without it, :class:`PdfUnavailable`
says in one line what to install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MultitrackError

#: Where Debian installs Chromium.
CHROMIUM = "/usr/bin/chromium"
#: Flags for a headless print that touches no network and no profile of the user's.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-pdf-header-footer")
#: Seconds a print may take before it is given up.
TIMEOUT = 120


class PdfUnavailable(MultitrackError):
    """No browser to print with, or the print failed: a one-line message."""


def chromium_path() -> str:
    """The Chromium executable, or :class:`PdfUnavailable` saying what to install."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise PdfUnavailable(f"PDF output needs Chromium, not found at {CHROMIUM} or on the PATH: install it "
                         "(Debian/Ubuntu: apt-get install chromium) and try again")


def html_to_pdf(html: str, out: Path) -> Path:
    """Print the HTML document ``html`` to the PDF file ``out`` with headless Chromium."""
    browser = chromium_path()
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="multitrack-pdf-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "out.pdf"
        cmd = [browser, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={target}",
               page.as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"{out}: Chromium could not print the PDF ({exc})") from None
        if not target.exists() or target.stat().st_size == 0:
            raise PdfUnavailable(f"{out}: Chromium wrote no PDF (ran {browser})")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, out)
        except OSError as exc:
            raise PdfUnavailable(f"{out}: cannot write: {exc.strerror or exc}") from None
    return out


def page_count(pdf: bytes) -> int:
    """Pages of a PDF, by its page objects (``/Type /Page``, not ``/Pages``): enough for the PDFs
    Chromium writes, whose objects are not compressed into streams."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
