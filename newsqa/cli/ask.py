"""``newsqa ask``: answer one question with verbatim, cited quotes."""

from __future__ import annotations

import argparse
import json
import sys

from newsqa.qa.answer import AnswerSettings
from newsqa.qa.engine import Engine
from newsqa.qa.rerank import CrossEncoderReranker

from .options import add_backend_opt, add_filter_opts, add_index_opt, announce_index_notes, announce_sample_build, filters_from
from .present import format_answer, wants_bold

HELP = "ask one question"
EPILOG = ("examples:\n  newsqa ask \"Where did Putin show Kim around?\"\n"
          "  newsqa ask \"death toll Morocco\" --kind headline --json\n")


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``ask`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("ask", help=HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Answer a question with verbatim, cited quotes from the index.", epilog=EPILOG)
    p.add_argument("question", help="the question (quote it)")
    add_index_opt(p)
    p.add_argument("-k", type=int, default=5, help="how many passages to retrieve (default 5)")
    p.add_argument("--json", action="store_true",
                   help="print exactly one JSON object: answer, answer_state (answered, unsure, not_found), note "
                        "(the 'Unsure: ...' line, else empty), citations with offsets (docs/python-api.md)")
    p.add_argument("--all", action="store_true", help="when nothing answers, show every related passage (default: the first 3)")
    p.add_argument("--history", action="append", default=[], metavar="QUESTION",
                   help="an earlier question of the conversation, for a follow-up (repeatable, oldest first)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    add_backend_opt(p)
    p.add_argument("--reranker", default=None, metavar="DIR",
                   help="re-rank passages with a local cross-encoder folder (default: no re-ranking)")
    add_filter_opts(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Print the answer (or its JSON); an abstention under filters also shows the answer without them."""
    filters = filters_from(args)  # first: a mistyped date fails before the model loads
    reranker = CrossEncoderReranker(args.reranker) if args.reranker else None
    announce_sample_build(args.index)
    engine = Engine.open(args.index, model=args.model, reranker=reranker, backend=args.backend,
                         answer=AnswerSettings(related=args.k))  # every retrieved one: --all, --json, /all
    announce_index_notes(engine)
    answer = engine.ask(args.question, k=args.k, filters=filters, history=args.history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer, all_related=args.all, history=args.history, bold=wants_bold(sys.stdout)))
        if answer.abstained and not filters.is_empty():
            print(without_filters(engine, args.question, args.k, filters, args.history, args.all))
    return 0


def without_filters(engine, question: str, k: int, filters, history, all_related: bool = False, **shown) -> str:
    """The answer without the filters (``shown``: ``format_answer``'s ``more``). Why the filters found
    nothing (``qa.explain.filter_note``) already leads the filtered answer's text."""
    without = engine.ask(question, k=k, history=history)
    if without.abstained:
        return "\nWithout the filters, too: not found."
    return f"\nWithout the filters:\n{format_answer(without, all_related, history=history, **shown)}"
