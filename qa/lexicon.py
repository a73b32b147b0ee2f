"""The word lists the answer rules share: roles, offices, person nouns and nationalities.

Plain data and a tiny helper, one home, so that "who is X", the short-answer marks and the quote's
slot check agree on what a role word or a nationality is. Lower-case words; a rule that reads a
sentence lower-cases (and de-pluralises) the word before it looks it up.

    >>> is_nationality("Canadian"), is_nationality("Brian"), is_nationality("South African")
    (True, False, True)
    >>> "chairman" in OFFICE_ROLES <= ROLE_WORDS
    True
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Words that name what a person is or does ("Home Secretary David Blunkett", "the UKIP MEP").
ROLE_WORDS = frozenset("""
    minister secretary leader president chairman chairwoman chair chief executive director manager coach mp mep
    spokesman spokeswoman spokesperson boss head star actor actress singer player captain founder governor
    chancellor editor economist analyst judge premier prime king queen prince princess commissioner ambassador
    mayor general officer official producer presenter writer author designer striker midfielder defender winger
    goalkeeper champion winner boxer runner sprinter hurdler jumper swimmer tennis golfer cyclist rider driver
    athlete footballer batsman bowler skipper fly-half scrum-half full-back flanker hooker prop jockey trainer
    referee musician rapper guitarist drummer vocalist composer frontman comedian comic host broadcaster journalist
    commentator controller adviser advisor aide deputy vice owner partner associate lawyer member candidate
    novelist playwright poet artist chef film-maker filmmaker campaigner activist businessman businesswoman
    entrepreneur tycoon billionaire banker diplomat politician scientist researcher professor expert
    creator inventor developer qc barrister solicitor
""".split())

# Words that describe a body, not a person ("Russia's biggest oil firm", "the rock band"): a "who/what is X"
# description may end in one, a person-asking noun may not.
BODY_WORDS = frozenset("firm company group giant maker band".split())

# Roles that hold an office: "AK chief Isaiah Kiplagat" answers "Who heads Athletics Kenya?".
OFFICE_ROLES = frozenset("""chief head boss chairman chairwoman chair president director leader editor manager captain
    coach executive owner founder secretary governor commissioner presenter producer controller""".split())

# Every word that can end a description of who or what X is ("who is X" reads both kinds).
DESCRIPTION_WORDS = ROLE_WORDS | BODY_WORDS

# Nouns whose question ("Which referee...", "What man...") asks for a person; a band or group is
# answered by a name as a person is.
PERSON_NOUNS = ROLE_WORDS | frozenset("""man woman person people boy girl mother father son daughter wife husband
    teenager pensioner umpire cricketer peer band group""".split())

# The last noun of an asked phrase, when it is one of these ("Which private investment firm",
# "What two radio stations"): kinds of person, body or outlet a news question asks to name.
HEAD_NOUNS = PERSON_NOUNS | BODY_WORDS | frozenset("""bank club team party station channel network show
    programme film album chain retailer airline carrier newspaper paper magazine agency union council
    court league organisation organization charity fund department ministry country city town""".split())

# Nationality and region-of-origin words of the places the country table below does not list
# ("-ian" also ends Adrian, Brian and Sebastian, so they are listed, not guessed). A listed country's
# adjectives live in its row of the table only: ``NATIONALITIES`` is the two together.
OTHER_NATIONALITIES = frozenset("""
    Albanian Algerian Armenian Asian Bahraini Bangladeshi Belarusian Bolivian Bosnian Bulgarian Burmese Cambodian
    Cameroonian Chilean Colombian Congolese Croatian Cuban Cypriot Czech Ecuadorian Eritrean Estonian Ethiopian
    European Filipino Finnish Georgian Ghanaian Haitian Hungarian Icelandic Indonesian Ivorian Jamaican Jordanian
    Kazakh Korean Kosovan Kuwaiti Latvian Lebanese Liberian Libyan Lithuanian Macedonian Malaysian Maltese Moldovan
    Mongolian Montenegrin Moroccan Namibian Nepalese Palestinian Peruvian Qatari Romanian Rwandan Senegalese
    Serbian Sierra-Leonean Singaporean Slovak Slovakian Slovenian Somali Sri-Lankan Sudanese Taiwanese Tanzanian
    Thai Tibetan Tunisian Ugandan Uruguayan Uzbek Venezuelan Vietnamese Yemeni Zambian African Arab Arabian
    Caribbean Latin Emirati Kurdish Basque Catalan Flemish Persian Slav
""".split())

# One row a country: its names and short forms | its adjectives (nationality words) | nouns for its people.
# "UK" is the country of "Britain's trade gap" and of "British exports", not another country beside it.
# As written (case matters: "US", not "us"); a word form also stands with a plural "s" ("Americans").
_COUNTRY_TABLE = """
    UK, U.K., Britain, Great Britain, United Kingdom | British | Briton
    US, U.S., USA, U.S.A., America, United States, United States of America | American |
    EU, E.U., European Union | |
    China, PRC | Chinese |
    Russia, Russian Federation | Russian |
    France | French |
    Germany | German |
    Japan | Japanese |
    India | Indian |
    Italy | Italian |
    Spain | Spanish |
    Ireland, Republic of Ireland | Irish |
    England | English |
    Scotland | Scottish, Scots, Scot |
    Wales | Welsh |
    Australia | Australian |
    Canada | Canadian |
    Brazil | Brazilian |
    Iran | Iranian |
    Iraq | Iraqi |
    Israel | Israeli |
    Pakistan | Pakistani |
    Afghanistan | Afghan |
    Egypt | Egyptian |
    Turkey | Turkish |
    Greece | Greek |
    Netherlands, Holland | Dutch |
    Switzerland | Swiss |
    Sweden | Swedish | Swede
    Norway | Norwegian |
    Denmark | Danish | Dane
    Poland | Polish |
    Ukraine | Ukrainian |
    Mexico | Mexican |
    Argentina | Argentine, Argentinian |
    South Africa | South African |
    North Korea | North Korean |
    South Korea | South Korean |
    Nigeria | Nigerian |
    Kenya | Kenyan |
    Zimbabwe | Zimbabwean |
    Saudi Arabia | Saudi |
    Syria | Syrian |
    Belgium | Belgian |
    Portugal | Portuguese |
    Austria | Austrian |
    New Zealand | | New Zealander
