"""What the documents ask, and what the model says (issue 19, item 3): the questions the seed
documents raise (:mod:`.questions`, as data), each answered from the run's upstream results
(:mod:`.answers`), with what the answer hinges on and how robust it is (:mod:`.result`)."""

from __future__ import annotations

from ..analysis import register
from ..progress import ProgressCallback, report
from ..scenario.model import Scenario
from ..settlement import Settlement
from .answers import answer_all, answer_one
from .questions import QUESTIONS, Question
from .result import CANNOT, Answer, QuestionsResult

#: The analyses whose results the answers read (those that ran are passed as ``upstream=``).
UPSTREAM = ("process", "agreement", "deterrence", "escalation", "hinges", "consistency", "stability")


def raises_them(scenario: Scenario) -> bool:
    """Whether the scenario cites a document that raises one of the questions (and has tracks):
    the questions are those documents', not every scenario's."""
    cited = {s.id for s in scenario.sources}
    return bool(scenario.active_tracks) and any(cited & set(q.raised_by) for q in QUESTIONS)


@register("questions", "What the documents ask, and what the model says", order=97, reads=("settlement",),
          uses=UPSTREAM, applies=raises_them)
def questions_analysis(scenario: Scenario, *, settlement: Settlement | None = None,
                       progress: ProgressCallback | None = None, upstream: dict | None = None
                       ) -> QuestionsResult:
    """The questions the documents raise, each answered from the results of the run: the model's
    answer, what it hinges on and how robust it is across model variants and choices."""
    answers = []
    for k, q in enumerate(QUESTIONS):
        report(progress, "questions", k, len(QUESTIONS))
        answers.append(answer_one(scenario, upstream or {}, q, settlement))
    report(progress, "questions", len(QUESTIONS), len(QUESTIONS))
    return QuestionsResult(answers=tuple(answers))


__all__ = ["CANNOT", "QUESTIONS", "Answer", "Question", "QuestionsResult", "answer_all", "answer_one",
           "questions_analysis", "raises_them"]
