"""Which of the close sentences fills the question's answer slot: the quote step's last choice.

The best-scoring sentence often restates the question ("The Lib Dems have appointed a senior figure
from BT...") while the next one down says the asked thing ("...Sandy Walkington, the new
communications chief"). Each candidate gets a slot level:

- 0: no span of the asked kind (``asked.kind_spans``) that the question does not already say;
- 1: such a span (a sum of money for "how much does it cost", an age, a date...); a bare name
  counts 0 (on SQuAD a name of any kind led away from the gold more often than to it);
- 2: such a span anchored to the asked noun: a name next to the question's role noun or office
  ("referee Jonathan Kaplan" for "Which referee...", "MDA's chairman Mike Short" for "Who chairs the
  MDA?"), a count next to the counted noun ("his 92-cap Wales career" for "How many caps..."), a
  person's age now ("The 51-year-old premier", "Putin, 70,"; not "at the age of 43", "a 40-year-old record").

When the chosen quotes stay below the best level found among the close sentences, the best-scoring
sentence of that level leads and the first choice follows it (at most two sentences).

    >>> slot_level("Which referee ruled out the try?", "South African referee Jonathan Kaplan ruled it out.")
    2
    >>> slot_level("How old is Duncan Bannatyne?", "The 52-year-old said he was reviewing it.")
    2
    >>> slot_level("How old is Tony Blair?", "He came to power at the age of 43.")
    1
    >>> slot_level("When did Ray Charles die?", "Ray Charles, who died last year, was honoured.")
    0
"""

from __future__ import annotations

import re

from .asked import asked_kind, focus_modifiers, focus_term, kind_spans, plain_which_noun
from .lexicon import MONTHS, OFFICE_ROLES, PERSON_NOUNS, SAYING_VERBS, WEEKDAYS, is_nationality
from .spans import (IRREGULAR, NOT_PEOPLE, NOT_VERBS, RELATIVE, WHO_VERB, NAME, defeated_side, other_gender_event,
                    past_occurrence, person_like, whole_number)
from .quotes import near_duplicate
from .text import STOPWORDS, in_word_list, terms

# "Who heads / chairs / runs ... X?": asks for the holder of an office, so a role word next to a name
# anchors it even when the question does not say that word ("AK chief Isaiah Kiplagat").
_OFFICE_Q = re.compile(r"^(?:who|which \w+)\s+(?:(?:is|was|has|had|will)\s+)?(?:been\s+)?"
                       r"(?:heads?|headed|heading|leads?|led|leading|runs?|ran|running|chairs?|chaired|chairing|edits?|edited|"
                       r"editing|manages?|managed|managing|coach(?:es|ed|ing)?|directs?|directed|directing|owns?|owned|"
                       r"founded|presents?|presented|presenting|made|makes|making|captains?|captained|is the|was the)\b", re.I)
_BASED = re.compile(r"-based$", re.I)  # "the Virginia-based firm": where it is, not its name
_PERCENTISH = re.compile(r"%|per ?cent", re.I)
_BEFORE_WORDS = 5  # words before a name that may hold its role ("inquiry by ex-senior civil servant Sir Alan Budd")
_RELATIVE_WORDS = 7  # words after a name of a "who is (now) ..." clause that may hold its role
_AFTER_WORDS = 3  # words after a number that may hold the counted noun ("92-cap Wales career")


