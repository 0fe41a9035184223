"""Numeric estimates: a plain number or a probability distribution, each with its provenance.

Every number an analyst estimates (a salience, an ideal point, a capability, a utility
value, a red-line threshold) may instead be a distribution. Deterministic analyses use
the *nominal* value (the stated central estimate); uncertainty analyses draw samples.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

from .ids import Id
from .sources import SourceRef

if TYPE_CHECKING:  # numpy is imported where a draw is made, so validating a file needs none
    import numpy as np


class FactorLoading(BaseModel):
    """How strongly an estimate moves with a common factor of the scenario: its draws follow a
    Gaussian copula, z = loading * F + sqrt(1 - loading^2) * e, so two estimates with loadings
    a and b have normal scores correlated a * b (negative: they move in opposite directions)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)

    id: Id = Field(description="A factor listed in the scenario's factors.")
    loading: float = Field(ge=-1, le=1, description="Correlation of the estimate's normal score with "
                           "the factor.")


class Factor(BaseModel):
    """A common cause that moves several estimates together (e.g. how hard-line Moscow is)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Id
    title: str = Field(min_length=1)
    note: str | None = Field(None, description="What the factor stands for, in a sentence.")
    source: SourceRef | None = None


class _Estimate(BaseModel):
    """Fields every estimate shares: where it comes from and whether it is a judgement."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False, strict=True)

    if TYPE_CHECKING:  # each subclass declares its own dist; pydantic must not see a field here
        dist: str

    source: SourceRef | None = Field(None, description="Source id, or {id, locator}.")
    estimated: bool | None = Field(
        None, description="True when the figure is the analyst's judgement rather than a figure "
        "stated in the source; None inherits from the enclosing position.")
    note: str | None = Field(None, description="Why this figure: the reasoning in a sentence.")
    factor: FactorLoading | None = Field(None, description="A common factor the draws load on, "
                                         "{id, loading}; only for a distribution.")

    @property
    def nominal(self) -> float:
        """The central estimate used by deterministic analyses."""
        raise NotImplementedError

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        raise NotImplementedError

    @property
    def is_uncertain(self) -> bool:
        lo, hi = self.support
        return hi > lo

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws as a float array."""
        raise NotImplementedError

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse of the distribution function at probabilities ``u`` in (0, 1): the value
        below which a share ``u`` of draws fall (how the run's draws are made, see
        multitrack.settlement.draws)."""
        raise NotImplementedError


class Fixed(_Estimate):
    """A number known (or taken) as certain."""

    dist: Literal["fixed"] = "fixed"
    value: float

    @property
    def nominal(self) -> float:
        return self.value

    @property
    def support(self) -> tuple[float, float]:
        return (self.value, self.value)

    @model_validator(mode="after")
    def _no_factor(self) -> Fixed:
        if self.factor is not None:
            raise ValueError("a fixed value does not vary, so it cannot load on a factor; "
                             "give a distribution")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return np.full(size, self.value, dtype=float)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.full(np.shape(u), self.value, dtype=float)


class Normal(_Estimate):
    """Normal distribution, optionally truncated to [low, high]; nominal value: the mean."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Normal:
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        if not lo < hi:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if not lo <= self.mean <= hi:
            raise ValueError(f"mean {self.mean:g} lies outside the truncation bounds "
                             f"[{_fmt(lo)}, {_fmt(hi)}]")
        return self

    @property
    def nominal(self) -> float:
        return self.mean

    @property
    def support(self) -> tuple[float, float]:
        return (-math.inf if self.low is None else self.low, math.inf if self.high is None else self.high)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        if self.low is None and self.high is None:
            return rng.normal(self.mean, self.sd, size)
        from scipy.stats import truncnorm

        a = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        b = np.inf if self.high is None else (self.high - self.mean) / self.sd
        return truncnorm.rvs(a, b, loc=self.mean, scale=self.sd, size=size, random_state=rng)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np
        from scipy.special import ndtri

        if self.low is None and self.high is None:
            return self.mean + self.sd * ndtri(u)
        from scipy.stats import truncnorm

        a = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        b = np.inf if self.high is None else (self.high - self.mean) / self.sd
        return truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)


class Uniform(_Estimate):
    """Uniform on [low, high]; nominal value: the midpoint."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _bounds(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    @property
    def nominal(self) -> float:
        return (self.low + self.high) / 2

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np

        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)


