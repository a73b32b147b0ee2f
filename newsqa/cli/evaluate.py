"""``newsqa eval``: score the engine on a question set and write a report."""

from __future__ import annotations

import argparse
import sys

from newsqa.eval.report import FILES
from newsqa.eval.run import evaluate

from .options import ExamplesFormatter, add_backend_opt
from .present import count

HELP = "score the engine on a question set"
EXAMPLES = """\
examples:
  newsqa eval questions.jsonl --corpus ~/news/ --out eval-out
      index ~/news/ in a temporary folder, answer every question, write eval-out/report.md
  newsqa eval questions.jsonl --index ~/news-index --baselines -k 10
      an existing index; BM25-only and dense-only retrieval answer the same questions beside
  newsqa eval ../shared/benchmarks/squad-v1.1-dev.json --baselines --out squad-eval
      a SQuAD file (v1.1, or v2.0 with is_impossible): its contexts are the corpus

question file (JSONL), one question a line:
  {"id": "q1", "question": "Who met Putin?", "answers": ["Kim Jong Un"], "kind": "who"}
  {"id": "q2", "question": "Where did they meet?", "answers": ["Vostochny"], "history": ["Who met Putin?"]}
  {"id": "q3", "question": "Who won the 2031 World Cup?", "answers": []}     (abstaining is right)

outputs in --out: metrics.json, results.jsonl, report.md, hit_at_k.png, latency.png, tradeoff.png
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``eval`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("eval", help=HELP, epilog=EXAMPLES, formatter_class=ExamplesFormatter,
                       description="Answer every question of a question set, compare with the gold answers and "
                                   "write metrics, per-question results and a readable report.")
    p.add_argument("questions", metavar="QUESTIONS", help="a JSONL question file, or a SQuAD .json file")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--index", metavar="DIR", default=None, help="an existing index (default: a SQuAD file's own "
                   "contexts, else $NEWSQA_HOME/index)")
    g.add_argument("--corpus", metavar="PATH", nargs="+", default=None,
                   help="files or folders to index into a temporary index for this run")
    p.add_argument("--out", metavar="DIR", default="eval-out", help="output folder (default: eval-out)")
    p.add_argument("-k", type=int, default=10, help="passages retrieved per question (default 10; hit@10 needs 10)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N questions")
    p.add_argument("--split", choices=("dev", "test"), default=None, help="only the questions of this split "
                   "(tune on dev; report test separately)")
    p.add_argument("--baselines", action="store_true", help="also run BM25-only and dense-only retrieval "
                   "(top passage as the answer)")
    p.add_argument("--model", default=None, help="model folder (or 'hashing' for the test encoder) to build and "
                   "open the index with")
    add_backend_opt(p)
    p.add_argument("--set-corpus", default=None, metavar="NAME", help="only the questions about this corpus "
                   "(a question's \"corpus\" field: bbc, seed)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Evaluate, write the report files and print the headline figures."""
    progress = False if args.no_progress else sys.stderr.isatty()
    result = evaluate(args.questions, index=args.index, corpus=args.corpus, out=args.out, k=args.k, limit=args.limit,
                      split=args.split, set_corpus=args.set_corpus,
                      baselines=args.baselines, model=args.model, progress=progress, backend=args.backend)
    print(summary_text(result.metrics))
    print(f"wrote {', '.join(FILES)} to {args.out}")
    return 0


def summary_text(m: dict) -> str:
    """A few lines for the terminal: the headline figures of the system and each baseline."""
    def f(v, ratio=True):
        return "–" if v is None else (f"{v:.3f}" if ratio else f"{v:.0f}")

    r = m["run"]
    lines = [f"{count(m['questions'], 'question')} ({m['answerable']} answerable) over "
             f"{count(r['documents'], 'document')}, {count(r['passages'], 'passage')}" + (f"; index built in {r['index_build_s']:.1f} s" if r.get("index_build_s") else "")
             + f"; wall {r['wall_s']:.1f} s"]
    rows = [("newsqa", m)] + list(m.get("baselines", {}).items())
    lines.append(f"{'':8} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR':>6} {'quote':>6} {'abstR':>6} {'falseA':>6} {'p50ms':>6} {'p95ms':>6}")
    for name, s in rows:
        lines.append(f"{name:8} {f(s['hit@1']):>6} {f(s['hit@5']):>6} {f(s['hit@10']):>6} {f(s['mrr']):>6} "
                     f"{f(s['quote_hit']):>6} {f(s['abstain_recall']):>6} {f(s['false_abstain']):>6} "
                     f"{f(s['p50'], False):>6} {f(s['p95'], False):>6}")
    cv = m.get("citation_validity")
    lines.append(f"citation validity {f(cv)} ({count(m['citations'], 'citation')})")
    return "\n".join(lines)
