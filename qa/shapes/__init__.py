"""Answer shapes: each kind of question gets the quotes that serve it (still verbatim and cited).

``detect`` names the kind (fact, who_is, why, overview, compare, list); ``shape_quotes`` picks the
quotes for it from the scored candidates (an empty choice falls back to the fact answer's one or
two sentences). One module a job: detect, who_is, why, brief (overview), compare, listing, merge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .compare import choose_compare, side_queries, verdict_shown
from .detect import KINDS, Shape, detect
from .merge import merge_same_paragraph
from .pool import Pool

__all__ = ["KINDS", "Pool", "Shape", "Shaped", "detect", "extra_queries", "merge_same_paragraph", "overrule",
           "search_depth", "shape_quotes"]

# The reason of a who-is answer made unsure because only a sentence the abstainer did not read (it
# reads the top three) describes the subject: said as a reader sees it (the code stays NOT_CLEAR).
WHO_IS_ONLY_FURTHER = "{subject} is described only in passing, in sentences about something else"


@dataclass(frozen=True)
class Shaped:
    chosen: list  # Candidates in the order shown; [] = use the fact answer
    verdict: str = ""
    marks: dict = field(default_factory=dict)  # (doc_id, start) -> document offsets of a value to mark
    values: tuple = ()  # compare: (doc_id, start, end) of each side's value, the verdict's only source

    def shown_verdict(self, citations: list, unsure: bool) -> str:
        """The verdict when both of its values stand inside the shown quotes (and the answer is not
        unsure: then nothing is marked, and the verdict is made only of marked values); else ""."""
        return "" if unsure else verdict_shown(self.verdict, self.values, citations)


def shape_quotes(shape: Shape, pool: Pool) -> Shaped:
    """The quotes for ``shape``, or an empty choice for a fact question (or when the shape finds none)."""
    if shape.kind == "who_is":
        from .who_is import choose_who_is

        return Shaped(choose_who_is(pool, shape.subject))
    if shape.kind == "why":
        from .why import choose_why

        return Shaped(choose_why(pool))
    if shape.kind == "overview":
        from .brief import choose_brief

        return Shaped(choose_brief(pool))
    if shape.kind == "list":
        from .listing import choose_list

        return Shaped(choose_list(pool))
    if shape.kind == "compare":
        chosen, verdict, marks, values = choose_compare(pool, shape.sides)
        return Shaped(chosen, verdict, marks, values)
    return Shaped([])


def overrule(verdict, shape: Shape, pool: Pool):
    """The abstention verdict, with two who-is rules: a question the abstainer found no role for (it
    reads the top three sentences) or no passage close enough for (a rare name: "Who is Livio
    Costantini?"), refused or unsure, is answered as unsure when a candidate
    describes the full name ("said Dr Mario Paniccia, director of Intel's photonics technology lab"),
    with a reason that says so rather than denying it; an answered one is
    unsure (no bold answer) when no sentence describes the subject, since its quotes would then be
    the fact path's, which need not be about X (a ranking's "17 Andrei Pavel (Romania)")."""
    from dataclasses import replace

    from ..abstain import ANSWERED, UNSURE
    from ..explain import KIND_NOT_GIVEN, LOW_MATCH, NOT_CLEAR

    if shape.kind != "who_is":
        return verdict
    from .who_is import choose_who_is, stated

    if verdict.state == ANSWERED:
        return verdict if choose_who_is(pool, shape.subject) else replace(verdict, state=UNSURE)
    if (verdict.reason or {}).get("code") not in KIND_NOT_GIVEN | {LOW_MATCH}:  # unsure or not found, for another reason
        return verdict
    if not stated(pool, shape.subject):
        return _named_as_asked(verdict, shape.subject)
    # the reason must not deny what the quote shows ("the articles about Liam Fox do not give the role"
    # above "Tory co-chairman Liam Fox ..."): it says where the description was found instead
    return replace(verdict, state=UNSURE, reason={"code": NOT_CLEAR, "terms": [],
                                                  "text": WHO_IS_ONLY_FURTHER.format(subject=shape.subject)})


_ABOUT = re.compile(r"^((?:the articles|no sentence) about )(.+?)( do not give | clearly gives )")


def _named_as_asked(verdict, subject: str):
    """The reason names the subject as the question does: "the articles about Emma Adams do not give
    the role", not "... about Emma ..." (the abstainer's subject is the best sentence's name)."""
    from dataclasses import replace

    text = (verdict.reason or {}).get("text", "")
    m = _ABOUT.match(text)
    if not m or m.group(2) == subject:
        return verdict
    return replace(verdict, reason={**verdict.reason, "text": m.group(1) + subject + text[m.start(3):]})


def search_depth(shape: Shape) -> int:
    """How many passages to retrieve at least for this shape (0: the default)."""
    if shape.kind == "list":
        from .listing import PASSAGES

        return PASSAGES
    return 16 if shape.kind == "who_is" else 0


def extra_queries(question: str, shape: Shape) -> list[str]:
    """Further searches a shape needs (compare: one per side)."""
    return side_queries(question, shape.sides) if shape.kind == "compare" else []
