"""The light load (``embeddings.backends.light``): an ONNX / OpenVINO encoder without torch, used only
when every record a full load would check holds; each missing or broken record means a full load.
Fast: fake model folder, converted files and runner (the real model: test_backends_model.py)."""

import hashlib
import json

import pytest

from newsqa.embeddings.backends import choose, light
from newsqa.embeddings.backends.convert import META, cache_dir
from newsqa.embeddings.backends.cpu import cpu_flags
from newsqa.embeddings.backends.parity import Parity
from newsqa.embeddings.backends.profile import ModelProfile, load_profile, save_profile

SHA = "ab" * 32
PROFILE = ModelProfile(384, 256, True, ("input_ids", "token_type_ids", "attention_mask"), 0, "right", '{"tok": 1}')
PASS = Parity("onnx", "fp32", 1.0, 0.99999, 1.0)


class FakeOnnx:
    backend, precision = "onnx", "fp32"


@pytest.fixture
def records(tmp_path, monkeypatch):
    """A model folder, its recorded profile, a converted onnx folder and a passing explicit check."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 384}')
    home = tmp_path / "home"
    save_profile(PROFILE, model, "m", SHA, home)
    folder = cache_dir("onnx", "m", SHA, home)
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"onnx bytes")
    meta = {"backend": "onnx", "source_sha256": SHA, "files": {"model.onnx": hashlib.sha256(b"onnx bytes").hexdigest()}}
    (folder / META).write_text(json.dumps(meta))
    choose._record_parity(home, choose.choice_key(SHA, cpu_flags()), PASS)
    monkeypatch.setattr(light, "installed", lambda b: True)
    monkeypatch.setattr(light, "_runner", lambda backend, folder, threads, home: FakeOnnx())
    return model, home, folder


def _parts(records, requested="onnx"):
    model, home, _ = records
    return light.light_parts(model, "m", SHA, requested, threads=None, home=home)


def test_profile_round_trips_with_its_tokenizer(records):
    model, home, _ = records
    got = load_profile(model, "m", SHA, home)
    assert got == PROFILE and got.tokenizer_json == PROFILE.tokenizer_json


def test_light_load_when_every_record_holds(records):
    parts = _parts(records)
    assert isinstance(parts.runner, FakeOnnx) and parts.parity == PASS and "checked earlier" in parts.note
    assert parts.profile == PROFILE


def test_torch_is_never_loaded_light(records):
    assert _parts(records, "torch") is None and _parts(records, "torch-bf16") is None


def test_a_changed_model_folder_is_loaded_in_full(records):
    model, _, _ = records
    (model / "config.json").write_text('{"hidden_size": 768}')  # another config: the profile's key moves
    assert _parts(records) is None


def test_a_tampered_tokenizer_is_loaded_in_full(records):
    model, home, _ = records
    (next((home / "backends").rglob("tokenizer.json"))).write_text('{"tok": 2}')
    assert _parts(records) is None


def test_a_converted_file_that_fails_its_checksum_is_loaded_in_full(records):
    (records[2] / "model.onnx").write_bytes(b"other bytes")
    assert _parts(records) is None


def test_no_parity_on_record_or_a_failed_one_is_loaded_in_full(records):
    _, home, _ = records
    (home / "backends" / "parity.json").unlink()
    assert _parts(records) is None
    choose._record_parity(home, choose.choice_key(SHA, cpu_flags()), Parity("onnx", "fp32", 0.93, 0.93, 0.93))
    assert _parts(records) is None
    choose._record_parity(home, choose.choice_key("cd" * 32, cpu_flags()), PASS)  # other weights' check
    assert _parts(records) is None


def test_auto_uses_its_cached_choice_and_its_parity(records):
    _, home, _ = records
    assert _parts(records, "auto") is None  # no choice made yet
    key = choose.choice_key(SHA, cpu_flags())
    cache = home / "backends" / "auto.json"
    cache.write_text(json.dumps({key: {"backend": "torch", "why": "torch fastest", "parity": {}}}))
    assert _parts(records, "auto") is None  # chose torch: a full load
    cache.write_text(json.dumps({key: {"backend": "onnx", "why": "onnx 2.0x", "parity": {"onnx": PASS.to_dict()}}}))
    parts = _parts(records, "auto")
    assert parts is not None and parts.note == "auto: onnx (chosen earlier on this CPU: onnx 2.0x)"


def test_a_small_write_loads_autos_light_choice_else_torch_alone(records, monkeypatch):
    """A one-article writer given no backend (``load_small_encoder``): auto's cached choice when it
    loads light, else torch fp32 alone; never a full load of another backend, never a choice now."""
    from newsqa.embeddings import encoder as enc_mod

    model, home, _ = records
    monkeypatch.setenv("NEWSQA_HOME", str(home))
    monkeypatch.setattr(enc_mod, "_model_source", lambda spec: (model, "m", SHA))
    full = []
    monkeypatch.setattr(enc_mod, "_load", lambda *a: full.append(a[4:]) or "torch encoder")
    assert enc_mod.load_small_encoder() == "torch encoder" and full == [("torch", True)]  # no choice on record
    key = choose.choice_key(SHA, cpu_flags())
    cache = home / "backends" / "auto.json"
    cache.write_text(json.dumps({key: {"backend": "onnx", "why": "onnx 2.0x", "parity": {"onnx": PASS.to_dict()}}}))
    got = enc_mod.load_small_encoder()
    assert isinstance(got.runner, FakeOnnx) and got.parity == PASS and got.note.startswith("auto: onnx")
    assert len(full) == 1
    cache.write_text(json.dumps({key: {"backend": "torch", "why": "torch fastest", "parity": {}}}))
    assert enc_mod.load_small_encoder() == "torch encoder" and full[1:] == [("torch", True)]
