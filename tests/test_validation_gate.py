"""The pipe through which the build driver tells Sphinx whether the data are valid."""

from __future__ import annotations

import os

import pytest

from nea_edition import validation_gate


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> int:
    read_end, write_end = validation_gate.open_gate()
    monkeypatch.setenv(validation_gate.GATE_ENV, str(read_end))
    return write_end


def test_valid_data_let_sphinx_read(gate: int) -> None:
    validation_gate.send_verdict(gate, valid=True)
    assert validation_gate.await_verdict() is True
    assert validation_gate.GATE_ENV not in os.environ, "kernels must not inherit the gate"
    assert validation_gate.await_verdict() is None, "a second call does not wait again"


def test_refused_data_stop_sphinx(gate: int) -> None:
    validation_gate.send_verdict(gate, valid=False)
    assert validation_gate.await_verdict() is False


def test_a_driver_gone_without_a_verdict_counts_as_refused(gate: int) -> None:
    os.close(gate)  # what a crashed driver leaves: the pipe closed, nothing written
    assert validation_gate.await_verdict() is False


def test_no_gate_means_no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(validation_gate.GATE_ENV, raising=False)
    assert validation_gate.await_verdict() is None


def test_a_verdict_for_a_sphinx_that_already_stopped_is_dropped() -> None:
    read_end, write_end = validation_gate.open_gate()
    os.close(read_end)  # Sphinx exited early, on an error of its own
    validation_gate.send_verdict(write_end, valid=True)  # no BrokenPipeError
    with pytest.raises(OSError):
        os.fstat(write_end)  # and the driver's end is closed
