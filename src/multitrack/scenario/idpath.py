"""Id paths into a scenario file: ``tracks.ukraine-status.issues.accession-moratorium.positions.RUS
.red_lines[0].below``. Read here into segments (names, ``[n]`` positions, ``["quoted keys"]``);
resolved over the file's data in :mod:`.setpath`. Apart from it so that the variants, which carry
such paths, can check them without importing the loader."""

from __future__ import annotations

import re

from ..errors import MultitrackError

_SEGMENT = re.compile(r"""(?:^|\.)(?P<name>[A-Za-z_][A-Za-z0-9_-]*)
                         |\[(?P<index>\d+)\]
                         |\[(?P<quoted>"[^"]*"|'[^']*')\]""", re.VERBOSE)


class SetPathError(MultitrackError):
    """A ``PATH=VALUE`` change that cannot be applied: bad syntax, a path segment that does not
    exist, or an unknown variant; one line, naming the offending part."""


def parse_path(text: str, origin: str = "--set") -> tuple[str | int, ...]:
    """The segments of a dotted path: names as str, ``[n]`` as int, quoted keys as str."""
    segments: list[str | int] = []
    pos = 0
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if m is None or (pos == 0 and text.startswith(".")):
            raise SetPathError(f"{origin} {text}: cannot read the path at {text[pos:]!r} (write "
                               "key.id.key[0], quoting odd keys as [\"key\"])")
        if m.group("name") is not None:
            segments.append(m.group("name"))
        elif m.group("index") is not None:
            segments.append(int(m.group("index")))
        else:
            segments.append(m.group("quoted")[1:-1])
        pos = m.end()
    if not segments:
        raise SetPathError(f"{origin} {text!r}: the path is empty")
    return tuple(segments)
