"""The cross-encoder arm of ``eval/pairscore.py``: (question, quote) pairs fine-tuned from the packaged MiniLM.

Per outer fold: the packaged all-MiniLM-L6-v2 (checksum verified, local files only, nothing
downloaded) read as a pair encoder (``[CLS] question [SEP] quote [SEP]``, mean-pooled, one linear
output), fine-tuned with class-balanced binary cross-entropy on the other folds' rows (every label-0
row and at most ``max_pos`` label-1 rows, so that an epoch fits the shared 2-core machine), then
scoring the held-out fold. Torch CPU, 2 threads. Returns each row's out-of-fold logit.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from newsqa.embeddings.encoder import verified_default_model


def _model():
    import torch
    from transformers import AutoModel, AutoTokenizer

    path, _ = verified_default_model()
    tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    enc = AutoModel.from_pretrained(str(path), local_files_only=True)
    head = torch.nn.Linear(enc.config.hidden_size, 1)
    return tok, enc, head


def _logits(tok, enc, head, qs, ss, max_len: int):
    import torch

    b = tok(list(qs), list(ss), truncation="only_second", max_length=max_len, padding=True, return_tensors="pt")
    h = enc(**b).last_hidden_state
    m = b["attention_mask"].unsqueeze(-1).float()
    return head((h * m).sum(1) / m.sum(1).clamp(min=1.0)).squeeze(-1)


def _train_fold(rows, y, tr, epochs: int, max_pos: int, max_len: int, seed: int):
    import torch

    tok, enc, head = _model()
    rng = np.random.default_rng(seed)
    pos, neg = np.where(tr & (y > 0))[0], np.where(tr & (y <= 0))[0]
    pos = rng.choice(pos, min(max_pos, len(pos)), replace=False)
    idx = np.concatenate([pos, neg])
    pw = torch.tensor(len(pos) / max(1, len(neg)))  # the weight of a label-0 row: the classes balanced
    opt = torch.optim.AdamW([{"params": enc.parameters(), "lr": 3e-5}, {"params": head.parameters(), "lr": 1e-3}])
    enc.train()
    for _ in range(epochs):
        for b in np.array_split(rng.permutation(idx), max(1, len(idx) // 16)):
            out = _logits(tok, enc, head, [rows[i]["question"] for i in b], [rows[i]["quote"] for i in b], max_len)
            t = torch.tensor(y[b], dtype=torch.float32)
            # class-balanced: each label-0 row weighs len(pos)/len(neg)
            wt = torch.where(t > 0, torch.ones_like(t), pw.expand_as(t))
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out, t, weight=wt)
            opt.zero_grad()
            loss.backward()
            opt.step()
    enc.eval()
    return tok, enc, head


def cross_out_of_fold(rows: list[dict], y: np.ndarray, fold: np.ndarray, epochs: int = 1, max_pos: int = 900,
                      max_len: int = 128) -> np.ndarray:
    """Each row's logit from a cross-encoder fine-tuned without its fold; prints CPU ms per question
    for scoring 3 sentences (one batch of 3 pairs)."""
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(0)
    s = np.zeros(len(y))
    for k in np.unique(fold):
        t0 = time.time()
        tok, enc, head = _train_fold(rows, y, fold != k, epochs, max_pos, max_len, seed=int(k))
        te = np.where(fold == k)[0]
        with torch.no_grad():
            for b in np.array_split(te, max(1, len(te) // 64)):
                s[b] = _logits(tok, enc, head, [rows[i]["question"] for i in b],
                               [rows[i]["quote"] for i in b], max_len).numpy()
            c0 = time.process_time()
            for i in te[:20]:
                _logits(tok, enc, head, [rows[i]["question"]] * 3, [rows[i]["quote"]] * 3, max_len)
            ms = (time.process_time() - c0) / min(20, len(te)) * 1000
        print(f"fold {k}: trained and scored in {time.time() - t0:.0f} s; {ms:.0f} CPU-ms per question (3 pairs)",
              file=sys.stderr)
    return s