"""


class Country(NamedTuple):
    """One row of the country table: what a text may call the country, its adjectives, its people."""

    names: tuple[str, ...]  # "UK", "Britain", "United Kingdom"
    adjectives: tuple[str, ...]  # "British": each is a nationality word
    people: tuple[str, ...]  # "Briton": a form of the country, no adjective


def _country_rows(table: str) -> tuple[Country, ...]:
    """Each line of ``table`` a ``Country``: three "|"-separated columns of comma-separated forms."""
    return tuple(Country(*(tuple(f.strip() for f in col.split(",") if f.strip()) for col in line.split("|")))
                 for line in table.strip().splitlines())


COUNTRIES = _country_rows(_COUNTRY_TABLE)
NATIONALITIES = OTHER_NATIONALITIES | frozenset(a for c in COUNTRIES for a in c.adjectives)
# Every form of each country, in the table's order: a country is its number in this tuple.
COUNTRY_FORMS = tuple(c.names + c.adjectives + c.people for c in COUNTRIES)

_COMPASS = ("South", "North", "West", "East", "Northern", "Southern", "Western", "Eastern", "Central")
# a two-word nationality is a compass point and a word ("South African": "African" is listed)
NATIONALITY = re.compile(r"^(?:(?:" + "|".join(_COMPASS) + r")\s+)?(?:" + "|".join(sorted(n for n in NATIONALITIES if " " not in n))
                         + r")s?$")


def is_nationality(text: str) -> bool:
    """"Canadian", "South African", "Scots": a nationality or region-of-origin word (or two)."""
    return bool(NATIONALITY.match(text.strip()))


# The calendar's words, as regex alternations (case as written): "May" is the month more often than
# the name, and a day or month next to a name is no part of it.
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WEEKDAYS = "(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# Verbs of saying and of holding a view, as a regex alternation: their subject is a person ("Putin said",
# "The 52-year-old told", "The England captain insists"), never a thing. The rules that read "a person
# did" after a name, an age or a role share this list and add the acts of their own reading to it.
SAYING_VERBS = ("said|says|told|tells|added|adds|asked|asks|replied|explained|insisted|insists|admitted|admits|"
                "denied|denies|believes|thinks|hopes|wants")
# Titles before a name ("Mr Blair", "Dame Judi Dench"), lower case: part of a name, never a role.
NAME_TITLES = frozenset("mr mrs ms dr sir lord lady dame".split())


_COUNTRY_OF = {form: i for i, group in enumerate(COUNTRY_FORMS) for form in group}
# "Latin America", "South American", "New England", "Northern Ireland" are not the country after them
_NOT_A_COUNTRY_BEFORE = "".join(rf"(?<!{w}\s)" for w in ("Latin", "South", "North", "Central", "New", "Northern"))
_COUNTRY = re.compile(r"(?<![\w.])" + _NOT_A_COUNTRY_BEFORE + r"(?:" + "|".join(
    re.escape(f).replace(r"\ ", r"\s+") + (r"?" if f.endswith(".") else r"s?")
    for f in sorted(_COUNTRY_OF, key=len, reverse=True)) + r")(?![\w])")


def countries(text: str) -> frozenset[int]:
    """The countries ``text`` names, by any of their forms (a number a country: ``COUNTRY_FORMS``).

    >>> countries("Britain's trade gap") == countries("the UK trade gap") == countries("British exports")
    True
    >>> countries("the US and us") == countries("America") != countries("U.K.")
    True
    >>> countries("Latin America, New England and Northern Ireland"), countries("North Korea") == countries("North Korean")
    (frozenset(), True)
    """
    return frozenset(c for m in _COUNTRY.finditer(text) if (c := _country_of_form(m.group(0))) is not None)


def country_of(name: str) -> int | None:
    """The country a whole name is a form of ("U.S", "Britain", "Americans"), or None ("Wen Jiabao China")."""
    return _country_of_form(name.strip()) if _COUNTRY.fullmatch(name.strip()) else None


def _country_of_form(form: str) -> int | None:
    form = re.sub(r"\s+", " ", form)
    return _COUNTRY_OF.get(form, _COUNTRY_OF.get(form + ".", _COUNTRY_OF.get(form[:-1])))


# What names an event (in the name or the word after it): "the Beijing Olympics", "the Brit Awards",
# "the Tokyo election"; a person's name is none ("Heizo Takenaka", beside his 2006 forecast).
EVENT_WORDS = frozenset("""olympics olympic games cup championship championships open final finals election elections
    awards award festival expo summit tournament contest referendum prix series marathon world""".split())


# The kind word of a company or body's name ("Teverin Pharmaceuticals", "Northern Star Energy"): a rare
# one beside an unknown word does not make the name known (qa.signals), and a name that ends in one is a
# firm's, which the articles would write whole if they knew it (qa.unstated).
COMPANY_WORDS = frozenset("""pharmaceuticals pharma holdings group mobile shipyards systems technologies technology
    motors airlines airways bank energy foods media capital partners industries corporation corp inc ltd plc
    telecom networks software games studios records labs laboratories entertainment logistics ventures
    biotech therapeutics solutions electronics semiconductors robotics analytics insurance investments""".split())
