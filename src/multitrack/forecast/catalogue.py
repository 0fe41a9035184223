"""The forecast models the backtest knows, each registered in
:data:`multitrack.forecast.trainable.TRAINABLE` under its name.

The four spatial models come first (the compromise model, the weighted median, the challenge
model and the probabilistic Condorcet model, the last two with settings chosen on the training
issues); the modules imported below register the models that learn from past decisions.
"""

from __future__ import annotations

from importlib import import_module

from .grids import DEFAULT_GRIDS
from .trainable import TRAINABLE, fixed, grid_search, register

register(fixed("mean", "Achen (2006), in Thomson, Stokman, Achen and Koenig (eds.), The European Union "
                       "Decides, Cambridge UP, ch. 10; van den Bos (1991)",
               "compromise model: positions weighted by capability x salience"))
register(fixed("median", "Black (1948); Achen (2006)", "weighted median (same weights)"))
register(grid_search("challenge", DEFAULT_GRIDS["challenge"],
                     "Bueno de Mesquita (1994); equations as in Scholz, Calbert and Smith (2011)",
                     "expected-utility challenge model"))
register(grid_search("condorcet", DEFAULT_GRIDS["condorcet"], "Wise, Lester and Efird (2015)",
                     "probabilistic Condorcet election over the positions"))
# the models that learn from past decisions register themselves when imported, in this order (the
# ensemble stacks whichever of the others are registered when it is fitted)
for _module in ("procedural", "reference", "exchange", "lad", "choice", "ensemble"):
    import_module(f".{_module}", __package__)

__all__ = ["TRAINABLE"]