def slot_spans(question: str, kind: str, text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that fill the slot, less the ones that answer nothing on their own: a
    relative date ("last year") in an undated article, a percentage for a size or a count, a number
    word inside a name ("Six Nations")."""
    spans = kind_spans(kind, question, text)
    if kind == "name":  # "school St Fintian's, ...": a name that ends in 's before a comma is no possessive
        spans += [m.span() for m in NAME.finditer(text) if m.group(0).endswith(("'s", "\u2019s"))
                  and text[m.end():m.end() + 1] in (",", ".", ";", ":") and not set(terms(m.group(0))) <= set(terms(question))]
    if kind in ("person", "name"):  # "French and English clubs...": a nationality is no name; nor "the Virginia-based firm"
        spans = [(s, e) for s, e in spans if not is_nationality(text[s:e]) and not _BASED.search(text[s:e])]
    if kind in ("person", "name"):  # "Mr Ghosn" after "...when Carlos Ghosn takes charge": the question's own subject
        qterms = set(terms(question))
        spans = [(s, e) for s, e in spans if not set(terms(text[s:e].split()[-1])) <= qterms
                 or _named_by_asked_noun(question, text[s:e])]
    if kind == "date":
        spans = [(s, e) for s, e in spans if not RELATIVE.match(text[s:e].strip())]
    if kind in ("count", "money", "percent"):
        spans = [(s, e) for s, e in spans if whole_number(text, s, e)]
    if kind == "count" and re.search(r"\bhow (?:many|big|large)\b", question, re.I):
        spans = [(s, e) for s, e in spans if not _PERCENTISH.search(text[s:e] + text[e:e + 9])]
    return spans


_ROLE_PHRASE = re.compile(r"^(?i:who|whom)\s+(?:is|was|will be|has been)\s+the\s+(?:new\s+)?([a-z][a-z -]{2,40}?)\s+(?:of|at|for|in)\b")
_OBJECT = re.compile(r"^(?:[Ww]ho|[Ww]hich \w+)\s+(?:(?:is|was|has|had|will|would)\s+)?(?:been\s+)?[a-z]+\s+(?:the|a|an)\s+"
                     r"(?:[A-Z][\w'-]*\s+)*([a-z][\w-]+)")
# Roles that hold an office ("AK chief Isaiah Kiplagat" answers "Who heads Athletics Kenya?"; "marathon runner" does not).
_POSSESSED_ROLE = re.compile(r"^(?i:who|whom)\s+(?:is|was)\s+\S.*?['\u2019]s?\s+((?:[a-z][\w-]*\s*){1,3})\?*$")
_AGENTIVE = re.compile(r"^(?:who|which \w+)\s+(?:(?:is|was|has|had|will)\s+)?(?:been\s+)?([a-z]+)", re.I)


def _named_by_asked_noun(question: str, name: str) -> bool:
    """A name that ends in the asked noun, with a word the question does not hold before it: "Riggs
    Bank" for "Which US bank...?", "Ian MacDonald QC" for "Which QC resigned...?". Its last word is
    the kind of thing asked for, not the question's own subject."""
    words_ = name.split()
    focus = plain_which_noun(question)
    if len(words_) < 2 or not focus or terms(words_[-1]) != [focus]:
        return False
    return not set(terms(" ".join(words_[:-1]))) <= set(terms(question))


def anchor_terms(question: str) -> set[str]:
    """The terms that tie a name to the asked role: the asked noun ("Which referee..."), the role of
    "Who is the chief executive of Fox?", the office of "Who chairs the MDA?" (its verb stem, which
    the role word starts with: "chair" -> "chairman")."""
    q = " ".join(question.split())
    out = set()
    focus = focus_term(q)
    if focus:
        out.add(focus)
    m = _ROLE_PHRASE.match(q)
    if m:
        out |= set(terms(m.group(1)))
    m = _AGENTIVE.match(q)
    if m and _OFFICE_Q.match(q):
        out |= set(terms(m.group(1)))
    m = _POSSESSED_ROLE.match(q)
    if m:  # "Who is Veritas' deputy leader?": the role owned
        out |= set(terms(m.group(1)))
    m = _OBJECT.match(q)
    if m:  # "Who is leading the inquiry...", "Who made the BBC documentary...": the thing led or made
        out |= set(terms(m.group(1)))
    return out


def asks_for_person(question: str) -> bool:
    """"Which referee / Tory co-chairman / minister...": the asked noun names a person."""
    m = re.match(r"^\s*(?:which|what)\s+((?:[\w-]+\s*){1,3})", question, re.I)
    words_ = [w.lower().split("-")[-1] for w in m.group(1).split()] if m else []
    return any(w in PERSON_NOUNS or w.rstrip("s") in PERSON_NOUNS for w in words_)


def _is_real_name(text: str, span: tuple[int, int]) -> bool:
    """A capitalised span that is a name, not a sentence's or a bullet's first word, nor a stop word."""
    word = text[span[0]:span[1]]
    if not word[:1].isupper() or word.lower() in STOPWORDS:
        return False
    before = text[: span[0]].rstrip(" ")
    return len(word.split()) > 1 or not (before == "" or before.endswith(("-", "\n", ".", "*", "\u2022")))


# Verbs that tell the same act in other words: "Who replaced him?" is answered by "X will take over".
_SAME_ACT = {"replac": frozenset({"take", "succeed", "successor"}), "succeed": frozenset({"take", "replac"})}


def _does_the_act(question: str, after: str) -> bool:
    """"Toshiyuki Shiga will run Nissan..." for "Who will run Nissan...?": the question's verb follows the name."""
    m = WHO_VERB.match(" ".join(question.split()))
    if not m or m.group(1).lower() in NOT_VERBS:
        return False
    verb = terms(m.group(1).lower())
    near = {IRREGULAR.get(t, t) for t in terms(" ".join(re.findall(r"[\w'-]+", after)[:3]))}
    if len(verb) != 1:
        return False
    v = IRREGULAR.get(verb[0], verb[0])
    return v in near or bool(_SAME_ACT.get(v, frozenset()) & near)


def _anchored_name(question: str, text: str, span: tuple[int, int], anchors: set[str], kind: str) -> bool:
    """A name with the asked role just before it ("referee Jonathan Kaplan") or in apposition
    after it ("Mike Short, the MDA's chairman,")."""
    if not text[span[0]:span[1]][:1].isupper():
        return False  # the agent of a passive ("by the mayor") has no role to check
    before = re.findall(r"[\w'\u2019-]+", text[: span[0]])[-_BEFORE_WORDS:]
    after = text[span[1]:]
    if kind == "name":  # "the film I Heart Huckabees", "Sony's PlayStation console", "'Veritas' party": the asked noun beside it
        before = [w for w in before if any(ch.isalnum() for ch in w)]  # a closing quote mark is no word
        next_ = [w for w in re.findall(r"[\w'\u2019-]+", after) if any(ch.isalnum() for ch in w)][:1]
        if before[-1:] and before[-1].lower() in ("a", "an"):
            next_ = []  # "a Eurosceptic party" tells the kind of party, not its name
        last = before[-2:-1] if before[-1:] and before[-1].lower() == "the" else before[-1:]  # "new chart - the Pop 100"
        window = last + next_
        if asks_for_person(question) and re.match(r",\s+the\s", after):  # "Will Wright, the creator of The Sims"
            window += re.findall(r"[\w'\u2019-]+", after)[1:3]
    else:
        relative = re.match(r",?\s+who\s+(?:is|was|has been)\s", after)  # "Damien Hockney, who is now Veritas' deputy leader"
        width = _RELATIVE_WORDS if relative else (4 if after.startswith(",") else 0)
        window = before + re.findall(r"[\w'\u2019-]+", after)[:width]
    if _does_the_act(question, after) or _named_by_asked_noun(question, text[span[0]:span[1]]):
        return True  # "Riggs Bank" for "Which US bank...?": the name says it is one
    have = set(terms(" ".join(window)))
    matched = {a for a in anchors if a in have or (len(a) >= 4 and any(h.startswith(a) for h in have))}
    if matched:  # "chairs" -> "chairman", "edits" -> "editor", "directed" -> "director"
        mods = focus_modifiers(question)
        # "Foreign Minister Sergei Lavrov" is no answer to "Which Russian defence minister...?"
        near = have | set(terms(" ".join(re.findall(r"[\w'\u2019-]+", text[: span[0]])[-3:])))  # "defence minister Sergei Shoigu"
        return not (matched == {focus_term(question)} and mods and not near & mods)
    office = bool(_OFFICE_Q.match(" ".join(question.split())))
    return office and any(in_word_list(w, OFFICE_ROLES) for w in window)


def _anchored_count(text: str, span: tuple[int, int], focus: str) -> bool:
    after = re.findall(r"[\w'-]+", text[span[1]: span[1] + 40])[:_AFTER_WORDS]
    return bool(focus) and focus in set(terms(" ".join(after).replace("-", " ")))


# After "N-year-old": a person ("The 51-year-old premier", "the 28-year-old England prop") or the age
# standing for one ("The 52-year-old said"); not a thing ("The 64-year-old firm", "a 40-year-old record").
_AGE_OF_PERSON = re.compile(r"-year-old(?:\s*[,.;:]|\s+(?:" + SAYING_VERBS + r"|has|had|is|was|will|would|who|also|now|on|in|"
                            r"at|from|and|joined|left|won|became|started|made|took))")
# "The 28-year-old fractured the radius...": a sentence opening "The N-year-old" and a past tense
# after it tells what the person did (the verb list above cannot hold every verb), when an object,
# a preposition or a name follows the verb; "The 150-year-old listed building", "The 50-year-old
# red-brick factory": an -ed word before a noun describes a thing.
_AGE_THEN_VERB = re.compile(r"-year-old\s+[a-z]+ed(?=[\s,.;:]|$)\s*(?P<next>[\w'\u2019-]*)")
_SENTENCE_THE = re.compile(r"(?:^|[.!?]\s+)[Tt]he\s+$")
_AFTER_AGE_WORDS = 4  # words after "N-year-old" that may hold the person noun


def _current_age(text: str, span: tuple[int, int]) -> bool:
    """An age that is a person's age now: "N-year-old" before a person noun or a verb, "Putin, 70,",
    "aged 70"; not the age at an event ("came to power at the age of 43") or of a thing."""
    after = text[span[1]:]
    if after.startswith("-year-old"):
        verb = _AGE_THEN_VERB.match(after)
        if _AGE_OF_PERSON.match(after) or (verb and _did_act(verb.group("next")) and _SENTENCE_THE.search(text[:span[0]])):
            return True
        words_ = re.findall(r"[\w'-]+", after[len("-year-old"):len("-year-old") + 60])[:_AFTER_AGE_WORDS]
        for w in words_:
            if in_word_list(w, PERSON_NOUNS):
                return True
            if w[:1].islower() and w.lower() not in _AGE_MODIFIERS:
                return False  # "The 64-year-old latest donation": the first plain word is no person
        return False
    before = text[:span[0]]
    return bool(re.search(r"\baged\s+$", before) or re.search(r"[A-Z][\w'-]*,\s$", before))


def _did_act(nxt: str) -> bool:
    """The word after "The N-year-old <verb>ed" makes it an act: none (the sentence ends), a name or a
    function word ("fractured the radius", "joined Chelsea", "retired in 2004"), not a noun."""
    return not nxt or nxt[:1].isupper() or nxt.lower() in STOPWORDS


_AGE_MODIFIERS = frozenset("former ex new current veteran british english scottish welsh irish".split())


def slot_level(question: str, text: str, kind: str | None = None) -> int:
    """0 (the sentence does not fill the asked slot), 1 (it does) or 2 (its filler sits next to the
    asked noun); 0 for a question that asks for no typed thing."""
    kind = asked_kind(question) if kind is None else kind
    if not kind or kind == "role":
        return 0
    spans = slot_spans(question, kind, text)
    if not spans:
        return 0
    if kind in ("person", "name"):
        spans = [sp for sp in spans if _is_real_name(text, sp) or kind == "person"]
        if kind == "name" and not asks_for_person(question):  # "What film...": a title, not a person
            spans = [sp for sp in spans if not person_like(text[sp[0]:sp[1]])
                     or _named_by_asked_noun(question, text[sp[0]:sp[1]])]
        if not spans:
            return 0
        anchors = anchor_terms(question)
        # a bare name is weak evidence (on SQuAD, "What X..." names led away from the gold: 14 lost, 1 won)
        return 2 if any(_anchored_name(question, text, sp, anchors, kind) for sp in spans) else 0
    if kind in ("count", "money"):
        focus = focus_term(question)
        return 2 if any(_anchored_count(text, sp, focus) for sp in spans) else 1
    if kind == "age":
        return 2 if any(_current_age(text, sp) for sp in spans) else 1
    if kind == "date":  # "from 1 February", "in 1997" say when; "on Tuesday", "in February" leave it open
        if past_occurrence(question, text):
            return 0  # "was last held in February in 1974" for "When will the election be held?"
        return 2 if any(_FULL_DATE.search(text[s:e]) for s, e in spans) else 1
    return 1


_FULL_DATE = re.compile(r"\b(?:1[5-9]|20)\d{2}\b|\b\d{1,2}\s+[A-Z][a-z]+|\b[A-Z][a-z]+\s+\d{1,2}\b")  # a year, or a day of a month


SLOT_RATIO = {1: 0.7, 2: 0.6}  # a filler of the slot may lead when it scores this close to the best
SLOT_DEPTH = 20  # how many of the best sentences compete


def fill_slot(question: str, scored: list, chosen: list, max_sentences: int = 2, titles: list = ()) -> list:
    """``chosen`` with the best close sentence of a higher slot level in the lead, if there is one.

    ``scored`` is best first (``quotes.Candidate`` values with ``score`` and ``text``). ``titles``
    (scored the same way) are the matched articles' own headlines: one may lead only when it fills
    the slot next to the asked noun (level 2) and no body sentence does."""
    kind = asked_kind(question)
    if not chosen or not kind or kind == "role":
        return chosen
    best = scored[0].score
    if best <= 0:
        return chosen
    pool = [c for c in scored[:SLOT_DEPTH] if c.score >= min(SLOT_RATIO.values()) * best]  # only close ones are read
    level = {id(c): slot_level(question, c.text, kind) for c in pool}
    close = [c for c in pool if level[id(c)] and c.score >= SLOT_RATIO[level[id(c)]] * best]
    if kind in ("person", "name") and not any(level[id(c)] == 2 for c in close):
        heads = [t for t in titles if t.score >= SLOT_RATIO[2] * best and slot_level(question, t.text, kind) == 2]
        if heads:
            lead = max(heads, key=lambda t: t.score)
            return ([lead] + [c for c in chosen if c.text != lead.text])[:max_sentences]
    if not close:
        return chosen
    top = max(level[id(c)] for c in close)
    lead = next(c for c in close if level[id(c)] == top)  # best first: the best-scoring filler of that level
    if any(c is lead or c.text == lead.text for c in chosen) or level.get(id(chosen[0]), 0) >= top:
        return chosen
    rest = [c for c in chosen if c.text != lead.text]  # the first choice (whose signals set the verdict) follows
    return ([lead] + rest)[:max_sentences]


_FILLER_FIRST_KINDS = frozenset({"person", "count", "money", "percent"})


def filler_first(question: str, picked: list) -> list:
    """``picked`` with the first sentence that fills the slot at a higher level than the lead moved to
    the front: "Tory headquarters says he cannot stand..." no longer leads "...Tory leader Michael
    Howard has said" for "Who is the Conservative leader?". Called after the abstention signals are
    read (they are computed on ``fill_slot``'s order), so it changes what is shown first, not the state.
    Only for a person, a count, a sum or a share: a "which month / what mountain range" filler led to
    the wrong sentence as often as to the right one on the SQuAD tuning sample (2 of 3)."""
    kind = asked_kind(question)
    if len(picked) < 2 or kind not in _FILLER_FIRST_KINDS:
        return picked
    levels = [slot_level(question, c.text, kind) for c in picked]
    top = max(levels)
    if levels[0] >= top:
        return picked
    i = levels.index(top)
    return [picked[i]] + picked[:i] + picked[i + 1:]


def slot_filler(question: str, text: str) -> str:
    """The name in ``text`` that fills the question's name slot next to the asked noun ("Veritas" in
    "Kilroy launches 'Veritas' party" for "What is his new party called?"), "" when none does."""
    kind = asked_kind(question)
    if kind not in ("person", "name"):
        return ""
    anchors = anchor_terms(question)
    for sp in slot_spans(question, kind, text):
        if _is_real_name(text, sp) and _anchored_name(question, text, sp, anchors, kind):
            return text[sp[0]:sp[1]].strip("'\"\u2018\u2019\u201c\u201d ")
    return ""


TIE_RATIO = 0.85  # a sentence this close to the best one is shown beside it when the first choice stands alone
TEMPLATE_OVERLAP = 0.4  # a sibling's tie sharing this much of its terms retells the lead (SQuAD ties: <= 0.19)


def add_close_second(scored: list, chosen: list, max_sentences: int = 2) -> list:
    """``chosen`` with a near-tied sentence as its second quote when it stands alone: the best other
    sentence that scores within ``TIE_RATIO`` of the best is shown too, so two near-equal readings of
    the question are both shown ("The immune system protects organisms from infection..." and "...a
    system ... that protects against disease"), where ``quotes.choose`` keeps a second only if it adds
    question words.

    A tie is skipped when it is a near duplicate of a chosen quote (the same sentence republished),
    and one from another article is taken only when it adds question words or the asked kind of thing
    or tells something else than the lead: the same template in a sibling article ("destroyed 40
    homes" beside "45 homes were destroyed") would put two conflicting figures side by side.

    Only an empty place is filled: a second quote already chosen (one that adds question words, the
    next sentence of the passage, the slot step's first choice) stays. It runs after the verdict's
    signals are read (``compute_signals(shown=picked)`` on the slot step's choice), so the tie never
    changes the answer state.

        >>> from types import SimpleNamespace as C
        >>> art = C(passage=C(doc_id="a"))
        >>> best, tie, far = (C(text=t, score=s, hit=art) for t, s in (("a b", 1.0), ("c d", 0.9), ("e f", 0.5)))
        >>> [c.text for c in add_close_second([best, tie, far], [best])]
        ['a b', 'c d']
        >>> [c.text for c in add_close_second([best, far], [best])]
        ['a b']
    """
    if not chosen or len(chosen) >= max_sentences or not scored or scored[0].score <= 0:
        return chosen
    have = {c.text for c in chosen}
    floor = TIE_RATIO * scored[0].score
    for c in scored:
        if c.score < floor:
            break
        if c.text in have or any(near_duplicate(c.text, h.text) for h in chosen):
            continue  # the same sentence again (a republished copy) is no second reading
        if _adds_to(c, chosen):
            return chosen + [c]
    return chosen


def _adds_to(c, chosen: list) -> bool:
    """A tie that may stand beside ``chosen``: from the lead's own article, adding question words or
    the asked kind of thing, or another statement than the same template in a sibling article."""
    if c.hit.passage.doc_id == chosen[0].hit.passage.doc_id:
        return True
    covered = frozenset().union(*(h.covered for h in chosen))
    if c.covered - covered or (c.typed and not any(h.typed for h in chosen)):
        return True
    return not any(near_duplicate(c.text, h.text, TEMPLATE_OVERLAP) for h in chosen)



# Names of bodies, not of a person who does an act: "the Lib Dems were second" names no leader.
_BODY_ENDS = frozenset("""association party dems democrats conservatives tories council committee commission union
federation ministry department government""".split())
_PASSIVE_AUX = r"\s+(?:was|were|is|are|has been|have been|had been|will be|is being)\s+"
_WHO_ACT = re.compile(r"^(?:who|which \w+)\s+(?:(has|have|had|will|would|is|was|are|were)\s+(?:(been)\s+)?)?"
                      r"(?:(?:expected|set|due|likely|going|about|tipped)\s+to\s+)?(?:[a-z]+ly\s+)?([a-z]+)\b", re.I)
_LEAD_CONJUNCTION = re.compile(r"^(?:and|but|so)\s+", re.I)  # "And who replaced him?"
_PARTICIPLES = frozenset("made led held won sold bought chosen given taken known seen beaten shown".split())
_TIME_NAME = re.compile(r"^(?:" + MONTHS + "|" + WEEKDAYS + r")$")
_ACT_WORDS = 6  # words after a name that may hold the asked verb ("Noel Forgeard is now set to replace")


def _act_parts(question: str) -> tuple[str, bool]:
    """(the verb of "Who <verb> ...?", is the question passive?); the verb is "" for "Who is X / the
    <role> of X?" and for "Who did X <verb>?" (they ask for no doer)."""
    m = _WHO_ACT.match(_LEAD_CONJUNCTION.sub("", " ".join(question.split())))
    if not m or m.group(3).lower() in NOT_VERBS:
        return "", False
    aux, verb = (m.group(1) or "").lower(), m.group(3).lower()
    participle = verb.endswith(("ed", "en")) or verb in _PARTICIPLES
    if aux in ("is", "was", "are", "were") and not (participle or verb.endswith("ing") or "to" in m.group(0).split()):
        return "", False  # "Who is chief executive of the LSE?": a role, not an act
    return verb, participle and (aux in ("is", "was", "are", "were") or bool(m.group(2)))


def asked_verb(question: str) -> str:
    """The verb of "Who <verb> ...?" ("replace" in "Who is expected to replace..."), "" for none."""
    return _act_parts(question)[0]


def _tells_act(verb: str, text: str, span: tuple[int, int]) -> bool:
    """The asked verb follows the name within a few words ("Noel Forgeard is now set to replace Mr Camus")."""
    after = re.findall(r"[\w'-]+", re.split(r"[.;:]\s", text[span[1]:], maxsplit=1)[0])[:_ACT_WORDS]
    v = IRREGULAR.get(terms(verb)[0], terms(verb)[0]) if terms(verb) else ""
    return bool(v) and v in {IRREGULAR.get(t, t) for t in terms(" ".join(after))}


def _acted_on_other(verb: str, text: str, own: set[str]) -> bool:
    """"Lucy was replaced by her half-sister" for "Who replaced David Blunkett?": the sentence tells
    the asked act done to another than the question's own names, so its names are not the doer."""
    for m in re.finditer(r"((?:[A-Z][\w'\u2019-]*\s+)*[A-Z][\w'\u2019-]*)" + _PASSIVE_AUX + re.escape(verb[:5]) + r"\w*\s+by\b", text):
        if not set(terms(m.group(1))) & own:
            return True
    return False


def _name_spans(question: str, text: str, verb: str) -> list[tuple[int, int]]:
    """The person slot's names, any other real name ("Kuznets saw..."), a possessor ("Robert R.
    Gilruth's Space Task Group") and a sentence's first word when the asked verb follows it ("Lukaku
    shrugs off cobwebs to score twice")."""
    spans = slot_spans(question, "person", text)
    for m in NAME.finditer(text):
        s, e = m.span()
        name = m.group(0).rstrip(".")  # "...he told the BBC."
        e = s + len(name) - (2 if name.endswith(("'s", "\u2019s")) else 0)
        if _is_real_name(text, (s, e)) or _tells_act(verb, text, (s, e)):
            spans.append((s, e))
    return spans


def doer_spans(question: str, text: str) -> list[tuple[int, int]]:
    """Names of ``text`` that may be the doer of a "Who <verb> ...?" question: any name less a body
    ("Slough Conservative Association"), a month or weekday, a nationality, a news agency, the loser
    after a verb of defeating, a name the question says ("Manchester United"), and none at all when
    the sentence tells another competition ("her" title for a men's question) or the act done to
    someone else ("Lucy was replaced by...").

        >>> q = "Who won the Australian Open men's title?"
        >>> doer_spans(q, "Serena Williams beat Lindsay Davenport to win her second title.")
        []
        >>> t = "Roger Federer beat Andy Roddick to win the title."
        >>> [t[s:e] for s, e in doer_spans(q, t)]
        ['Roger Federer']
    """
    verb, passive = _act_parts(question)
    own = set(terms(question))
    if not verb or other_gender_event(question, text) or (not passive and _acted_on_other(verb, text, own)):
        return []
    out = []
    for s, e in sorted(set(_name_spans(question, text, verb))):
        name = text[s:e].strip()
        words_ = name.split()
        if (not words_ or words_[-1].lower() in _BODY_ENDS or _TIME_NAME.match(name) or is_nationality(name)
                or name.lower() in NOT_PEOPLE or name.lower() in STOPWORDS or set(terms(name)) <= own
                or defeated_side(question, text, (s, e))):
            continue
        out.append((s, e))
    return out


def unnamed_doer(question: str, texts: list[str]) -> str:
    """For a "Who <verb> ...?" question (not "Who is X?", not "Who did X beat?"): "who <verb> ..." when
    the lead sentence names nobody who can be the doer and no other shown sentence names one next to
    the act or the role (slot level 2); "" otherwise. The answer is then unsure: its quote tells of the
    topic, not of who did the asked thing ("Who leads the Conservative party?" answered by "...the
    prominent Conservatives had slender leads in seats where the Lib Dems were second")."""
    q = _LEAD_CONJUNCTION.sub("", " ".join(question.split()))
    verb = asked_verb(q)
    if not texts or asked_kind(q) != "person" or not verb:
        return ""
    if doer_spans(q, texts[0]) or any(_tells_act(verb, t, sp) or slot_level(q, t, "person") == 2
                                      for t in texts[1:] for sp in doer_spans(q, t)):
        return ""
    asked = q.rstrip("?").strip()
    return asked[:1].lower() + asked[1:]
