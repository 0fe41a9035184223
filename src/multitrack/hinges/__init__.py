"""What each answer hinges on: switching values, the one-input changes that flip a headline
(issue 17). ``crossings`` is the search, ``switches`` applies it to a crisis's deterrence,
:mod:`.tracks` to a track's verdict, :mod:`.designs` to the process comparison, and the registered
"hinges" analysis runs them on every headline of a scenario."""

from multitrack.hinges.deterrence import SearchInput, crisis_inputs, share_measure, switches
from multitrack.hinges.results import Hinge, HingesResult, Switch
from multitrack.hinges.search import Crossing, crossings, evaluations, percentile_of
from multitrack.hinges.words import hinge_question, hinge_sentence

__all__ = ["Crossing", "Hinge", "HingesResult", "SearchInput", "Switch", "crisis_inputs", "crossings",
           "evaluations", "hinge_question", "hinge_sentence", "percentile_of", "share_measure", "switches"]

from multitrack.hinges import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
