"""Where the process kernel runs: the compiled CPU walk (:mod:`multitrack.process.kernel`) or the
dense evaluation (:mod:`multitrack.process.dense`) on a GPU through CuPy, which gives the same
answers (the dense module says how). CuPy is optional: it is looked for only when the GPU may be
used, and imported only when it is installed.

The choice: ``solve_batch(..., device=...)``, else the environment variable ``MULTITRACK_DEVICE``,
``cpu``, ``gpu`` or ``auto`` (the default). ``auto`` takes the GPU for spaces of at least
:data:`GPU_MIN_WORK` outcome-draws when CuPy imports and sees a CUDA device; below that, copying
to the device and starting it cost more than the kernel's walk. ``gpu`` insists and fails with
one line where no device is present.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from ..errors import MultitrackError
from ..settlement.preferences import Preferences

ENV = "MULTITRACK_DEVICE"
DEVICES = ("auto", "cpu", "gpu")

#: Outcome-draws from which ``auto`` moves a space to the GPU. The CPU kernel does 1.5e8-8e8
#: outcome-draws per second on one core (benchmarks/bench_gpu.py), so below this a space takes
#: well under a second there, and the GPU's start-up and copies would eat most of what it saves.
#: Not yet calibrated on a GPU: re-check with the benchmark where one is lent.
GPU_MIN_WORK = 100_000_000

#: The share of the device's memory one step of the dense evaluation may take, and its bounds in cells.
MEMORY_SHARE = 0.25
MIN_CELLS, MAX_CELLS = 1 << 20, 1 << 26


class DeviceError(MultitrackError):
    """A device asked for that is unknown or not present."""


def device_mode(device: str | None = None) -> str:
    """``device`` as given, else ``MULTITRACK_DEVICE``, else ``auto``; checked against :data:`DEVICES`."""
    mode = (device or os.environ.get(ENV, "") or "auto").strip().lower()
    if mode not in DEVICES:
        raise DeviceError(f"{ENV}/device: {mode!r} is not one of {', '.join(DEVICES)}")
    return mode


@cache
def gpu_present() -> bool:
    """Whether CuPy is installed, imports, and sees at least one CUDA device (asked once)."""
    if importlib.util.find_spec("cupy") is None:
        return False
    try:
        cupy = importlib.import_module("cupy")
        return int(cupy.cuda.runtime.getDeviceCount()) > 0
    except Exception:  # a broken CUDA install reads as no device: the CPU kernel runs instead
        return False


def use_gpu(device: str | None, work: int) -> bool:
    """Whether a space of ``work`` outcome-draws goes to the GPU under ``device`` (see the module)."""
    mode = device_mode(device)
    if mode == "cpu":
        return False
    if mode == "gpu":
        if not gpu_present():
            raise DeviceError(f"{ENV}/device: gpu asked for, but CuPy is missing or sees no CUDA device")
        return True
    return work >= GPU_MIN_WORK and gpu_present()


def cells(cupy: Any, space: Preferences) -> int:
    """(draw, outcome) cells per array in one step: a share of the device's memory over the bytes
    a cell needs (the parties' partial utilities, masks and the gains' temporaries)."""
    free, _total = cupy.cuda.runtime.memGetInfo()
    per_cell = 8 * (2 * space.n_parties + 8) + 2 * space.n_parties + 16
    return int(min(MAX_CELLS, max(MIN_CELLS, MEMORY_SHARE * free // per_cell)))


def solve_on_gpu(space: Preferences, redo_with: Callable[[Preferences], Any],
                 stats: dict | None = None) -> tuple[np.ndarray, ...]:
    """The fields of :func:`multitrack.process.kernel.solve_batch`'s answer (agreed, n_pass, choice,
    utility, level) computed on the GPU; ``redo_with``
    (the CPU kernel) solves the few draws with a near tie on the compromise (counted in ``stats``)."""
    from .dense import solve_batch_dense
    cupy = importlib.import_module("cupy")
    return solve_batch_dense(space, redo_with, xp=cupy, budget=cells(cupy, space), stats=stats)


__all__ = ["DEVICES", "DeviceError", "ENV", "GPU_MIN_WORK", "device_mode", "gpu_present", "solve_on_gpu",
           "use_gpu"]
