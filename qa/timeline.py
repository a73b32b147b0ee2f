"""Updated stories: when several quotes answer with values of different times, answer with the newest
and keep the others as a timeline."""

from __future__ import annotations

from embeddings.store import Snapshot

from .quotes import Candidate


def newest_first(chosen: list[Candidate], scored: list[Candidate], snapshot: Snapshot) -> tuple[list[Candidate], list[dict]]:
    """(A first version: the chosen quotes as they are, no timeline.)"""
    return chosen, []
