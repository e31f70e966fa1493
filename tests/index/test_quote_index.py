"""The quote index: quotations extracted at build time and looked up by speaker and topic.

A small made-up collection, built for real and opened by a real Engine: a fraud trial where
the cue verbs are "testified" and "countered", a harbour story the trial's witness is also
quoted in (on another subject, in an article no search for the trial would return), and a
later article quoting her again.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest

from index.build import Builder
from index.cli import main
from index.engine import Engine

TRIAL = """\
The former treasurer of the Harbor City port authority took the stand on Tuesday in the fraud \
trial of two contractors accused of charging the agency for work that was never done.

"Nobody ever showed me a bill that looked padded," Dana Whitfield testified, adding that a \
deputy signed off on the payments.

Prosecutor Martin Gale pressed her on emails showing she had been copied on the payments. "You \
were told about the overcharges in March, and you did nothing," Gale said.

"Being copied on an email is not the same as reading it," Whitfield countered.

The trial is expected to last three more weeks.
"""

FERRY = """\
The city will add two evening ferry crossings to the island from April, the transport board \
decided on Monday.

"I have lived on the island for forty years and the last boat at nine is a scandal," said \
Dana Whitfield, a former treasurer of the port authority who campaigned for the change.

The board expects the extra crossings to cost 300,000 dollars a year.
"""

VERDICT = """\
A jury on Friday convicted two contractors of defrauding the Harbor City port authority.

"I am relieved the jury saw through the paperwork," Whitfield told reporters outside the court.

"This verdict restores trust in the port," said longtime Whitfield ally Tom Field.

The contractors will be sentenced in January.
"""


AUDIT = """\
Dana Whitfield, the port authority's treasurer, refused on Monday to take part in the city's \
review of the agency's accounts.

Whitfield called the city audit "a fishing trip" and said she would not hand over her files.
"""


BUDGET = """\
Mayor Rosa Linden unveiled the city's budget on Tuesday, a plan that keeps the library open on \
Sundays and hires twelve firefighters.

"We will not raise property taxes this year, and we will not cut a single bus route," the mayor \
said at City Hall.

Council member Tom Reyes said the plan left too little for road repairs.

