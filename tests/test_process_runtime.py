"""The process analysis on several workers and across an interruption gives the same bytes."""

import json

import pytest

from multitrack.montecarlo import CheckpointFile, DaskExecutor, RunInterrupted, SerialExecutor
from multitrack.process import ProcessConfig, compare_designs, fingerprint, ProcessPlan
from multitrack.scenario import load

CONFIG = ProcessConfig(draws=600, chunk_size=100, seed=11)


def _bytes(result) -> bytes:
    return json.dumps(result.to_dict(), sort_keys=True).encode()


@pytest.fixture(scope="module")
def scenario():
    return load("european-security")


@pytest.fixture(scope="module")
def serial(scenario):
    return compare_designs(scenario, config=CONFIG, executor=SerialExecutor())


def test_same_seed_same_bytes_on_one_and_two_workers(scenario, serial):
    with DaskExecutor.local(2) as two:
        parallel = compare_designs(scenario, config=CONFIG, executor=two)
    assert _bytes(parallel) == _bytes(serial)


def test_another_seed_gives_other_draws(scenario, serial):
    other = compare_designs(scenario, config=CONFIG.model_copy(update={"seed": 12}))
    assert _bytes(other) != _bytes(serial)


def test_interrupted_checkpointed_run_resumes_to_the_same_result(scenario, serial, tmp_path):
    path = tmp_path / "run.ckpt"
    events = []

    def ctrl_c_after_three_chunks(event):
        events.append(event.done)
        if event.done >= 300:
            raise KeyboardInterrupt

    with pytest.raises(RunInterrupted) as info:
        compare_designs(scenario, config=CONFIG, progress=ctrl_c_after_three_chunks,
                        checkpoint=lambda fp: CheckpointFile(path, fp))
    assert info.value.done_chunks == 3 and info.value.total_chunks == 6
    resumed_from = []
    resumed = compare_designs(scenario, config=CONFIG, progress=lambda e: resumed_from.append(e.done),
                              checkpoint=lambda fp: CheckpointFile(path, fp))
    assert resumed_from[0] == 300 and resumed_from[-1] == 600
    assert _bytes(resumed) == _bytes(serial)


def test_checkpoint_of_another_run_is_refused_and_kept(scenario, tmp_path):
    from multitrack.montecarlo import CheckpointError

    path = tmp_path / "run.ckpt"
    small = CONFIG.model_copy(update={"draws": 200})
    compare_designs(scenario, config=small, checkpoint=lambda fp: CheckpointFile(path, fp))
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match="belongs to another run"):
        compare_designs(scenario, config=CONFIG, checkpoint=lambda fp: CheckpointFile(path, fp))
    assert path.read_bytes() == before
    assert fingerprint(ProcessPlan(scenario, small)) != fingerprint(ProcessPlan(scenario, CONFIG))


def test_european_security_answers_the_two_claims(serial):
    claims = {c.claim: c for c in serial.claims}
    assert claims["parallel-beats-package"].verdict == "yes"
    assert serial.design("parallel").mean_agreed.value > serial.design("package").mean_agreed.value
    bilateral = [c for c in serial.claims if c.claim.startswith("bilateral-beats-multilateral:ukraine-status")]
    assert bilateral and all(c.verdict == "yes" for c in bilateral)


def test_threads_inside_one_process_do_not_change_the_bytes(scenario, serial):
    one = compare_designs(scenario, config=CONFIG, threads=1)
    four = compare_designs(scenario, config=CONFIG, threads=4)
    assert _bytes(one) == _bytes(four) == _bytes(serial)
