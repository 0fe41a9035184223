import pytest

import multitrack
from multitrack.scenario import builtins


@pytest.fixture
def primer_text() -> str:
    return builtins.text("border-talks")


@pytest.fixture
def primer():
    return multitrack.load("border-talks")
