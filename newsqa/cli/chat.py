"""``newsqa chat``: a conversation in the terminal; follow-ups use the earlier turns."""

from __future__ import annotations

import argparse
import re
import sys

from newsqa.embeddings.errors import NewsqaError
from newsqa.qa.answer import AnswerSettings
from newsqa.qa.engine import Engine, default_home

from .ask import without_filters
from .options import (ExamplesFormatter, add_backend_opt, add_filter_opts, add_index_opt, announce_index_notes,
                      announce_sample_build, filters_from)
from .present import count, format_answer, wants_bold

HELP = "an interactive conversation in the terminal"
HISTORY_LINES = 1000
# The slash commands, in the order /help lists them.
COMMANDS = {
    "/all": "show every related passage of the last answer (when it found none to quote)",
    "/clear": "forget the conversation (the next question is not a follow-up)",
    "/help": "list these commands",
    "/quit": "leave (also /exit, Ctrl-D)",
}
# "/word": a command; "/ 5 m" or "/2 of them" is a question that starts with a slash.
_COMMAND = re.compile(r"/[A-Za-z]\S*$")
EPILOG = """\
examples:
  newsqa chat --index bbc-index
      you> Which coach was sacked by Valencia?
      you> Who replaced him?             (a follow-up: "him" is read from the turn before)
  newsqa chat --index bbc-index --section sport -k 10
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``chat`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("chat", help=HELP, formatter_class=ExamplesFormatter, epilog=EPILOG,
                       description="Ask questions one after another; follow-ups use the earlier turns. "
                                   "Commands: /all shows every related passage of the last answer, /clear forgets the "
                                   "conversation, /help lists the commands, /quit leaves.")
    add_index_opt(p)
    p.add_argument("-k", type=int, default=5, help="how many passages to retrieve (default 5)")
    p.add_argument("--all", action="store_true", help="when nothing answers, show every related passage (default: the first 3; /all)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    add_backend_opt(p)
    add_filter_opts(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Read questions until /quit or end of input; answer each with the conversation so far."""
    filters = filters_from(args)  # first: a mistyped date fails before the model loads
    announce_sample_build(args.index)
    engine = Engine.open(args.index, model=args.model, backend=args.backend,
                         answer=AnswerSettings(related=args.k))  # every retrieved one: --all, --json, /all
    announce_index_notes(engine)
    s = engine.summary()
    print(f"newsqa chat: {count(s['articles'], 'article')}, {count(s['passages'], 'passage')}. "
          "/help lists the commands, /quit leaves; Up/Down recall earlier questions.")
    save_history = line_editing()
    history: list[dict] = []  # earlier turns: their questions and answers feed follow-ups
    last: list = []  # the last answer (for /all)
    while True:
        try:
            q = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            save_history()
            return 0
        if q.lower() in ("/quit", "/exit"):
            save_history()
            return 0
        if _COMMAND.match(q):
            print(_command(q, history, last))
        elif q:
            last[:] = [_turn(engine, q, args.k, filters, history, args.all)]


def _command(q: str, history: list[dict], last: list) -> str:
    """What a slash command (other than /quit) does and prints; an unknown one searches nothing.

    >>> _command("/halp", [], [])
    'unknown command /halp; commands: /all, /clear, /help, /quit'
    """
    word = q.lower()
    if word == "/clear":
        history.clear()
        return "(conversation cleared)"
    if word == "/all":
        return _related_all(last[-1]) if last else "(no answer yet)"
    if word == "/help":
        return "\n".join(f"  {c:<7} {what}" for c, what in COMMANDS.items())
    return f"unknown command {q}; commands: {', '.join(COMMANDS)}"


MORE = "/all shows them"


def _turn(engine, q: str, k: int, filters, history: list[dict], all_related: bool = False):
    """Answer one question, print it and add it to ``history``; returns the answer (None on an error)."""
    try:
        answer = engine.ask(q, k=k, filters=filters, history=history)
    except NewsqaError as e:
        print(f"newsqa: {e}")
        return None
    print(format_answer(answer, all_related, more=MORE, history=history, bold=wants_bold(sys.stdout)))
    if answer.abstained and not filters.is_empty():
        print(without_filters(engine, q, k, filters, history, all_related, more=MORE))
    history.append({"question": q, "answer": "" if answer.abstained else answer.answer})
    return answer


def _related_all(answer) -> str:
    """/all: every related passage of the last answer (when it found none to quote)."""
    if answer is None or not answer.abstained or not answer.related:
        return "(the last answer has no related passages to show)"
    return format_answer(answer, all_related=True)


def line_editing():
    """Line editing and history for ``input()`` (the standard ``readline`` where present), the
    history kept in ``$NEWSQA_HOME/chat-history``. Returns the function that saves it."""
    try:
        import readline  # not on every platform: imported where its absence is handled
    except ImportError:  # e.g. Windows without pyreadline: plain input() still works
        return lambda: None
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
