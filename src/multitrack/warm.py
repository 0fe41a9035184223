"""Compile the named analyses' kernels into numba's on-disk cache, in a process of its own.

``python -m multitrack.warm negotiation stability`` runs each analysis's ``warm_up``; the command
line starts it beside ``analyze`` so that compiling uses the second core instead of holding up
the analyses (compiling holds the interpreter lock, so a thread cannot do it alongside).
"""

from __future__ import annotations

import sys

from .analysis import available


def main(names: list[str]) -> int:
    """Warm the named analyses in report order, printing each name once its kernels are cached."""
    for spec in available():
        if spec.name in names and spec.warm_up is not None:
            try:
                spec.warm_up()
            except Exception:  # noqa: BLE001 - warming is only an optimisation
                pass
            print(spec.name, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
