"""The index manifest (format 2), validated: the one file a reader trusts to say what is live.

``manifest.json`` lists the live segments in row order, the tombstones (per segment, the ids of its
documents that were deleted or replaced), the files removed since their segment was written, and
the settings every segment shares (model, chunker, FAISS). It is replaced atomically (write beside,
fsync, rename), so a reader sees the old list of segments or the new one, never a mix.

    >>> m = read_manifest(Path("INDEX"))                                   # doctest: +SKIP
    >>> [s.name for s in m.segments], m.counts.passages  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .errors import IndexFormatError
from .faiss_index import KINDS

FORMAT = "newsqa-index"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SEGMENTS_DIR = "segments"
_SEGMENT_NAME = re.compile(r"s\d{6,}")


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)
    dimension: int = Field(gt=0)
    checksum: str = ""
    path: str = ""


def model_to_load(info: "Manifest | None", model: str | None = None) -> str | None:
    """The model spec to load for an index (``encoder.load_encoder``): ``model`` when given, else the
    folder the index was built from, else its model's name; None (the packaged default) without an index."""
    if model:
        return model
    return (info.model.path or info.model.name) if info is not None else None


class SegmentInfo(BaseModel):
    """One immutable segment: its folder ``segments/NAME``, counts, ANN kind and file sizes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    passages: int = Field(ge=0)
    documents: int = Field(ge=0)
    sentences: int = Field(ge=0)
    ann: str  # "flat" (exact scan of the memory-mapped vectors), "hnsw", "ivf" or "ivf_sq8" (faiss.index)
    # what the ANN index was built with (``faiss_index.ann_params``: nlist, codes, rerank...);
    # written only when not empty, so a manifest without it (older newsqa) reads the same
    ann_params: dict[str, int | float | str] = Field(default_factory=dict)
    tokenizer: int = Field(ge=1)
    sizes: dict[str, int]
    created: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _SEGMENT_NAME.fullmatch(v):
            raise ValueError(f"segment name {v!r} is not s followed by digits")
        return v

    @field_validator("ann")
    @classmethod
    def _ann(cls, v: str, info: ValidationInfo) -> str:
        if v not in KINDS:
            raise ValueError(f"segment {info.data.get('name', '?')}: ann must be one of {', '.join(KINDS)}, got {v!r} "
                             f"(an index written by a newer newsqa? upgrade newsqa or rebuild the index)")
        return v


class Counts(BaseModel):
    model_config = ConfigDict(extra="allow")
    documents: int = Field(ge=0)
    passages: int = Field(ge=0)  # live passages (tombstoned rows not counted)
    files: int = Field(ge=0)
    segments: int = Field(ge=0)
    tombstoned_passages: int = Field(ge=0, default=0)


class Manifest(BaseModel):
    """``manifest.json`` of a format-2 index."""

    model_config = ConfigDict(extra="allow")
    format: str
    format_version: int
    generation: str  # g + a number that grows with every publish
    model: ModelInfo
    metric: str = "inner_product"
    normalized: bool = True
    chunker: dict
    faiss: dict
    segments: list[SegmentInfo]
    tombstones: dict[str, list[str]] = {}  # segment name -> its deleted document ids
    deleted_files: list[str] = []  # source files removed after their segment was written
    counts: Counts
    versions: dict[str, str] = {}
    migrations: list[int] = []  # numbered migrations this index went through
    created: str = ""
    updated: str = ""

    @field_validator("generation")
    @classmethod
    def _gen(cls, v: str) -> str:
        if not re.fullmatch(r"g\d{6,}", v):
            raise ValueError(f"generation {v!r} is not g followed by digits")
        return v

    def number(self) -> int:
        return int(self.generation[1:])

    def segment_names(self) -> list[str]:
        return [s.name for s in self.segments]

    def to_dict(self) -> dict:
        d = self.model_dump(mode="json")
        for seg in d["segments"]:
            if not seg["ann_params"]:
                del seg["ann_params"]
        return d


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


_NOT_A_FOLDER = "{} is a file, not an index folder; name the folder an index was built in (newsqa index PATH --index FOLDER)"


def manifest_version(index_dir: Path) -> int | None:
    """The format version the manifest declares (None: no manifest there)."""
    if Path(index_dir).exists() and not Path(index_dir).is_dir():
        raise IndexFormatError(_NOT_A_FOLDER.format(index_dir))
    try:
        m = json.loads((Path(index_dir) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise IndexFormatError(f"{Path(index_dir) / MANIFEST} is not readable JSON ({e}); rebuild the index or restore the file") from e
    return m.get("format_version") if isinstance(m, dict) else None


def read_manifest(index_dir: Path) -> Manifest:
    """Read and validate ``manifest.json``.

    Raises:
        IndexFormatError: no folder (or a file in its place) or manifest, not JSON, another format, an
            old version (with the command that upgrades it), or a field that does not validate (named).
    """
    index_dir = Path(index_dir)
    if not index_dir.exists():
        raise IndexFormatError(f"index folder {index_dir} does not exist; build one with: newsqa index PATH --index {index_dir}")
    if not index_dir.is_dir():
        raise IndexFormatError(_NOT_A_FOLDER.format(index_dir))
    path = index_dir / MANIFEST
    if not path.is_file():
        if any(not e.name.startswith(".") for e in index_dir.iterdir()):  # articles, say: index them elsewhere
            raise IndexFormatError(f"{index_dir} holds no {MANIFEST}: not a newsqa index; to ask about the files in it, "
                                   f"index them into a new folder: newsqa index {index_dir} --index NEW-FOLDER, "
                                   "then --index NEW-FOLDER")
        raise IndexFormatError(f"{index_dir} holds no {MANIFEST}: not a newsqa index (build one with newsqa index PATH --index {index_dir})")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexFormatError(f"{path} is not valid JSON ({e}); rebuild the index or restore the file") from e
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise IndexFormatError(f"{path} is not a newsqa manifest (format {raw.get('format') if isinstance(raw, dict) else None!r})")
    version = raw.get("format_version")
    if isinstance(version, int) and 0 < version < FORMAT_VERSION:
        raise IndexFormatError(
            f"{path} has format version {version}, this newsqa reads {FORMAT_VERSION}; upgrade it once (in place, "
            f"atomically) with: newsqa compact --index {index_dir}   (or any newsqa index ... --index {index_dir})"
        )
    if version != FORMAT_VERSION:
        raise IndexFormatError(f"{path} has format version {version!r}; this newsqa reads version {FORMAT_VERSION}: rebuild the index")
    try:
        m = Manifest.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise IndexFormatError(f"{path}: field {where!r}: {err['msg']}; rebuild the index or restore the file") from e
    names = m.segment_names()
    if len(set(names)) != len(names):
        raise IndexFormatError(f"{path}: a segment is listed twice; restore the file or rebuild the index")
    unknown = set(m.tombstones) - set(names)
    if unknown:
        raise IndexFormatError(f"{path}: tombstones name segments that are not listed ({sorted(unknown)[:3]}); restore the file")
    return m


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Publish ``manifest`` atomically: write beside, fsync, rename, fsync the folder."""
    index_dir = Path(index_dir)
    tmp = index_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    data = json.dumps(manifest.to_dict(), indent=1, ensure_ascii=False).encode("utf-8")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / MANIFEST)
    fsync_dir(index_dir)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
