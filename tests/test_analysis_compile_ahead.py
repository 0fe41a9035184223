"""The compiler process of ``analyze`` (issue 20): started only when numba's cache lacks the
kernels, and an analysis still waiting on it runs after the others instead of holding them up,
with the same results."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import pytest

import multitrack
from multitrack import analysis
from multitrack.analysis import available, kernels_cached, run_all

SMALL = """\
version: 1
id: small
title: small
sources:
  - {id: s, title: s, publisher: s, year: 2024}
actors:
  - {id: p, name: P, kind: state}
  - {id: q, name: Q, kind: state}
tracks:
  - id: t
    title: T
    participants: [p, q]
    issues:
      - id: x
        kind: integer
        range: [0, 10]
        status_quo: 0
        positions:
          p: {salience: 1, monotone: decreasing, source: s}
          q: {salience: {dist: uniform, low: 0.5, high: 1.5}, monotone: increasing, source: s}
"""


def _module(folder: Path, name: str, kernels: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text("".join(f"@njit(cache=True)\ndef f{k}(x):\n    return x\n" for k in range(kernels)))
    return path


def _index(folder: Path, name: str, k: int, when: float) -> None:
    cache = folder / "__pycache__"
    cache.mkdir(exist_ok=True)
    path = cache / f"{name}.f{k}-{k + 1}.py311.nbi"
    path.write_bytes(b"")
    os.utime(path, (when, when))


def test_kernels_count_as_cached_only_with_a_fresh_index_for_each(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    source = _module(tmp_path, "kernel", 2)
    _module(tmp_path, "plain", 0)
    made = source.stat().st_mtime
    assert not kernels_cached(tmp_path)                      # nothing compiled yet
    _index(tmp_path, "kernel", 0, made + 1)
    assert not kernels_cached(tmp_path)                      # one of two
    _index(tmp_path, "kernel", 1, made - 100)
    assert not kernels_cached(tmp_path)                      # the second is older than the source
    _index(tmp_path, "kernel", 1, made + 1)
    assert kernels_cached(tmp_path)
    assert kernels_cached(tmp_path / "missing") is True      # no modules, no kernels to compile
    (tmp_path / "odd.py").write_bytes(b"\xff\xfe cache=True")
    assert not kernels_cached(tmp_path)                      # a file that is not text: compile ahead
    (tmp_path / "odd.py").unlink()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert not kernels_cached(tmp_path)                      # a cache elsewhere: compile ahead as before


class _FakeCompiler:
    """A compiler process whose lines the test writes."""

    def __init__(self) -> None:
        read, self._write = os.pipe()
        self.stdout = os.fdopen(read, "r")
        self.ended = False

    def say(self, name: str) -> None:
        if not self.ended:
            os.write(self._write, f"{name}\n".encode())

    def poll(self):
        return 0 if self.ended else None

    def kill(self) -> None:
        if not self.ended:
            self.ended = True
            os.close(self._write)


@pytest.fixture
def ran(monkeypatch):
    """The order the analyses ran in, and a fake compiler covering negotiation that reports it
    once hinges (later in report order) has run, or after two seconds at the latest."""
    order: list[str] = []
    compiler = _FakeCompiler()
    for spec in available():
        def run(*args, _run=spec.run, _name=spec.name, **kwargs):
            order.append(_name)
            out = _run(*args, **kwargs)
            if _name == "hinges":
                compiler.say("negotiation")
            return out
        monkeypatch.setitem(analysis._REGISTRY, spec.name, dataclasses.replace(spec, run=run))
    monkeypatch.setattr(analysis, "_start_compiler", lambda specs: (compiler, {"negotiation"}))
    timer = threading.Timer(2.0, compiler.say, args=("negotiation",))
    timer.start()
    yield order
    timer.cancel()
    compiler.kill()


def test_an_analysis_still_compiling_runs_after_the_others_with_the_same_results(ran):
    scenario = multitrack.loads(SMALL)
    only = ["agreement", "negotiation", "hinges"]
    settlement = analysis.run_settlement(scenario, 40, 3)
    deferred = run_all(scenario, only=only, precompile=True, settlement=settlement)
    assert ran == ["agreement", "hinges", "negotiation"]   # in report order negotiation would be second
    ran.clear()
    plain = run_all(scenario, only=only, settlement=settlement)
    assert list(deferred) == list(plain)           # in report order all the same
    assert {k: v.to_dict() for k, v in deferred.items()} == {k: v.to_dict() for k, v in plain.items()}


def test_the_next_analysis_waits_for_what_it_uses():
    specs = {s.name: s for s in available()}

    class NotYet:
        def ready(self, name: str) -> bool:
            return name != "negotiation"

    pending = [specs["negotiation"], specs["factors"], specs["hinges"]]
    assert analysis._next_spec(pending, NotYet(), {"negotiation"}).name == "hinges"  # factors uses it
    assert analysis._next_spec(pending[:2], NotYet(), {"negotiation"}).name == "negotiation"  # must wait
    assert analysis._next_spec(pending, None, set()).name == "negotiation"
