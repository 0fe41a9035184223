"""The web app's limits and safety settings, in one place so that tests and `serve` can change them."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """Limits on uploads, analyses and sessions; the hosts the app answers to."""

    max_upload_bytes: int = MIB            # largest scenario file accepted
    max_outcomes: int = 1_000_000          # largest outcome space of one track that may be analysed
    max_draws: int = 50_000                # most Monte Carlo draws one run may ask for
    default_draws: int = 1000              # the run's draws (every analysis that samples) unless set
    default_seed: int = 20240601           # the run's seed unless the user sets it
    max_sessions: int = 200                # browser sessions kept; the least recently used go first
    max_concurrent_runs: int = 2           # analyses running at once across all sessions
    max_run_seconds: float = 300.0         # a run still going after this long is stopped
    max_work: int = 10_000_000_000         # largest draws x outcomes x analyses one run may ask for
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")  # Host headers answered ("*": any)
    record_runs: bool = True               # record each finished run in the run database
    db: str | None = None                  # that database (None: MULTITRACK_DB or the user data folder)

    @property
    def max_body_bytes(self) -> int:
        """Largest request body: an upload plus room for the multipart envelope and form fields."""
        return self.max_upload_bytes + 256 * 1024
