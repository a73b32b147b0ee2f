"""Compaction: merge small segments into larger ones, dropping tombstoned rows (a tiered policy).

Policy (like Lucene's TieredMergePolicy): a segment's tier is the order of magnitude of its live
passages (< 100: tier 0, 100-999: tier 1, ...). When ``MERGE_FACTOR`` or more segments of one
tier or below sit next to each other, that run is merged into one segment (of the next tier), so
every passage is rewritten about once per tier: log(N) times in all, never once per update. A
segment that is mostly tombstones is rewritten alone. Runs are contiguous so that "newest wins"
(for file records) keeps its meaning. Segments above ``MAX_MERGE_PASSAGES`` are left alone unless
``full=True`` (rebuilding a large HNSW graph takes minutes).

A merge builds its segment without the writer lock (readers and writers go on), then takes the
lock only to publish: tombstones written meanwhile on the merged segments move to the new one.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .faiss_index import FaissSettings
from .lexical import TOKENIZER_VERSION, terms
from .manifest import SEGMENTS_DIR, Manifest, read_manifest
from .plural import count
from .reader import IndexReader, open_reader
from .segment import SegmentData, merge_postings, next_segment_name, publish_segment, write_segment
from .store import publish, remove_unlisted, tmp_segment, writer_lock

MERGE_FACTOR = 10
MAX_MERGE_PASSAGES = 500_000
MOSTLY_DELETED = 0.5


@dataclass
class CompactReport:
    merges: int = 0
    segments_before: int = 0
    segments_after: int = 0
    passages_rewritten: int = 0
    rows_dropped: int = 0
    seconds: float = 0.0

    def summary_line(self) -> str:
        return (f"{count(self.merges, 'merge')}: {self.segments_before} -> {count(self.segments_after, 'segment')}, "
                f"{count(self.passages_rewritten, 'passage')} rewritten, {count(self.rows_dropped, 'deleted row')} "
                f"dropped; {self.seconds:.1f} s")


def _tier(n: int) -> int:
    return 0 if n < 100 else int(math.log10(n)) - 1


def _live_sizes(m: Manifest) -> list[int]:
    # Tombstoned passages per segment are not in the manifest; documents give a good enough share.
    out = []
    for s in m.segments:
        dead = len(m.tombstones.get(s.name, ()))
        out.append(max(0, round(s.passages * (1 - dead / s.documents))) if s.documents else s.passages)
    return out


def plan_merge(m: Manifest, *, full: bool = False, everything: bool = False) -> list[str] | None:
    """The names of the next contiguous run of segments to merge, or None when the policy is content.

    ``full``: every run of segments up to ``MAX_MERGE_PASSAGES`` (and any with tombstones) becomes one
    segment; ``everything``: the whole index becomes one segment (large HNSW graphs are rebuilt).
    """
    segs = m.segments
    sizes = _live_sizes(m)
    if everything or full:
        limit = float("inf") if everything else MAX_MERGE_PASSAGES
        i = 0
        while i < len(segs):
            j = i
            while j < len(segs) and sizes[j] <= limit:
                j += 1
            run = [s.name for s in segs[i:j]]
            if len(run) > 1 or (len(run) == 1 and m.tombstones.get(run[0])):
                return run
            i = j + 1
        return None
    tiers = [_tier(n) for n in sizes]
    for t in sorted(set(tiers)):
        i = 0
        while i < len(segs):
            j, total = i, 0
            while j < len(segs) and tiers[j] <= t and total + sizes[j] <= MAX_MERGE_PASSAGES:
                total += sizes[j]
                j += 1
            if j - i >= MERGE_FACTOR:
                return [s.name for s in segs[i:j]]
            i = max(j, i + 1)
    for s, n in zip(segs, sizes):  # mostly tombstones: rewrite it alone
        if s.passages and n < s.passages * (1 - MOSTLY_DELETED) and s.passages <= MAX_MERGE_PASSAGES:
            return [s.name]
    return None


def needs_merge(m: Manifest) -> bool:
    return plan_merge(m) is not None


def compact_index(index_dir: str | os.PathLike, *, full: bool = False, everything: bool = False,
                  lock_timeout: float = 30.0, max_merges: int = 100) -> CompactReport:
    """Merge segments while the policy (or ``full`` / ``everything``, see ``plan_merge``) says so.

    An index of an older format is migrated first. Returns what was merged.
    """
    from .migrations import migrate

    t0 = time.perf_counter()
    index_dir = Path(index_dir)
    if not index_dir.exists():
        read_manifest(index_dir)  # raises, naming the folder: the lock below would create it
    with writer_lock(index_dir, timeout=lock_timeout):
        migrate(index_dir)
        remove_unlisted(index_dir, read_manifest(index_dir))  # what a killed writer or merge left
    report = CompactReport(segments_before=len(read_manifest(index_dir).segments))
    for _ in range(max_merges):
        reader = open_reader(index_dir, ann=False)
        names = plan_merge(reader.info, full=full, everything=everything)
        if not names:
            break
        merged = _merge(index_dir, reader, names, lock_timeout, report)
        if not merged:
            break  # the segments changed under us (another compaction): stop; the next run goes on
    report.segments_after = len(read_manifest(index_dir).segments)
    report.seconds = time.perf_counter() - t0
    return report


def _merge(index_dir: Path, reader: IndexReader, names: list[str], lock_timeout: float, report: CompactReport) -> bool:
    idx = [i for i, s in enumerate(reader.segments) if s.name in names]
    data, dropped = merged_data(reader, idx)
    for seg in reader.segments[idx[-1] + 1:]:  # records a newer segment supersedes are dead
        for key in seg.files():
            data.files.pop(key, None)
    settings = FaissSettings.from_dict(reader.info.faiss)
    # A folder of its own (merges of one process run side by side), kept from other writers' cleanup
    # while it is written without the lock; removed here if it is not published.
    with tmp_segment("compact") as tmp_name:
        tmp = index_dir / SEGMENTS_DIR / tmp_name
        try:
            tmp, fields = write_segment(index_dir, tmp_name, data, settings, TOKENIZER_VERSION)
            with writer_lock(index_dir, timeout=lock_timeout):
                published = _publish_merge(index_dir, reader, idx, names, tmp, fields, data, dropped)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # gone already when published (renamed)
    if not published:
        return False
    report.merges += 1
    report.passages_rewritten += len(data)
    report.rows_dropped += dropped
    return True


def _publish_merge(index_dir: Path, reader: IndexReader, idx: list[int], names: list[str], tmp: Path, fields: dict,
                   data: SegmentData, dropped: int) -> bool:
    """Swap the merged segment in for ``names`` (under the writer lock); False when they changed meanwhile."""
    cur = read_manifest(index_dir)
    now = cur.segment_names()
    if not set(names) <= set(now) or now[now.index(names[0]):now.index(names[0]) + len(names)] != names:
        return False
    if len(data) == 0 and not data.files:  # nothing live and no file records: the run just goes
        seg = None
    else:
        seg = publish_segment(tmp, next_segment_name(index_dir, now), fields)
    planned = {reader.segments[i].name: reader.tombstones[i] for i in idx}
    tombstones = {k: set(v) for k, v in cur.tombstones.items() if k not in names}
    later = set().union(*(set(cur.tombstones.get(n, ())) - planned[n] for n in names))
    if later and seg is not None:  # deleted while we merged: those documents live in the merged segment
        tombstones[seg.name] = later
    at = now.index(names[0])
    segments = cur.segments[:at] + ([seg] if seg is not None else []) + cur.segments[at + len(names):]
    counts = cur.counts.model_dump()
    counts["tombstoned_passages"] = max(0, counts.get("tombstoned_passages", 0) - dropped)
    counts.pop("segments", None)
    publish(index_dir, cur, base={}, segments=segments, tombstones=tombstones,
            deleted_files=list(cur.deleted_files), counts=counts)
    return True


def merged_data(reader: IndexReader, idx: list[int]) -> tuple[SegmentData, int]:
    """The live rows of segments ``idx`` of ``reader`` as one segment's data, and how many rows were dropped."""
    import pyarrow as pa

    p_tables, d_tables, vecs, svecs, srows, posts, files = [], [], [], [], [], [], {}
    doc_base = row_base = sent_base = dropped = 0
    deleted = set(reader.info.deleted_files)
    for i in idx:
        seg = reader.segments[i]
        live = reader.live_rows[i] if reader.live_rows[i] is not None else np.ones(len(seg), bool)
        live_docs = reader.live_docs[i]
        doc_map = np.full(seg.info.documents, -1, np.int64)
        doc_map[live_docs] = np.arange(int(live_docs.sum())) + doc_base
        keep = np.flatnonzero(live)
        dropped += len(seg) - len(keep)
        t = seg.passages.take(pa.array(keep))
        t = t.set_column(t.schema.get_field_index("doc"), "doc",
                         pa.array(doc_map[t.column("doc").to_numpy()].astype(np.int32), pa.int32()))
        p_tables.append(t)
        d_tables.append(seg.documents.filter(pa.array(live_docs)))
        vecs.append(np.asarray(seg.vectors[keep]))
        sr = seg.sentence_rows
        counts = np.asarray(sr[1:] - sr[:-1])[keep]
        sel = np.repeat(live, np.diff(sr))
        svecs.append(np.asarray(seg.sentence_vectors[sel]))
        srows.append(counts)
        remap = np.full(len(seg), -1, np.int64)
        remap[keep] = np.arange(len(keep)) + row_base
        if seg.info.tokenizer == TOKENIZER_VERSION:
            posts.append((seg.postings, remap))
        else:  # tokenised by an older tokenizer: tokenise again
            from .chunker import embed_text

            texts = [embed_text(seg.passage(r)) for r in range(len(seg))]
            from .segment import build_postings

            posts.append((build_postings(texts, terms), remap))
        for k, v in seg.files().items():
            files[k] = v
        doc_base += int(live_docs.sum())
        row_base += len(keep)
        sent_base += int(counts.sum())
    for k in deleted:
        files.pop(k, None)
    dim = reader.dimension
    counts = np.concatenate(srows) if srows else np.zeros(0, np.int64)
    data = SegmentData(
        passages=pa.concat_tables(p_tables), documents=pa.concat_tables(d_tables),
        vectors=np.concatenate(vecs) if vecs else np.zeros((0, dim), np.float32),
        sentence_vectors=np.concatenate(svecs) if svecs else np.zeros((0, dim), np.float16),
        sentence_rows=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        postings=merge_postings(posts), files=files)
    return data, dropped
