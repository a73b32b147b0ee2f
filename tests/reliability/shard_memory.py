"""Memory of one shard against one process searching the whole index, and the same rankings.

Each measurement runs in a fresh subprocess that searches ``--questions`` queries (index headlines
for BM25, seeded random unit vectors for the dense scan; no model is loaded anywhere) and reports
its resident memory (VmRSS, its anonymous and file-backed parts, and the peak VmHWM):

- ``bare``: the imports only (numpy, pyarrow, faiss, qa) — the floor of every process;
- ``whole``: ``IndexReader`` + ``SegmentBM25`` over the whole index (what one process searches);
- ``shard i/N``: ``qa.shards.Shard(index, i, N)`` with the statistics the engine would send.

The shards' rankings merged (``merge_ranked``) must equal the whole index's, dense and BM25, on
every query. Prints one JSON object.

    nice -n 5 .venv/bin/python tests/reliability/shard_memory.py --index /work/idx/bbc2 --shards 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPTH = 50


def memory() -> dict:
    want = {"VmRSS": "rss_mb", "VmHWM": "peak_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in want:
            out[want[key]] = round(int(line.split()[1]) / 1024, 1)
    return out


def child(spec: dict) -> dict:
    import faiss  # noqa: F401 (the floor: everything a searching process imports)
    import numpy as np
    import pyarrow  # noqa: F401
    import pyarrow.compute  # noqa: F401

    from newsqa.embeddings.reader import open_reader
    from newsqa.qa.bm25 import SegmentBM25
    from newsqa.qa.retrieve import exact_scores, merge_ranked
    from newsqa.qa.shards import Shard

    pyarrow.chunked_array([pyarrow.array([1], pyarrow.int32())]).to_numpy()  # its first use costs ~30 MB, index or not
    queries = spec["queries"]
    vecs = np.load(spec["vectors"])
    out = {"dense": [], "bm25": []}
    if spec["mode"] == "whole":
        reader = open_reader(spec["index"])
        bm25 = SegmentBM25(reader)
        for q, v in zip(queries, vecs):
            rows, _ = reader.dense_search(v, DEPTH + 8)  # as Retriever.ranked: candidates, then exact scores
            ranked = merge_ranked([list(zip(rows.tolist(), exact_scores(reader.vectors[rows], v).tolist()))], DEPTH)
            out["dense"].append([list(x) for x in ranked])
            rows, scores = bm25.search(q, DEPTH)
            out["bm25"].append([[int(r), float(s)] for r, s in zip(rows, scores)])
    elif spec["mode"] == "shard":
        shard = Shard(spec["index"], spec["shard"], spec["n"])
        out["held_mb"] = round(shard.nbytes() / 2**20, 1)
        out["rows"] = int(len(shard.rows()))
        for q, v, st in zip(queries, vecs, spec["stats"]):
            d, b = shard.ranked(q, DEPTH, None, v.tolist(), {}, shard.generation, st)
            out["dense"].append([list(x) for x in d])
            out["bm25"].append([list(x) for x in b])
    out.update(memory())
    return out


def run_child(spec: dict, work: Path) -> dict:
    path = work / "spec.json"
    path.write_text(json.dumps(spec))
    got = subprocess.run([sys.executable, __file__, "--child", str(path)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(got.stdout)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index")
    p.add_argument("--shards", type=int, default=2)
    p.add_argument("--questions", type=int, default=40)
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(Path(args.child).read_text()))))
        return 0
    if not args.index:
        p.error("--index is required")
    import numpy as np

    from newsqa.embeddings.reader import open_reader
    from newsqa.qa.bm25 import SegmentBM25
    from newsqa.qa.retrieve import merge_ranked
    from newsqa.qa.shards import bm25_statistics

    reader = open_reader(args.index, ann=False)
    seg0 = reader.segments[0]
    titles = sorted(set(seg0.documents.column("title").to_pylist()[:5000]) - {""})
    queries = titles[:: max(1, len(titles) // args.questions)][: args.questions]
    bm25 = SegmentBM25(reader)
    stats = [bm25_statistics(bm25, q) for q in queries]
    rng = np.random.default_rng(15)
    vecs = rng.standard_normal((len(queries), reader.dimension)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    result = {"index": args.index, "passages": reader.live_passages, "segments": len(reader.segments),
              "queries": len(queries)}
    del reader, bm25, seg0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        np.save(work / "vecs.npy", vecs)
        base = {"index": str(args.index), "queries": queries, "vectors": str(work / "vecs.npy")}
        result["bare"] = run_child({**base, "mode": "bare"}, work)
        whole = run_child({**base, "mode": "whole"}, work)
        shards = [run_child({**base, "mode": "shard", "shard": i, "n": args.shards, "stats": stats}, work)
                  for i in range(args.shards)]
    for key in ("dense", "bm25"):
        same = sum(merge_ranked([[tuple(x) for x in s[key][j]] for s in shards], DEPTH) == [tuple(x) for x in whole[key][j]]
                   for j in range(len(queries)))
        result[f"same_{key}_rankings"] = f"{same}/{len(queries)}"
    for s in [whole, *shards]:
        s.pop("dense"), s.pop("bm25")
    floor = result["bare"]["rss_mb"]
    result["whole"] = {**whole, "above_bare_mb": round(whole["rss_mb"] - floor, 1)}
    result["shards"] = [{**s, "above_bare_mb": round(s["rss_mb"] - floor, 1)} for s in shards]
    result["shard_over_whole_above_bare"] = [round(s["above_bare_mb"] / max(1e-9, result["whole"]["above_bare_mb"]), 3)
                                             for s in result["shards"]]
    print(json.dumps(result, indent=2))
    return 0 if all(result[f"same_{k}_rankings"].split("/")[0] == str(len(queries)) for k in ("dense", "bm25")) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