Reyes accused the mayor of ignoring "every warning the engineers gave us" about the bridges.
"""


@pytest.fixture(scope="module")
def collection(tmp_path_factory, write_jsonl, make_record):
    folder = tmp_path_factory.mktemp("quote-collection")
    write_jsonl(
        folder / "news.jsonl",
        [
            make_record(
                "trial",
                "Former treasurer denies seeing padded bills at fraud trial",
                TRIAL,
                source="Harbor City Ledger",
                published="2024-10-15",
                url="https://ledger.example.com/trial",
            ),
            make_record(
                "ferry",
                "Island gets later ferries from April",
                FERRY,
                source="Island Post",
                published="2024-03-02",
            ),
            make_record(
                "budget",
                "Mayor's budget keeps Sunday library hours",
                BUDGET,
                source="Harbor City Ledger",
                published="2024-09-18",
            ),
            make_record(
                "audit",
                "Treasurer refuses to join city audit",
                AUDIT,
                source="Harbor City Ledger",
                published="2024-06-03",
            ),
            make_record(
                "verdict",
                "Contractors convicted of defrauding port authority",
                VERDICT,
                source="Harbor City Ledger",
                published="2024-11-08",
            ),
        ],
    )
    return folder


@pytest.fixture(scope="module")
def index_dir(collection, embedder, tmp_path_factory):
    path = tmp_path_factory.mktemp("quote-index")
    summary = Builder(path, embedder).build([collection])
    assert summary.failed == 0 and summary.articles == 5
    return path


@pytest.fixture(scope="module")
def engine(index_dir, embedder) -> Engine:
    return Engine(index_dir, embedder=embedder)


def test_a_speakers_quotes_are_found_across_the_whole_collection_newest_first(engine):
    found = engine.quotes("Dana Whitfield", limit=None)

    assert [q.article_id for q in found] == ["verdict", "trial", "trial", "audit", "ferry"]
    # Each article's fullest name for her: the verdict story only ever says "Whitfield".
    assert [q.speaker for q in found] == ["Whitfield"] + ["Dana Whitfield"] * 4
    assert not any("overcharges" in q.text for q in found), "Gale's words are not hers"
    # "Whitfield ally Tom Field" describes him by her name: his words are not hers either.
    assert [q.speaker for q in engine.quotes("Tom Field")] == ["Tom Field"]
    texts = engine.generation
    for quote in found:
        article = texts.article_text(quote.article_row)
        assert article[quote.start : quote.end] == quote.text
        assert article[quote.sentence_start : quote.sentence_end] == quote.sentence
        assert quote.sentence_start <= quote.start < quote.end <= quote.sentence_end
    by_text = {q.text: q for q in found}
    assert by_text["Being copied on an email is not the same as reading it"].cue == "countered"
    assert by_text["Nobody ever showed me a bill that looked padded"].cue == "testified"
    # The surname alone and a spelling with another case find the same quotations.
    assert [q.quote_id for q in engine.quotes("whitfield", limit=None)] == [
        q.quote_id for q in found
    ]


def test_a_topic_is_matched_by_meaning_not_only_by_words(engine):
    # No quotation says "invoices": the one about a padded bill is about them.
    found = engine.quotes("Whitfield", about="the invoices")

    assert found, "the quotation about the padded bill is about invoices"
    assert found[0].text == "Nobody ever showed me a bill that looked padded"
    assert all("ferry" not in q.article_id for q in found), "the ferry quote is off-topic"
    assert found[0].score is not None and found[0].score > 0


def test_filters_apply_to_quotations(engine):
    since = datetime(2024, 10, 1, tzinfo=UTC)
    recent = engine.quotes("Whitfield", since=since, limit=None)
    assert {q.article_id for q in recent} == {"trial", "verdict"}
    assert engine.quotes("Whitfield", until=datetime(2024, 3, 31, tzinfo=UTC)) == engine.quotes(
        "Whitfield", sources=["Island Post"]
    )
    island = engine.quotes("Whitfield", sources=["island post"], limit=None)
    assert [q.article_id for q in island] == ["ferry"]
    assert engine.quotes("Nobody Atall") == []


def test_what_did_x_say_answers_from_the_quote_index(engine):
    answer = engine.ask("What did Whitfield say about the invoices?")

    assert answer.covered and answer.parts
    lead = answer.parts[0]
    assert lead.is_quote and lead.label == "Dana Whitfield"
    assert lead.text == "Nobody ever showed me a bill that looked padded"
    assert all(p.label and "Whitfield" in p.label for p in answer.parts)
    assert answer.citations[0].article_id == "trial"


def test_the_latest_question_leads_with_the_newest_quotation(engine):
    answer = engine.ask("What is the latest Whitfield has said?")

    assert answer.covered
    assert answer.parts[0].text == "I am relieved the jury saw through the paperwork"
    assert answer.citations[0].article_id == "verdict"


def test_rebuilds_copy_quotations_and_an_older_index_gains_them(
    index_dir, collection, embedder, tmp_path, copy_index
):
    copy = copy_index(index_dir)
    before = Engine(copy, embedder=embedder).generation.manifest.quotes
    # An unchanged collection writes nothing; one new article copies the others' quotations.
    builder = Builder(copy, embedder)
    assert builder.build([collection]).generation is None
    extra = shutil.copytree(collection, tmp_path / "more")
    (extra / "late.jsonl").write_text(
        json.dumps(
            {
                "id": "late",
                "title": "Port board meets",
                "text": '"We will publish every invoice," board chair Ana Ruiz said on Monday.',
            }
        )
        + "\n"
    )
    summary = builder.build([extra])
    assert summary.added == 1 and summary.embedded_chunks == 1
    engine = Engine(copy, embedder=embedder)
    assert engine.generation.manifest.quotes == before + 1
    assert [q.text for q in engine.quotes("Ana Ruiz")] == ["We will publish every invoice"]
    # Segments from before the quote index (their meta says version 0) get one on the next
    # build, although no article changed.
    for segment in engine.generation.segments:
        meta_path = segment.path / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta["quotes_version"] = 0
        meta_path.write_text(json.dumps(meta))
    summary = Builder(copy, embedder).build([extra])
    assert summary.generation is not None and summary.embedded_chunks == 0
    rebuilt = Engine(copy, embedder=embedder)
    assert len(rebuilt.quotes("Whitfield", limit=None)) == 5


def test_cli_lists_quotations_as_json(index_dir, capsys):
    code = main(["quotes", "Whitfield", "--about", "invoices", "--index", str(index_dir), "--json"])

    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["speaker"] == "Whitfield" and data["about"] == "invoices"
    first = data["quotes"][0]
    assert first["text"] == "Nobody ever showed me a bill that looked padded"
    assert first["speaker"] == "Dana Whitfield" and first["cue"] == "testified"
    assert first["source"] == "Harbor City Ledger" and first["url"].endswith("/trial")


def test_a_quoted_fragment_is_shown_in_the_reporters_sentence(engine):
    answer = engine.ask("What did Whitfield say about the city audit?")

    assert answer.covered
    fragment = next(p for p in answer.parts if "a fishing trip" in p.text)
    assert not fragment.is_quote and fragment.label == "Dana Whitfield, as reported"
    assert fragment.text.startswith("Whitfield called the city audit")


def test_a_title_finds_the_person_the_article_gives_it_to(engine):
    # "the mayor said" is Rosa Linden's; asked by title, her words answer, by meaning ("taxes"
    # matches "property taxes", and the bus routes are not about taxes).
    answer = engine.ask("What did the mayor say about taxes?")

    assert answer.covered
    assert answer.parts[0].label == "Rosa Linden" and answer.parts[0].is_quote
    assert answer.parts[0].text.startswith("We will not raise property taxes this year")
    assert [q.speaker for q in engine.quotes("Rosa Linden")] == ["Rosa Linden"]
    assert all(q.speaker != "Rosa Linden" for q in engine.quotes("Tom Reyes"))


def test_words_quoted_inside_the_reporters_narrative_are_shown_in_it(engine):
    # Alone, "every warning the engineers gave us" would read as Reyes's claim to have given
    # warnings; it is what he accused the mayor of ignoring.
    (quote,) = [q for q in engine.quotes("Tom Reyes", limit=None) if q.kind == "direct"]

    assert quote.text == "every warning the engineers gave us"
    assert not quote.own_words
    assert quote.shown[0].startswith("Reyes accused the mayor of ignoring")
    assert quote.label == "Tom Reyes, as reported"
