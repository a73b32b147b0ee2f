"""Example questions made from a collection's headlines, kept only when newsqa answers them well.

    >>> headline_question("Ad sales boost Time Warner profit")
    'What boosted Time Warner profit?'
    >>> headline_question("Henman wins in Doha")
    'Who won in Doha?'
    >>> headline_question("Dollar falls 2% against the euro")
    'How much did the dollar fall against the euro?'

A headline "A verbs B" becomes "Who/What verbed B?" (Who when A is a name); "A rises/falls N%" becomes
"How much did A rise/fall?". Each question is then asked of the engine and shown only when it is
answered (not abstained, confident) with a paragraph of the very article it came from.
"""

from __future__ import annotations

import re

# present tense (as headlines write it) -> past tense
PAST = {
    "backs": "backed", "bans": "banned", "beats": "beat", "blames": "blamed", "boost": "boosted",
    "boosts": "boosted", "buys": "bought", "calls": "called", "claims": "claimed", "criticises": "criticised",
    "cuts": "cut", "defends": "defended", "denies": "denied", "drops": "dropped", "faces": "faced",
    "hails": "hailed", "hits": "hit", "joins": "joined", "launches": "launched", "leads": "led",
    "loses": "lost", "makes": "made", "names": "named", "plans": "planned", "quits": "quit",
    "raises": "raised", "rejects": "rejected", "reveals": "revealed", "rules": "ruled", "seals": "sealed",
    "signs": "signed", "sues": "sued", "takes": "took", "targets": "targeted", "unveils": "unveiled",
    "urges": "urged", "warns": "warned", "wins": "won", "win": "won", "attacks": "attacked",
    "admits": "admitted", "agrees": "agreed", "announces": "announced", "buy": "bought", "hit": "hit",
}
MOVES = {"rises": "rise", "falls": "fall", "jumps": "jump", "drops": "drop", "slips": "slip", "climbs": "climb",
         "grows": "grow", "soars": "soar", "slumps": "slump", "rise": "rise", "fall": "fall"}
_NUMBER = re.compile(r"^[£$€]?\d[\d.,]*(%|bn|m|k)?$")


def headline_question(headline: str) -> str:
    """A question a headline answers, or "" when no pattern fits."""
    ws = " ".join((headline or "").split()).rstrip(".!").split(" ")
    if len(ws) < 3 or "?" in headline or ":" in headline:
        return ""
    for i, w in enumerate(ws[1:4], 1):
        lw = w.lower()
        rest = ws[i + 1:]
        if lw in MOVES and rest and _NUMBER.match(rest[0]):
            subject = " ".join(ws[:i])
            subject = subject if subject[:1].isupper() and any(x[:1].isupper() for x in ws[1:i]) else "the " + subject[0].lower() + subject[1:]
            tail = " ".join(rest[1:])
            return f"How much did {subject} {MOVES[lw]}{' ' + tail if tail else ''}?"
        if lw in PAST and rest and ws[i - 1].lower() != "to" and not rest[0].startswith(("'", '"')):
            subject = [x for x in ws[:i] if x.lower() != "and"]
            who = "Who" if all(x[:1].isupper() for x in subject) else "What"
            return f"{who} {PAST[lw]} {' '.join(rest)}?"
    return ""


def checked_examples(engine, n: int = 3, tries: int = 40, min_confidence: float = 0.6) -> list[str]:
    """Up to ``n`` questions from the collection's headlines that the engine answers with confidence.

    Args:
        engine: an open ``qa.Engine``.
        n: how many to return. tries: at most this many candidate questions are asked (in one batch).
        min_confidence: the least ``Answer.confidence`` kept.
    """
    docs = engine.snapshot.documents
    seen, cands = set(), []
    for doc_id, d in docs.items():
        q = headline_question(d.get("title") or "")
        if q and q.lower() not in seen and len(q) <= 100:
            seen.add(q.lower())
            cands.append((q, doc_id))
        if len(cands) >= tries * 4:
            break
    # spread over the collection (not only its first folder), deterministically
    step = max(1, len(cands) // tries)
    cands = cands[::step][:tries]
    if not cands:
        return []
    answers = engine.ask_many([q for q, _ in cands])
    out = []
    for (q, doc_id), a in zip(cands, answers):
        if a.abstained or a.confidence < min_confidence:
            continue
        if any(c.doc_id == doc_id and c.kind == "paragraph" for c in a.citations):
            out.append(q)
        if len(out) >= n:
            break
    return out
