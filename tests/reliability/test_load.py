"""Concurrent clients of the browser app's API: a fixed number of questions, every answer checked.

Counted, not timed: 24 questions from 6 clients at once, each answer well formed, its quotes at their
offsets, and equal to the same question's sequential answer. Throughput and memory over time belong to
the benchmark, ``tests/reliability/load_test.py`` (20 clients for 60 s by default).
"""

from __future__ import annotations

import pytest
from reliability.load_test import run_load

pytestmark = pytest.mark.slow  # a Gradio server subprocess with the real model


def test_concurrent_clients_get_their_sequential_answers(seed_index):
    out = run_load(seed_index, clients=6, requests=24)
    assert out["errors"] == 0, out["error_examples"]
    assert out["requests"] == 24  # every question was answered (none lost, none counted twice)
    assert out["clients"] == 6
