"""One executor interface for chunk work: in this process, in local Dask processes, or on a Dask cluster.

Dask is imported only when a Dask executor is made, so importing this module stays cheap.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from ..errors import MultitrackError

#: Loggers that Dask writes to while a cluster starts, runs and stops.
_DASK_LOGGERS = ("distributed", "dask", "tornado", "bokeh", "asyncio")


class ExecutorError(MultitrackError):
    """An executor that cannot be made or reached (bad worker count, unreachable scheduler)."""


class Executor(Protocol):
    """Runs functions somewhere and hands back futures; ``workers`` bounds how many run at once."""

    workers: int

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> cf.Future: ...

    def close(self) -> None: ...


class _Closing:
    """Context-manager support shared by the executors: ``with`` closes them."""

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _interrupted(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt lies behind ``exc`` (its cause or context chain)."""
    seen = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


class SerialExecutor(_Closing):
    """Runs each function at submit time in this process; its future is already done."""

    workers = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> cf.Future:
        """Call ``fn(*args)`` now; an exception is set on the future (Ctrl-C still propagates)."""
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args))
        except SystemError as exc:
            if _interrupted(exc):  # Ctrl-C inside compiled (numba) code arrives as a SystemError
                raise KeyboardInterrupt from None
            future.set_exception(exc)
        except Exception as exc:
            future.set_exception(exc)
        return future

    def close(self) -> None:
        """Nothing to release."""

    def share(self, value: Any) -> Any:
        """``value`` itself: the functions run here."""
        return value


@contextlib.contextmanager
def _quiet_dask(level: int = logging.WARNING) -> Iterator[None]:
    """Raise Dask's loggers to ``level`` so a normal start or stop prints nothing."""
    loggers = [logging.getLogger(name) for name in _DASK_LOGGERS]
    before = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(max(level, lg.getEffectiveLevel()))
    try:
        yield
    finally:
        for lg, old in zip(loggers, before, strict=True):
            lg.setLevel(old)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so they inherit that and leave Ctrl-C to this
    process (which then stops them cleanly) instead of each printing a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _one_line(exc: BaseException) -> str:
    """An exception as one short line: its message, or its type when it has none."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


class DaskExecutor(_Closing):
    """Submits to a ``distributed.Client``; closes the client (and a cluster it started) on exit."""

    def __init__(self, client: Any, cluster: Any = None, quiet: contextlib.ExitStack | None = None) -> None:
        self.client = client
        self._cluster = cluster
        self._quiet = quiet or contextlib.ExitStack()  # undone on close
        self._executor = client.get_executor(pure=False)  # chunks with equal args are still distinct
        self.workers = max(1, sum(client.nthreads().values()))

    @classmethod
    def local(cls, workers: int) -> DaskExecutor:
        """Start ``workers`` single-threaded worker processes on this machine, quietly."""
        from distributed import Client, LocalCluster

        quiet = contextlib.ExitStack()
        quiet.enter_context(_quiet_dask())  # for the cluster's whole life: it logs from its own thread
        try:
            with _sigint_ignored():
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
        except BaseException:
            quiet.close()
            raise
        try:
            return cls(Client(cluster), cluster, quiet)
        except BaseException:
            with quiet:
                cluster.close()
            raise

    @classmethod
    def connect(cls, address: str, timeout: float = 10.0) -> DaskExecutor:
        """Use the Dask cluster whose scheduler listens at ``address`` (e.g. ``tcp://host:8786``)."""
        from distributed import Client

        try:
            with _quiet_dask(logging.CRITICAL):
                client = Client(address, timeout=timeout)
        except Exception as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {_one_line(exc)}") from None
        return cls(client)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> cf.Future:
        """Send ``fn(*args)`` to the cluster; ``fn`` must be picklable (module-level or a partial).
        Dask's warning about a large task (a run's draws, the inputs of a permutation test) is
        not shown: the library prints nothing, and the size is expected."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            return self._executor.submit(fn, *args)

    def share(self, value: Any) -> Any:
        """``value`` sent once to every worker; what comes back stands for it in :meth:`submit`'s
        arguments, so tasks that use it carry only a reference (a run's fixed data)."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            return self.client.scatter(value, broadcast=True, hash=False)

    def close(self) -> None:
        """Cancel what is left, then close the client and any cluster this executor started."""
        with self._quiet, _quiet_dask(logging.CRITICAL):
            self._executor.shutdown(wait=False)
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


def shared(executor: Any, value: Any) -> Any:
    """``value`` as ``executor`` is best given it for many tasks: sent to every worker once where
    the executor can (``share``), else ``value`` itself, sent with each task."""
    share = getattr(executor, "share", None)
    return share(value) if share is not None else value


def make_executor(workers: int = 1, scheduler: str | None = None) -> SerialExecutor | DaskExecutor:
    """The executor a run asks for: a scheduler address connects to it, several workers start a
    local Dask cluster, one worker runs in this process."""
    if scheduler:
        return DaskExecutor.connect(scheduler)
    if workers < 1:
        raise ExecutorError(f"workers must be at least 1, got {workers}")
    return SerialExecutor() if workers == 1 else DaskExecutor.local(workers)
