"""Do two answers say the same thing? Exact on what an answer says, tolerant on its scores.

An answer object carries scores (a hit's ``score`` / ``dense``, a citation's ``score``, the
``confidence``, the ``signals``) printed to six decimals. Two encoders whose vectors agree to a
cosine of 1.000000 (torch fp32 vs ONNX Runtime vs OpenVINO, or one process vs a one-thread Ray
replica) move those scores by about 1e-6, so their sixth decimal differs on about half of all
questions while the answers do not: measured on 40 BBC questions, torch vs ONNX / OpenVINO, the
whole ``to_dict()`` objects were equal on 20 / 19 of 40, the answer text, abstention, every
citation's passage and character offsets and the top-10 passage ids on 40 / 40 (and on 100 BBC dev
questions more, under relative noise up to 1e-4 on every vector). Comparing the objects with ``==``
reported float noise as changed answers. ``same_answer`` compares everything else exactly and
numbers within ``tol``.

    >>> a = {"answer": "x", "citations": [{"quote": "x", "score": 0.8125004}], "timings_ms": {"total": 3}}
    >>> b = {"answer": "x", "citations": [{"quote": "x", "score": 0.8125011}], "timings_ms": {"total": 9}}
    >>> a == b, same_answer(a, b)
    (False, True)
    >>> differences(a, dict(b, answer="y"))
    ['answer']
"""

from __future__ import annotations

import math

SCORE_TOL = 1e-4  # 100x the score noise of backends at parity (cosine 1.000000: scores move ~1e-6)
IGNORED = frozenset({"timings_ms"})  # wall-clock times: never the same twice


def _as_dict(answer) -> dict:
    return answer if isinstance(answer, dict) else answer.to_dict()


def differences(a, b, *, tol: float = SCORE_TOL, ignore: frozenset[str] = IGNORED) -> list[str]:
    """The paths (``citations[0].start``) where answers (``Answer`` or ``to_dict()``) differ: numbers
    by more than ``tol`` (ints, e.g. offsets, exactly), anything else at all; keys in ``ignore`` skipped."""
    out: list[str] = []
    _walk(_as_dict(a), _as_dict(b), "", tol, ignore, out)
    return out


def same_answer(a, b, *, tol: float = SCORE_TOL, ignore: frozenset[str] = IGNORED) -> bool:
    """True when ``differences`` finds nothing."""
    return not differences(a, b, tol=tol, ignore=ignore)


def _walk(x, y, path: str, tol: float, ignore: frozenset[str], out: list[str]) -> None:
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y), key=str):
            if k in ignore:
                continue
            sub = f"{path}.{k}" if path else str(k)
            if k not in x or k not in y:
                out.append(sub)
            else:
                _walk(x[k], y[k], sub, tol, ignore, out)
    elif isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        if len(x) != len(y):
            out.append(path)
            return
        for i, (u, v) in enumerate(zip(x, y)):
            _walk(u, v, f"{path}[{i}]", tol, ignore, out)
    elif (isinstance(x, float) or isinstance(y, float)) and _number(x) and _number(y):
        if not (math.isclose(x, y, rel_tol=0.0, abs_tol=tol) or (math.isnan(x) and math.isnan(y))):
            out.append(path)
    elif x != y or type(x) is not type(y):
        out.append(path)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
