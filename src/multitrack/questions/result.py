"""What the questions analysis returns: per question, the model's answer, what it hinges on and
how robust it is, with the figures it cites (so that a reader, and a test, can trace each to
the result it comes from)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..results import Result, by_id

#: The answer given where the results a question needs did not run.
CANNOT = "cannot be answered here"


@dataclass(frozen=True)
class Answer(Result):
    """The answer to one question; ``figures`` maps a figure's name to its value, ``answered`` is
    False where the results it needs are missing (``answer`` then says which)."""

    id: str
    question: str
    raised_by: tuple[str, ...]
    results: tuple[str, ...]
    answered: bool
    answer: str
    short: str = ""            # the answer in a few words, for the brief
    hinges_on: str = ""
    robustness: str = ""
    figures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionsResult(Result):
    answers: tuple[Answer, ...]

    @property
    def summary(self) -> str:
        """In one line: how many of the scenario's questions the run answers."""
        return f"{sum(a.answered for a in self.answers)} of {len(self.answers)} questions answered"

    def answer(self, question_id: str) -> Answer:
        return by_id(self.answers, question_id, lambda a: a.id, "question")

    def rows(self) -> list[dict]:
        return [{"question": a.id, "answered": a.answered, "answer": a.answer} for a in self.answers]
