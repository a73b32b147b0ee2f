"""FAISS indexes over the stored vectors: exact below a size, approximate (HNSW, IVF, or IVF over
8-bit codes re-ranked exactly from the stored vectors) above.

The raw vectors are kept in the store, so any index type can be rebuilt from them without re-encoding.

    >>> import numpy as np
    >>> v = np.eye(4, dtype="float32")
    >>> idx = build_faiss_index(v, FaissSettings())
    >>> idx.search(v[:1], 1)[1].tolist()
    [[0]]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .errors import SettingsError


DEFAULT_EF_SEARCH = 128  # the one HNSW efSearch default: built into settings, used on load when unrecorded
DEFAULT_NPROBE = 32  # the one IVF nprobe default (recall@10 >= 0.95 at 1M on the bench): used on load when unrecorded
KINDS = ("flat", "hnsw", "ivf", "ivf_sq8")  # what a segment's ``ann`` may be
ANN_KINDS = ("hnsw", "ivf", "ivf_sq8")  # the kinds with a faiss.index file
RERANKED = ("ivf_sq8",)  # compressed kinds: their candidates are re-scored from the float vectors
DEFAULT_RERANK = 200  # candidates an ``ivf_sq8`` search re-scores exactly (at least; 4 x k if more)
IVF_QUANTIZERS = ("flat", "hnsw")  # the coarse quantizers an IVF index may use
_ADD_BLOCK = 100_000  # vectors copied out of a memory-mapped array per IVF add


@dataclass(frozen=True)
class FaissSettings:
    """Which FAISS index to build.

    ``kind``: ``"auto"`` (exact below ``approx_threshold`` passages, HNSW from there, IVF from
    ``ivf_threshold``), ``"flat"``, ``"hnsw"`` or ``"ivf"``. HNSW: ``hnsw_m`` links per node,
    ``ef_construction`` at build, ``ef_search`` at query time. IVF (``IndexIVFFlat``, inner
    product): ``ivf_nlist`` lists (0: 4 x sqrt(n)), trained by k-means on at most
    ``ivf_train_per_list`` vectors a list, ``ivf_nprobe`` lists scanned per query. From
    ``sq8_threshold`` on, ``auto`` builds ``"ivf_sq8"``: the same IVF over 8-bit scalar-quantised
    codes (``IndexIVFScalarQuantizer``, 384 bytes a 384-d vector instead of 1,536), whose best
    ``ivf_rerank`` candidates (at least; 4 x k if more) are re-scored exactly from the segment's
    memory-mapped ``vectors.npy`` (``Reranked``). ``ivf_quantizer``: how a vector's lists are
    found, ``"flat"`` (every centroid compared) or ``"hnsw"`` (an HNSW graph over the centroids,
    ``ivf_quantizer_ef`` deep: slower to build below ~65,000 lists, docs/performance.md).
    """

    kind: str = "auto"
    approx_threshold: int = 1_000_000
    # An HNSW graph of 1M passages takes 20-25 CPU-minutes on these 2 cores, an IVF index of them
    # ~2 (docs/performance.md): from this size on, ``auto`` builds IVF.
    ivf_threshold: int = 1_000_000
    # M=16 / efConstruction=64 builds a 1M-passage HNSW about 3x faster than 32/80 on 2 cores;
    # efSearch=128 keeps recall@10 against exact search >= 0.95 (see eval/bench.py).
    hnsw_m: int = 16
    ef_construction: int = 64
    ef_search: int = DEFAULT_EF_SEARCH
    ivf_nlist: int = 0
    ivf_nprobe: int = DEFAULT_NPROBE
    ivf_train_per_list: int = 40
    # An IVFFlat at 10M holds 15 GB of float codes beside the 15 GB vectors.npy; SQ8 codes are 3.8 GB
    # and the exact re-rank of 200 candidates keeps recall (docs/performance.md, "10M").
    sq8_threshold: int = 4_000_000
    ivf_rerank: int = DEFAULT_RERANK
    # The coarse quantizer: "flat" (exact assignment, a BLAS product with every centroid) or "hnsw"
    # (an HNSW graph over the centroids, ``ivf_quantizer_ef`` deep); docs/performance.md measures both.
    ivf_quantizer: str = "flat"
    ivf_quantizer_ef: int = 64

    def __post_init__(self):
        if self.ivf_quantizer not in IVF_QUANTIZERS:  # refused here, not at the first IVF build hours later
            raise SettingsError(f"FaissSettings.ivf_quantizer: {self.ivf_quantizer!r} is not one of "
                                f"{', '.join(IVF_QUANTIZERS)}")

    def resolved_kind(self, n: int) -> str:
        if self.kind == "auto":
            if n >= max(self.approx_threshold, self.ivf_threshold, self.sq8_threshold):
                return "ivf_sq8"
            if n >= max(self.approx_threshold, self.ivf_threshold):
                return "ivf"
            return "hnsw" if n >= self.approx_threshold else "flat"
        return self.kind

    def nlist(self, n: int) -> int:
        """The number of IVF lists for ``n`` vectors (at least 1, at most ``n``)."""
        want = self.ivf_nlist or int(round(4 * np.sqrt(max(n, 1))))
        return max(1, min(want, n))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "FaissSettings":
        """Settings from a manifest's ``faiss`` entry (keys this version does not know are ignored)."""
        return cls(**{k: v for k, v in (d or {}).items() if k in cls.__dataclass_fields__})


