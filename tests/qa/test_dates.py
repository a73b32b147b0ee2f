from newsqa.qa.dates import resolve_relative_dates

PUB = "2023-09-14"  # a Thursday


def resolved(text, pub=PUB):
    return [(d.text, d.resolved) for d in resolve_relative_dates(text, pub)]


def test_past_weekday_is_the_one_before_publication():
    assert resolved("The leaders met for a rare summit on Wednesday.") == [("on Wednesday", "2023-09-13")]
    assert resolved("Talks were held on Monday.") == [("on Monday", "2023-09-11")]


def test_same_weekday_is_the_publication_day():
    assert resolved("The court ruled on Thursday.") == [("on Thursday", "2023-09-14")]


def test_future_context_looks_forward():
    assert resolved("Lavrov will visit Pyongyang next month.") == [("next month", "2023-10")]
    assert resolved("The minister will meet them on Saturday.") == [("on Saturday", "2023-09-16")]


def test_relative_days_weeks_years():
    assert resolved("It happened yesterday.") == [("yesterday", "2023-09-13")]
    assert resolved("The court rules tomorrow.") == [("tomorrow", "2023-09-15")]
    assert resolved("Prices rose last year.") == [("last year", "2022")]
    assert resolved("It was agreed two months ago.") == [("two months ago", "2023-07")]
    assert resolved("Results come next week.") == [("next week", "2023-09-18/2023-09-24")]


def test_offsets_and_undated():
    d = resolve_relative_dates("Met on Wednesday.", PUB, offset=100)[0]
    assert (d.start, d.end) == (104, 116)
    assert d.to_dict() == {"text": "on Wednesday", "start": 104, "end": 116, "resolved": "2023-09-13",
                           "basis": "published 2023-09-14 (Thursday)"}  # the --json shape, keys in this order
    assert list(d.to_dict()) == ["text", "start", "end", "resolved", "basis"]
    assert resolve_relative_dates("Met on Wednesday.", "") == []
