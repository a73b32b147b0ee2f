"""A short, bounded run of the load test (tests/reliability/load_test.py runs the full 20 x 60 s)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_concurrent_clients_get_well_formed_answers_and_memory_stays_flat(seed_index):
    pytest.importorskip("gradio_client")
    pytest.importorskip("newsqa.ui.app", reason="the UI is not written yet")
    from reliability.load_test import run_load

    out = run_load(seed_index, clients=8, seconds=12)
    print("\nload test (short):", out)
    assert out["errors"] == 0, out["error_examples"]
    assert out["requests"] >= 20
    assert out["latency_ms"]["p95"] < 15_000
    rss = out["server_rss_mb"]
    assert rss["samples"] >= 20
    assert rss["last_third_mean"] <= rss["first_third_mean"] * 1.15 + 40, rss  # no steady growth
