"""The model loader hides transformers' progress bars in its own thread only: the library's process-wide
switch stays on, and a bar made meanwhile by another thread still shows (fast: no model is loaded)."""

from __future__ import annotations

import sys
import threading
import types

import pytest
from transformers.utils import logging as hf_logging

from newsqa.embeddings import encoder, hf_progress
from newsqa.embeddings.hf_progress import quiet_loading


@pytest.fixture(autouse=True)
def _bars_on():
    if not hf_logging.is_progress_bar_enabled():
        pytest.skip("transformers progress bars are off in this environment (HF_HUB_DISABLE_PROGRESS_BARS)")


def _disabled(bar) -> bool:
    try:
        return bool(bar.disable)
    finally:
        bar.close()


def test_a_bar_inside_is_disabled_one_in_another_thread_at_the_same_time_is_not():
    inside, entered, other_done = {}, threading.Event(), threading.Event()

    def other():
        entered.wait(30)
        inside["other"] = _disabled(hf_logging.tqdm(range(3), desc="other thread"))
        other_done.set()

    t = threading.Thread(target=other)
    t.start()
    with quiet_loading():
        entered.set()
        other_done.wait(30)  # the other thread makes its bar while this one is still inside
        inside["own"] = _disabled(hf_logging.tqdm(range(3), desc="loading"))
        inside["flag"] = hf_logging.is_progress_bar_enabled()
    t.join(30)
    after = _disabled(hf_logging.tqdm(range(3), desc="after"))
    assert inside == {"own": True, "other": False, "flag": True}
    assert after is False


def test_a_hook_set_before_is_still_called(monkeypatch):
    seen = []

    def recording(factory, args, kwargs):
        seen.append(kwargs.get("desc"))
        return factory(*args, **kwargs)

    before = hf_logging.set_tqdm_hook(recording)
    monkeypatch.setattr(hf_progress, "_installed", False)
    try:
        with quiet_loading():
            quiet = _disabled(hf_logging.tqdm(range(2), desc="quiet"))
        loud = _disabled(hf_logging.tqdm(range(2), desc="loud"))
    finally:
        hf_logging.set_tqdm_hook(before)  # as it was: this test's hooks leave with it
    assert seen == ["quiet", "loud"] and (quiet, loud) == (True, False)


def test_the_model_loader_loads_quietly(monkeypatch, tmp_path):
    """``_load_sentence_transformer`` makes the library's bars inside ``quiet_loading``, and only there.
    A stand-in ``sentence_transformers`` module: importing the real one (torch, scikit-learn) costs ~10
    CPU-s, the fast layer's biggest single cost, and this test loads no model."""
    sentence_transformers = types.ModuleType("sentence_transformers")
    monkeypatch.setitem(sys.modules, "sentence_transformers", sentence_transformers)
    made = []

    class FakeSentenceTransformer:
        def __init__(self, path, device, local_files_only):
            assert local_files_only is True
            made.append((_disabled(hf_logging.tqdm(range(2), desc="Loading weights")),
                         hf_logging.is_progress_bar_enabled()))

    sentence_transformers.SentenceTransformer = FakeSentenceTransformer
    encoder._load_sentence_transformer(tmp_path, "cpu")
    assert made == [(True, True)]  # this bar off; the process-wide switch untouched
    assert _disabled(hf_logging.tqdm(range(2), desc="after")) is False