def build_faiss_index(vectors: np.ndarray, settings: FaissSettings):
    """A FAISS index of ``vectors`` (rows may be a memory-mapped array) as ``settings`` say."""
    import faiss

    n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
    kind = settings.resolved_kind(n)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.ef_construction
        index.hnsw.efSearch = settings.ef_search
    elif kind in ("ivf", "ivf_sq8"):
        return build_ivf(vectors, settings, sq8=kind == "ivf_sq8")
    else:
        raise ValueError(f"unknown FAISS index kind {settings.kind!r}; use auto, flat, hnsw, ivf or ivf_sq8")
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def ann_params(kind: str, n: int, settings: FaissSettings) -> dict:
    """What a segment's manifest entry records about its ANN index (``SegmentInfo.ann_params``)."""
    if kind == "hnsw":
        return {"m": settings.hnsw_m, "ef_construction": settings.ef_construction}
    if kind in ("ivf", "ivf_sq8"):
        out = {"nlist": settings.nlist(n), "train": min(n, settings.nlist(n) * settings.ivf_train_per_list)}
        if settings.ivf_quantizer != "flat":
            out["quantizer"] = settings.ivf_quantizer
        return {**out, "codes": "sq8", "rerank": settings.ivf_rerank} if kind == "ivf_sq8" else out
    return {}


def build_ivf(vectors: np.ndarray, settings: FaissSettings, seed: int = 0, sq8: bool = False):
    """An ``IndexIVFFlat`` (inner product; ``sq8``: ``IndexIVFScalarQuantizer`` with 8-bit codes)
    trained on a sample of ``vectors``, then filled block by block (a memory-mapped input is never
    copied whole)."""
    import faiss

    n, dim = vectors.shape
    nlist = settings.nlist(n)
    quantizer = _quantizer(dim, settings)
    if sq8:
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                              faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = 10  # k-means iterations: 10 train 1M in ~2 CPU-min with the recall of 25
    take = min(n, nlist * settings.ivf_train_per_list)
    sample = np.sort(np.random.default_rng(seed).choice(n, size=take, replace=False)) if take < n else np.arange(n)
    if n:
        index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
    for a in range(0, n, _ADD_BLOCK):
        index.add(np.ascontiguousarray(vectors[a:a + _ADD_BLOCK], dtype=np.float32))
    index.nprobe = min(settings.ivf_nprobe, nlist)
    return index


def _quantizer(dim: int, settings: FaissSettings):
    import faiss

    if settings.ivf_quantizer == "flat":
        return faiss.IndexFlatIP(dim)
    if settings.ivf_quantizer == "hnsw":
        q = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        q.hnsw.efConstruction, q.hnsw.efSearch = 40, settings.ivf_quantizer_ef
        return q
    raise ValueError(f"unknown IVF quantizer {settings.ivf_quantizer!r}; use flat or hnsw")