class _ThreePoint(_Estimate):
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> _ThreePoint:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"needs low <= mode <= high with low < high, got {self.low}, {self.mode}, {self.high}")
        return self

    @property
    def nominal(self) -> float:
        return self.mode

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_ThreePoint):
    """Triangular distribution; nominal value: the mode (most likely value)."""

    dist: Literal["triangular"]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        import numpy as np

        u = np.asarray(u, dtype=float)
        span, left, right = self.high - self.low, self.mode - self.low, self.high - self.mode
        below = self.low + np.sqrt(u * span * left)
        above = self.high - np.sqrt((1 - u) * span * right)
        return np.where(u * span < left, below, above)


class Pert(_ThreePoint):
    """PERT (scaled beta) distribution with shape ``lamb`` (4 is the classic choice).

    Vose, D. (2008), Risk Analysis: A Quantitative Guide, 3rd ed., Wiley, ch. 9.
    """

    dist: Literal["pert"]
    lamb: float = Field(4.0, gt=0)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        span = self.high - self.low
        alpha = 1 + self.lamb * (self.mode - self.low) / span
        beta = 1 + self.lamb * (self.high - self.mode) / span
        return self.low + span * rng.beta(alpha, beta, size)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import betaincinv

        span = self.high - self.low
        alpha = 1 + self.lamb * (self.mode - self.low) / span
        beta = 1 + self.lamb * (self.high - self.mode) / span
        return self.low + span * betaincinv(alpha, beta, u)


class Choice(_Estimate):
    """A discrete choice among values with optional weights; nominal: the most likely value."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"{len(self.weights)} weights given for {len(self.values)} values")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    def probabilities(self) -> np.ndarray:
        import numpy as np

        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, float)
        return w / w.sum()

    @property
    def nominal(self) -> float:
        return float(self.values[self._most_likely()])

    def _most_likely(self) -> int:
        """The first of the most likely values' places: where the weights' largest stands apart
        from every smaller weight, read from the weights themselves (no numpy, so validating a file
        imports none); otherwise as the draws see it, from the normalised probabilities."""
        if self.weights is None:
            return 0
        top = max(self.weights)
        if all(w == top or w < top * (1 - 1e-9) for w in self.weights):
            return self.weights.index(top)
        import numpy as np

        return int(np.argmax(self.probabilities()))

    @property
    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return rng.choice(np.asarray(self.values, float), size=size, p=self.probabilities())

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values in ascending order, so that a higher ``u`` never gives a smaller value."""
        import numpy as np

        order = np.argsort(self.values, kind="stable")
        values = np.asarray(self.values, float)[order]
        cumulative = np.cumsum(self.probabilities()[order])
        k = np.searchsorted(cumulative, u, side="right")
        return values[np.minimum(k, len(values) - 1)]


def _as_mapping(value: Any) -> Any:
    """A bare number is shorthand for ``{value: number}``; booleans are not numbers."""
    if isinstance(value, bool):
        raise ValueError("expected a number or a distribution, got a boolean")
    if isinstance(value, (int, float)):
        return {"value": value}
    if isinstance(value, str):
        raise ValueError(f"expected a number or a distribution ({{dist: ..., ...}}), got text {value!r}")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("dist", "fixed"))
    if isinstance(value, _Estimate):
        return value.dist
    return "fixed"


#: A numeric estimate as written in a scenario: a number, ``{value: ...}`` or ``{dist: ..., ...}``.
Estimate = Annotated[
    Annotated[Fixed, Tag("fixed")] | Annotated[Normal, Tag("normal")] | Annotated[Uniform, Tag("uniform")]
    | Annotated[Triangular, Tag("triangular")] | Annotated[Pert, Tag("pert")]
    | Annotated[Choice, Tag("choice")],
    Discriminator(_kind, custom_error_type="distribution",
                  custom_error_message="unknown distribution: use fixed, normal, uniform, "
                  "triangular, pert or choice"),
    BeforeValidator(_as_mapping),
]

EstimateModel = _Estimate
DISTRIBUTIONS = ("fixed", "normal", "uniform", "triangular", "pert", "choice")


def check_within(est: _Estimate, low: float | None, high: float | None, what: str) -> None:
    """Raise ValueError unless every value ``est`` can take lies in [low, high]."""
    lo, hi = est.support
    if (low is not None and lo < low) or (high is not None and hi > high):
        bounds = f"[{'-inf' if low is None else _fmt(low)}, {'inf' if high is None else _fmt(high)}]"
        if est.is_uncertain:
            raise ValueError(f"{what} can take values from {_fmt(lo)} to {_fmt(hi)}, outside {bounds}"
                             + ("; truncate the normal with low/high" if isinstance(est, Normal) else ""))
        raise ValueError(f"{what} {_fmt(lo)} lies outside {bounds}")


def _fmt(x: float) -> str:
    return f"{x:g}"
