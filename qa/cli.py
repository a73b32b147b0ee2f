"""The ``newsqa`` command: index articles, ask questions, chat, serve the browser app, evaluate.

Each sub-command's ``--help`` shows its options and examples. User mistakes (a missing file, a bad
option, a damaged index) end in one readable line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
import textwrap

from newsqa.embeddings.backends import BACKENDS
from newsqa.embeddings.errors import NewsqaError

EPILOG = """\
examples:
  newsqa ask "What did Putin say when asked if Moscow would help Kim build satellites?"
      (no index yet: answers from the built-in sample corpus, the 2023-09-14 news page)
  newsqa index ~/news/ --index ~/news-index       read a folder of articles into an index
  newsqa ask "Who won the Mercury Prize?" --index ~/news-index --json
  newsqa chat --index ~/news-index                 a conversation with follow-up questions
  newsqa ui --index ~/news-index                   the browser chat on http://127.0.0.1:7860
  newsqa eval questions.jsonl --corpus ~/news/     score the engine on a question set
  newsqa serve --index ~/news-index                the HTTP API on http://127.0.0.1:8000 (docs at /docs)

The default index is $NEWSQA_HOME/index (NEWSQA_HOME defaults to ~/.local/share/newsqa).
"""


def _add_index_opt(p: argparse.ArgumentParser, writes: bool = False) -> None:
    p.add_argument("--index", metavar="DIR", default=None,
                   help="index folder to build or update (default: $NEWSQA_HOME/index)" if writes else
                   "index folder (default: $NEWSQA_HOME/index, or the sample corpus' index if there is none)")


def _add_filter_opts(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (applied inside the search)")
    g.add_argument("--since", metavar="YYYY-MM-DD", default="", help="only articles dated on or after this day")
    g.add_argument("--until", metavar="YYYY-MM-DD", default="", help="only articles dated on or before this day")
    g.add_argument("--section", action="append", default=[], help="only this section (repeatable)")
    g.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    g.add_argument("--kind", action="append", choices=["paragraph", "headline"], default=[],
                   help="only article paragraphs or only headlines (repeatable)")
    g.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only this document id (repeatable)")


def _add_backend_opt(p) -> None:
    p.add_argument("--backend", choices=BACKENDS, default=None,
                   help="the encoder's forward pass (default: $NEWSQA_BACKEND or auto: the fastest that passes "
                        "the parity check against torch fp32 on this CPU; see docs/backends.md)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsqa",
        description="Ask questions of a collection of news articles. Every answer is verbatim quotes, "
                    "each cited (headline, date, source, paragraph); when the articles do not answer, "
                    "newsqa says so.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsqa {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", help="read articles (files or folders) into an index",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Build or update an index from news pages, .txt, .md, .html, .jsonl and .csv files.\n"
                                   "Folders are read recursively. Unchanged files are not read again; a changed\n"
                                   "file replaces its passages. Updates are all or nothing.",
                       epilog="examples:\n  newsqa index ../shared/corpus/bbc/articles --index bbc-index\n"
                              "  newsqa index news.jsonl more/ --index my-index --prune\n")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to index")
    _add_index_opt(p, writes=True)
    p.add_argument("--model", default=None,
                   help="sentence-transformers model: a local folder (default: the packaged all-MiniLM-L6-v2)")
    _add_backend_opt(p)
    p.add_argument("--prune", action="store_true", help="remove documents whose files no longer exist")
    p.add_argument("--section-from-folder", action=argparse.BooleanOptionalAction, default=True,
                   help="a plain .txt/.md file in a sub-folder gets the sub-folder's name as its section, "
                        "unless the file names one (default: on; --no-section-from-folder turns it off)")
    p.add_argument("--max-file-mb", type=_positive_mb, default=20.0,
                   help="refuse single article files (and single JSONL records) above this size (default 20)")
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local (default) or ray: read, chunk and encode as a Ray Data pipeline (pip install newsqa[ray])")
    p.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                   help="how long to wait for another update of the same index to finish (default 30)")
    p.add_argument("--address", default=None, help="with --engine ray: the Ray cluster address (default: start a local one)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser("ask", help="ask one question", formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Answer a question with verbatim, cited quotes from the index.",
                       epilog="examples:\n  newsqa ask \"Where did Putin show Kim around?\"\n"
                              "  newsqa ask \"death toll Morocco\" --kind headline --json\n")
    p.add_argument("question", help="the question (quote it)")
    _add_index_opt(p)
    p.add_argument("-k", type=int, default=5, help="how many passages to retrieve (default 5)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p.add_argument("--history", action="append", default=[], metavar="QUESTION",
                   help="an earlier question of the conversation, for a follow-up (repeatable, oldest first)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    _add_backend_opt(p)
    p.add_argument("--reranker", default=None, metavar="DIR",
                   help="re-rank passages with a local cross-encoder folder (default: no re-ranking)")
    _add_filter_opts(p)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal",
                       description="Ask questions one after another; follow-ups use the earlier turns. "
                                   "Commands: /clear forgets the conversation, /quit leaves.")
    _add_index_opt(p)
    p.add_argument("-k", type=int, default=5, help="how many passages to retrieve (default 5)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    _add_backend_opt(p)
    _add_filter_opts(p)

    p = sub.add_parser("info", help="what an index holds (articles, passages, dates, sections, model)",
                       description="Summarise an index: articles, passages by kind, date range, sections, "
                                   "sources, model and last update.")
    _add_index_opt(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")

    p = sub.add_parser("compact", help="merge an index's small segments (and upgrade an older format)",
                       description="Merge small segments into larger ones and drop deleted rows, by the tiered merge "
                                   "policy (updates run it too). Readers and writers are blocked only for the "
                                   "manifest swap. An index of an older format is upgraded first.")
    _add_index_opt(p, writes=True)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true", help="merge every run of small segments into one (not the large ones)")
    g.add_argument("--all", action="store_true", help="merge the whole index into one segment (rebuilds large HNSW graphs)")
    p.add_argument("--wait", type=float, default=30.0, metavar="SECONDS", help="how long to wait for a writer (default 30)")

    p = sub.add_parser("watch", help="follow folders: index new and changed files, drop deleted ones",
                       description="Poll PATHs every few seconds and keep the index up to date: new and changed files "
                                   "are indexed (one small segment per change), deleted ones removed. A running "
                                   "newsqa ui or Engine answers from each update on its next question. Ctrl-C stops.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to follow")
    _add_index_opt(p, writes=True)
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS", help="seconds between polls (default 2)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")

    for name, module, text in (("ui", "newsqa.ui.cli", "the browser chat (Gradio)"), ("eval", "newsqa.eval.cli", "score the engine on a question set"),
                               ("serve", "newsqa.serve.cli", "the HTTP API, OpenAI-compatible chat and browser chat (or Ray Serve)")):
        # Loaded here, not at the top: qa/ must not import ui/ or serve/ when used as a library. A broken
        # import fails loudly instead of silently dropping the sub-command from --help.
        mod = __import__(module, fromlist=["add_parser"])
        mod.add_parser(sub, name, text)
    return parser


def _positive_mb(value: str) -> float:
    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not mb > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {value}")
    return mb


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _version() -> str:
    try:
        import importlib.metadata as md

        return md.version("newsqa")
    except Exception:
        return "dev"


def _filters(args):
    from .types import Filters

    return Filters(date_from=args.since, date_to=args.until, sections=tuple(args.section), sources=tuple(args.source),
                   kinds=tuple(args.kind), doc_ids=tuple(args.doc))


def cmd_index(args) -> int:
    from newsqa.embeddings.indexer import update_index

    from .engine import default_index_dir

    index_dir = args.index or str(default_index_dir())
    existed = Path(index_dir).exists()
    kwargs = dict(model=args.model, backend=args.backend, prune=args.prune, progress=False if args.no_progress else None,
                  max_file_bytes=int(args.max_file_mb * 2**20))
    if args.wait != 30.0:  # only when asked, so other engines need not know the option
        kwargs["lock_timeout"] = max(0.0, args.wait)
    if args.engine == "ray":
        from newsqa.embeddings.ray_pipeline import update_index_ray

        report = update_index_ray(args.paths, index_dir, address=args.address,
                                  section_from_folder=args.section_from_folder, **kwargs)
    else:
        report = update_index(args.paths, index_dir, section_from_folder=args.section_from_folder, **kwargs)
    if args.json:
        out = {k: v for k, v in report.__dict__.items() if k != "skipped"}
        out["skipped"] = [{"path": s.path, "reason": s.reason} for s in report.skipped]
        print(json.dumps(out, indent=2))
    nothing_read = bool(report.skipped) and not (report.documents_read or report.files_unchanged)
    if not args.json:
        for s in report.skipped:
            print(f"skipped {s.path}: {s.reason}", file=sys.stderr)
        if not nothing_read:
            print(report.summary_line())
    if nothing_read:
        if not existed and not report.written:
            shutil.rmtree(index_dir, ignore_errors=True)  # only its lock file was made: leave no trace
        # Every path given was unreadable: nothing was indexed or changed. Say so and fail, so that a
        # script does not take an empty run for success.
        print(f"newsqa index: error: nothing could be read from the {len(args.paths)} path(s) given "
              f"(see the reasons above); the index {index_dir} was not changed", file=sys.stderr)
        return 2
    return 0


def format_answer(answer) -> str:
    """The answer as a person reads it in a terminal: quotes with markers, then the citations."""
    lines = [textwrap.fill(answer.answer, width=100)]
    if getattr(answer, "answer_state", "") == "unsure":
        why = (answer.abstain_reason or {}).get("text", "")
        lines.insert(0, "Unsure: these are the closest passages; they may not answer the question"
                     + (f" ({why})." if why else "."))
    if getattr(answer, "rewritten", False):
        lines.append(f"(Searched for: {answer.resolved_question})")
    if getattr(answer, "verdict", ""):
        lines.append(f"Compared: {answer.verdict}")
    if answer.abstained:
        if answer.related:
            lines.append("\nRelated, but not an answer:")
            for h in answer.related:
                p = h.passage
                lines.append(textwrap.fill(f"- {p.text}", width=100, subsequent_indent="  "))
                lines.append(f"  ({p.title}, {p.date or 'undated'}, {p.kind} {p.paragraph})")
        return "\n".join(lines)
    lines.append("")
    for c in answer.citations:
        from .types import location_label

        meta = ", ".join(x for x in (c.source, c.date or "undated", c.section, location_label(c.kind, c.paragraph)) if x)
        lines.append(f"[{c.n}] {c.title} ({meta})")
        if c.heading:
            lines.append(f"    under the subheading {c.heading}")
        if c.answer_text:
            lines.append(f"    short answer: {c.answer_text}")
        for d in c.dates:
            lines.append(f"    \u201c{d['text']}\u201d = {d['resolved']} ({d['basis']})")
    if answer.timeline:
        lines.append("\nEarlier reports of this story (newest first):")
        for t in answer.timeline:
            lines.append(textwrap.fill(f"[{t.get('n', '')}] \u201c{t['quote']}\u201d", width=100, initial_indent="  ",
                                       subsequent_indent="      "))
            lines.append(f"      {t.get('title', '')} ({t.get('source') or ''}{', ' if t.get('source') else ''}{t['when']})")
    return "\n".join(lines)


def cmd_ask(args) -> int:
    from .engine import Engine

    reranker = None
    if args.reranker:
        from .rerank import CrossEncoderReranker

        reranker = CrossEncoderReranker(args.reranker)
    engine = Engine.open(args.index, model=args.model, reranker=reranker, backend=args.backend)
    filters = _filters(args)
    answer = engine.ask(args.question, k=args.k, filters=filters, history=args.history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer))
        if answer.abstained and not filters.is_empty():
            print(_without_filters(engine, args.question, args.k, filters, args.history))
    return 0


def cmd_chat(args) -> int:
    from .engine import Engine

    engine = Engine.open(args.index, model=args.model, backend=args.backend)
    s = engine.summary()
    print(f"newsqa chat: {_count(s['articles'], 'article')}, {_count(s['passages'], 'passage')}. "
          "/clear forgets, /quit leaves; Up/Down recall earlier questions.")
    save_history = _line_editing()
    history: list[dict] = []  # earlier turns: their questions and answers feed follow-ups
    filters = _filters(args)
    while True:
        try:
            q = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            save_history()
            return 0
        if not q:
            continue
        if q in ("/quit", "/exit"):
            save_history()
            return 0
        if q == "/clear":
            history.clear()
            print("(conversation cleared)")
            continue
        try:
            answer = engine.ask(q, k=args.k, filters=filters, history=history)
        except NewsqaError as e:
            print(f"newsqa: {e}")
            continue
        print(format_answer(answer))
        if answer.abstained and not filters.is_empty():
            print(_without_filters(engine, q, args.k, filters, history))
        history.append({"question": q, "answer": "" if answer.abstained else answer.answer})


HISTORY_LINES = 1000


def _line_editing():
    """Line editing and history for ``input()`` (the standard ``readline`` where present), the
    history kept in ``$NEWSQA_HOME/chat-history``. Returns the function that saves it."""
    try:
        import readline
    except ImportError:  # e.g. Windows without pyreadline: plain input() still works
        return lambda: None
    from .engine import default_home

    path = default_home() / "chat-history"
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(HISTORY_LINES)

    def save():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
        except OSError:
            pass

    return save


def _without_filters(engine, question: str, k: int, filters, history) -> str:
    """Why the filters found nothing, and the answer without them."""
    from .explain import filter_note

    note = filter_note(engine.snapshot, filters)
    without = engine.ask(question, k=k, history=history)
    if without.abstained:
        return f"\n{note} Without the filters, too: not found."
    return f"\n{note}\nWithout the filters:\n{format_answer(without)}"


def cmd_info(args) -> int:
    from newsqa.embeddings.store import load_snapshot

    from .engine import collection_summary, ensure_default_index

    index_dir = args.index or ensure_default_index()
    s = collection_summary(load_snapshot(index_dir))
    if args.json:
        print(json.dumps(s, indent=2))
    else:
        for k, v in s.items():
            if isinstance(v, dict):
                v = ", ".join(f"{n} {name}" for name, n in v.items())
            print(f"{k:>9}: {', '.join(v) if isinstance(v, list) else v}")
    return 0


def cmd_compact(args) -> int:
    from newsqa.embeddings.compaction import compact_index

    from .engine import default_index_dir

    report = compact_index(args.index or default_index_dir(), full=args.full, everything=args.all,
                           lock_timeout=max(0.0, args.wait))
    print(report.summary_line())
    return 0


def cmd_watch(args) -> int:
    from newsqa.embeddings.watch import watch

    from .engine import default_index_dir

    index_dir = args.index or default_index_dir()
    print(f"watching {', '.join(args.paths)} -> {index_dir} (every {args.interval:g} s; Ctrl-C stops)", flush=True)
    kwargs = {"model": args.model} if args.model else {}
    for report in watch(args.paths, index_dir, interval=max(0.1, args.interval), **kwargs):
        print(report.summary_line(), flush=True)
    return 0


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "chat": cmd_chat, "info": cmd_info, "compact": cmd_compact,
            "watch": cmd_watch}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    func = COMMANDS.get(args.command) or getattr(args, "func", None)
    try:
        return func(args) or 0
    except NewsqaError as e:
        print(f"newsqa {args.command}: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. an index folder that cannot be created or written: a user's setting
        where = f"{e.filename}: " if e.filename else ""
        print(f"newsqa {args.command}: error: {where}{e.strerror or e}; check the path and its permissions",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