class Reranked:
    """A compressed FAISS index whose candidates are re-scored exactly from the float vectors.

    ``search(q, k, params=None)`` asks the index for ``max(rerank, 4 * k)`` candidates (the ID
    selector in ``params`` applies inside that search), reads their rows of ``vectors`` (a
    memory-mapped ``vectors.npy``: only those rows are touched) and returns the ``k`` best by exact
    inner product, as ``faiss.Index.search`` does (-1 rows where fewer were found). Anything else
    (``ntotal``, ``d``, ``nprobe``...) is the wrapped index's.

        >>> import faiss
        >>> v = np.eye(4, dtype="float32")
        >>> Reranked(faiss.IndexFlatIP(4), v, 2).search(v[:1], 1)[1].tolist()  # empty index: none
        [[-1]]
    """

    def __init__(self, index, vectors: np.ndarray, rerank: int = DEFAULT_RERANK):
        self.index = index
        self.vectors = vectors
        self.rerank = int(rerank)

    def __getattr__(self, name):
        try:
            index = self.__dict__["index"]
        except KeyError:  # copy/pickle look attributes up before __init__ has run
            raise AttributeError(name) from None
        return getattr(index, name)

    def __setattr__(self, name, value):
        if name in ("index", "vectors", "rerank"):
            object.__setattr__(self, name, value)
        else:  # "seg.faiss.nprobe = 64" sets the wrapped index's depth, not a shadow attribute
            setattr(self.index, name, value)

    def search(self, q: np.ndarray, k: int, params=None):
        q = np.ascontiguousarray(np.asarray(q, np.float32).reshape(-1, self.index.d))
        depth = min(max(self.rerank, 4 * k, k), max(1, self.index.ntotal))
        _, cand = self.index.search(q, depth) if params is None else self.index.search(q, depth, params=params)
        D = np.full((len(q), k), -np.inf, np.float32)
        I = np.full((len(q), k), -1, np.int64)
        for i, row in enumerate(cand):
            found = np.sort(row[row >= 0])
            if not len(found):
                continue
            scores = np.asarray(self.vectors[found], np.float32) @ q[i]
            top = np.lexsort((found, -scores))[:k]
            D[i, :len(top)], I[i, :len(top)] = scores[top], found[top]
        return D, I


def unwrapped(index):
    """The FAISS index itself (a ``Reranked`` one's inner index)."""
    return index.index if isinstance(index, Reranked) else index


def index_nbytes(index) -> int:
    """Bytes a FAISS index holds: its codes (``code_size`` a vector: 4 a dimension for float
    storage, 1 for 8-bit codes), an IVF's list ids (8 a vector) and coarse centroids, an HNSW's
    links; about what ``faiss.serialize_index`` writes, without writing it. A ``Reranked`` index
    counts its inner index (its float vectors are the segment's memory-mapped ``vectors.npy``).

        >>> import faiss
        >>> index_nbytes(faiss.IndexFlatIP(4))
        0
    """
    import faiss

    index = faiss.downcast_index(unwrapped(index))
    if isinstance(index, faiss.IndexIVF):
        return int(index.ntotal * (index.code_size + 8) + index_nbytes(index.quantizer))
    if isinstance(index, faiss.IndexHNSW):
        graph = index.hnsw
        links = graph.neighbors.size() * 4 + graph.levels.size() * 4 + graph.offsets.size() * 8
        return int(index_nbytes(index.storage) + links)
    return int(index.ntotal * index.code_size)


def set_search_depth(index, ef_search: int, nprobe: int) -> None:
    """Apply the recorded query-time settings to a loaded HNSW or IVF index."""
    import faiss

    index = unwrapped(index)
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = int(ef_search)
    else:
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = max(1, min(int(nprobe), ivf.nlist))


def search_params(index, sel):
    """FAISS search parameters with the ID selector ``sel`` for an HNSW or IVF index."""
    import faiss

    index = unwrapped(index)
    if hasattr(index, "hnsw"):
        return faiss.SearchParametersHNSW(sel=sel, efSearch=index.hnsw.efSearch)
    return faiss.SearchParametersIVF(sel=sel, nprobe=faiss.extract_index_ivf(index).nprobe)
