"""The project's own error types: every bad input becomes one of these, never a traceback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def format_path(path: tuple[str | int, ...]) -> str:
    """Render a field path the way users read it: ``tracks[2].issues[0].range``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(str(part)):
            out += f".{part}" if out else str(part)
        else:  # keys with spaces, line breaks or odd characters are quoted and escaped
            out += f"[{str(part)!r}]"
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    message: str
    path: tuple[str | int, ...] = ()
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def where(self, file: str | None) -> str:
        parts = [file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self, file: str | None) -> str:
        field_ = format_path(self.path) if self.path else None
        text = " ".join(self.message.split())
        return f"{self.where(file)}: {field_}: {text}" if field_ else f"{self.where(file)}: {text}"


class MultitrackError(Exception):
    """Base class of every error the project raises on purpose."""


@dataclass
class ScenarioError(MultitrackError):
    """A scenario file that cannot be used, with every problem found located in the file."""

    problems: list[Problem]
    file: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The first problem as one line, with a count of the others."""
        first = self.problems[0].render(self.file)
        more = len(self.problems) - 1
        return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")

    def lines(self) -> list[str]:
        return [p.render(self.file) for p in self.problems]

    def __str__(self) -> str:  # dataclass would otherwise replace Exception.__str__
        return self.one_line()


class LocatedValueError(ValueError):
    """Raised inside model validators to point at a field below the model being validated."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
