"""Which sentences an answer keeps, through the real path: real model, real index, ``Engine``.

Each test also runs the same question with the behaviour under test switched off through
``AnswerParams``, to show that the behaviour (not luck of the corpus) makes the difference.
Where another rule would make the same choice on its own (the answer-type bonus often does),
that rule is switched off on both sides, so each test shows its own rule's effect.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.answer import AnswerParams
from index.build import Builder
from index.engine import Engine
from index.furniture import is_furniture

# The answer-type rules off: what the question asks for plays no part.
NO_TYPES = {
    "type_bonus": 0.0,
    "focus_weight": 1.0,
    "update_bonus": 0.0,
    "superlative_bonus": 0.0,
    "typed_floor": 0.0,
    "typed_floor_slope": 0.0,
}

QUIZ = """\
Which town will host the 2031 Lantern Games? Readers sent in more than 400 guesses last week, \
and the most popular answer was Porto.

The shortlist included four coastal towns and two inland cities.

After a final vote in Lisbon on Friday, the committee confirmed that Aveiro will host the 2031 \
Lantern Games.
"""

BRIDGE_WIRE = """\
The Meridian Bridge will close for repairs from 3 March, the city engineer said on Tuesday.

Ferries between the old harbour and the university quay will run every twenty minutes \
instead, and the operator has leased two extra boats from a company in Bilbao.
"""

BRIDGE_LOCAL = """\
The Meridian Bridge will close for repairs from 3 March, the city engineer said on Tuesday.

Cyclists are advised to use the northern crossing near the rail depot; shopkeepers on \
Quay Street fear a quiet spring and want a rent holiday from the municipality.
"""

FERRY_FEATURE = """\
The night ferry is popular with tourists who want to wake up in another country.

Passengers praised the night ferry's new cabins in 2024, according to a survey by the \
operator.
"""

FERRY_FIGURES = """\
The night ferry carried 48,000 passengers in 2024, the operator said in its annual report.

Freight volumes on the route fell slightly over the same period.
"""

TRAM = """\
The city council approved a new tram line to the airport on Monday, with construction \
starting in May.

On Monday the city council approved the new tram line to the airport.

The tram line will cost 310 million euros, the council said.
"""

LAVA = """\
Ana Costa/Reuters Lava from the Keanu volcano flows across the coastal road on Sunday.

The road will stay closed until Friday, the county said, after lava from the Keanu volcano \
crossed it on Sunday night.

Read more: Keanu volcano lava and coastal road closures
"""

SWIM = """\
Club swimmer Lena Ortiz swam the harbour crossing on Saturday, despite the cold.

Tomas Reyes holds the fastest harbour crossing ever recorded, 38 minutes in 1987.
"""

KESTREL_LANDING = """\
The Kestrel capsule landed in the Atacama desert on Sunday.

The team said the capsule hatch opened easily.
"""

KESTREL_CARGO = """\
The Kestrel capsule carried ice samples back to Earth, the agency said.
"""

HEATING_OIL = """\
Heating oil prices dipped from their record this month.

Shelter costs were up 5.6%.

Much of the rise came from boiler fuel, which was up 60% over the year.
"""

MOKU_FLOW = """\
Lava from the Mokulele volcano buried two farms near Hana on Sunday.

Lava could reach the main highway within days.
"""

FERRY_FIRE = """\
The fire on the Aurora ferry spread from the engine room to the lower decks.

The fire on the Aurora ferry broke out at 9:40 p.m. on Saturday, the operator said.

Many people aboard the Aurora ferry slept through the first fire alarm.

Rescue boats pulled 212 people from the water, the coast guard said.

Investigators inspected the Aurora ferry's engine room for faulty wiring.

Investigators inspected the Aurora ferry in Lowport, its home port.
"""

FROST = """\
A late frost on Tuesday night blackened apricot and cherry blossoms across the Dalmore valley \
orchards, the worst frost in the valley in a decade.

Growers lit smudge pots and ran wind machines through the night in the Dalmore orchards.

State farm officials said orchard losses could reach $14 million.
"""

OUTBREAK = """\
Health officials reported 36 measles cases at Pine Valley on Monday, the first measles \
outbreak in the valley this decade.

The school closed its gym and canteen while nurses checked vaccination records.

By Friday the number of measles cases at Pine Valley rose to 58, officials said.
"""

NEWS_QUIZ = """\
How closely did you follow the news this week? Test yourself.

3. Which river flooded the Vale district this week?

River Tamar

River Exe

River Dart

4. Which crew won the harbour regatta?

The Pilots

The Gulls
"""

FLOOD = """\
The River Exe burst its banks in the Vale district on Tuesday, flooding 300 homes.

Volunteers filled sandbags through the night.
"""


@pytest.fixture(scope="module")
def index_dir(embedder, tmp_path_factory, write_jsonl, make_record):
    """A small index of the articles above."""
    folder = tmp_path_factory.mktemp("selection-articles")
    record = make_record
    write_jsonl(
        folder / "articles.jsonl",
        [
            record("quiz", "Lantern Games quiz", QUIZ, source="Coast Weekly"),
            record("bridge-wire", "Meridian Bridge to close", BRIDGE_WIRE, source="Wire"),
            record("bridge-local", "Bridge closure worries shops", BRIDGE_LOCAL, source="Courier"),
            record("ferry-feature", "Life on the night ferry", FERRY_FEATURE, source="Travel"),
            record("ferry-figures", "Ferry operator annual report", FERRY_FIGURES, source="Port"),
            record("tram", "Airport tram line approved", TRAM, source="City Hall News"),
            record("lava", "Lava closes island road", LAVA, source="Island Times"),
            record("swim", "Harbour swim season opens", SWIM, source="Island Times"),
            record("ferry-fire", "Fire on the Aurora ferry", FERRY_FIRE, source="Coast Radio"),
            record("outbreak", "Measles outbreak at valley school", OUTBREAK, source="Valley"),
            record("frost", "Frost hits valley orchards", FROST, source="Valley"),
            record("kestrel-landing", "Kestrel lands", KESTREL_LANDING, source="Space Desk"),
            record("kestrel-cargo", "What Kestrel brought back", KESTREL_CARGO, source="Wire"),
            record("heating-oil", "Heating oil prices dip", HEATING_OIL, source="Energy Daily"),
            record("moku", "Mokulele eruption", MOKU_FLOW, source="Island Times"),
        ],
    )
    index_dir = tmp_path_factory.mktemp("selection-index")
    summary = Builder(index_dir, embedder).build([folder])
    assert summary.failed == 0 and summary.articles == 15
    return index_dir


def _engine(index_dir, embedder, **params) -> Engine:
    return Engine(index_dir, embedder=embedder, answer_params=replace(AnswerParams(), **params))


def test_a_quiz_question_in_an_article_does_not_lead_so_its_wrong_guess_stays_out(
    index_dir, embedder
):
    # A leading question brings the sentence after it along (that is usually its answer); here
    # the sentence after the quiz question is the readers' wrong guess.
    question = "Which town will host the 2031 Lantern Games?"

    answer = _engine(index_dir, embedder, **NO_TYPES).ask(question)
    unpenalised = _engine(
        index_dir, embedder, question_penalty=1.0, restated_question=1.1, **NO_TYPES
    ).ask(question)

    assert answer.covered
    assert "Aveiro will host the 2031 Lantern Games" in answer.text
    assert "most popular answer was Porto" not in answer.text
    assert "most popular answer was Porto" in unpenalised.text


@pytest.fixture(scope="module")
def quiz_index(embedder, tmp_path_factory, write_jsonl, make_record):
    """A news quiz and the story it asks about (apart: the others' answers stay as they are)."""
    records = [
        make_record("news-quiz", "The week in a quiz", NEWS_QUIZ, source="Coast Weekly"),
        make_record("flood", "Exe floods Vale homes", FLOOD, source="Valley"),
        make_record("frost", "Frost hits valley orchards", FROST, source="Valley"),
    ]
    return _index_of(records, "quiz", embedder, tmp_path_factory, write_jsonl)


def _index_of(records, name, embedder, tmp_path_factory, write_jsonl):
    """An index of ``records`` (apart from index_dir's: the others' answers stay as they are)."""
    folder = tmp_path_factory.mktemp(f"{name}-articles")
    write_jsonl(folder / "articles.jsonl", records)
    index_dir = tmp_path_factory.mktemp(f"{name}-index")
    summary = Builder(index_dir, embedder).build([folder])
    assert summary.failed == 0 and summary.articles == len(records)
    return index_dir


def test_a_quiz_printing_the_question_and_its_options_is_never_the_answer(quiz_index, embedder):
    # A news quiz prints the very question, then options, right and wrong, as bare lines.
    question = "Which river flooded the Vale district this week?"
    options = ("River Tamar", "River Dart", "3. Which river")

    answer = _engine(quiz_index, embedder).ask(question)
    unfiltered = _engine(quiz_index, embedder, restated_question=1.1, fragment_words=0).ask(
        question
    )

    assert answer.covered
    assert answer.text.startswith("The River Exe burst its banks in the Vale district")
    assert not any(option in answer.text for option in options), answer.text
    assert any(option in unfiltered.text for option in options), unfiltered.text


def test_a_sentence_repeated_by_a_wire_copy_is_shown_once(index_dir, embedder, assert_extractive):
    question = "When will the Meridian Bridge close for repairs?"
    sentence = "The Meridian Bridge will close for repairs from 3 March"

    engine = _engine(index_dir, embedder)
    hits = engine.search(question)
    answer = engine.answer_from_hits(question, hits)

    assert {"bridge-wire", "bridge-local"} <= {hit.article_id for hit in hits[:2]}
    assert sum(sentence in part.text for part in answer.parts) == 1
    assert_extractive(engine, answer)


def test_the_best_covering_sentence_leads_even_from_a_lower_ranked_article(index_dir, embedder):
    question = "How many passengers did the night ferry carry in 2024?"
    engine = _engine(index_dir, embedder)
    hits = {hit.article_id: hit for hit in engine.search(question)}
    # The feature ranked first, as retrieval could: it is about the ferry but not the number.
    ranked = [hits["ferry-feature"], hits["ferry-figures"]]

    answer = engine.answer_from_hits(question, ranked)
    rank_first = _engine(index_dir, embedder, lead_rank_decay=3.0).answer_from_hits(
        question, ranked
    )

    assert answer.parts[0].text.startswith("The night ferry carried 48,000 passengers in 2024")
    assert answer.citations[0].article_id == "ferry-figures"
    assert answer.parts[0].citation == 1
    assert not rank_first.parts[0].text.startswith("The night ferry carried")


def test_a_restatement_of_a_chosen_sentence_gives_way_to_a_new_fact(index_dir, embedder):
    question = "How much will the airport tram line cost?"
    restatement = "On Monday the city council approved the new tram line to the airport."

    answer = _engine(index_dir, embedder, max_sentences=2, **NO_TYPES).ask(question)
    without = _engine(index_dir, embedder, max_sentences=2, redundancy=0.0, **NO_TYPES).ask(
        question
    )

    texts = [part.text for part in answer.parts]
    assert any("310 million euros" in text for text in texts), texts
    assert restatement not in texts
    assert restatement in [part.text for part in without.parts]


def test_photo_credits_and_link_lines_are_never_quoted(index_dir, embedder):
    question = "When will the coastal road reopen after the Keanu volcano lava?"
    credit = "Ana Costa/Reuters Lava from the Keanu volcano flows across the coastal road"
    link = "Read more: Keanu volcano lava and coastal road closures"

    answer = _engine(index_dir, embedder, max_sentences=3).ask(question)

    assert answer.covered
    assert "closed until Friday" in answer.parts[0].text
    # Both lines share most of the question's words, yet neither is shown at any length.
    assert is_furniture(link) and is_furniture(credit + " on Sunday.")
    assert "Ana Costa/Reuters" not in answer.text and "Read more" not in answer.text


def test_the_asking_sentence_of_a_question_counts_more_than_its_scene_setting(index_dir, embedder):
    question = (
        "Club swimmer Lena Ortiz swam this week. "
        "Who holds the fastest harbour crossing ever recorded?"
    )

    answer = _engine(index_dir, embedder, max_sentences=1, **NO_TYPES).ask(question)
    flat = _engine(
        index_dir,
        embedder,
        max_sentences=1,
        preamble_weight=1.0,
        standalone_preamble_weight=1.0,
        **NO_TYPES,
    ).ask(question)

    assert answer.covered
    assert answer.parts[0].text.startswith("Tomas Reyes holds the fastest harbour crossing")
    assert flat.parts[0].text.startswith("Club swimmer Lena Ortiz swam")


def test_scene_setting_words_count_only_when_the_asking_sentence_points_back_to_them(
    index_dir, embedder
):
    # The asking sentence stands alone: the scene's words ("Lena Ortiz swam the harbour
    # crossing") only echo the sentence that restates the scene.
    standalone = (
        "Club swimmer Lena Ortiz swam the harbour crossing despite the cold on Saturday. "
        "Who holds the fastest crossing ever recorded?"
    )
    # "she" points back: the scene says who the question is about.
    pointing_back = "Club swimmer Lena Ortiz swam this week. On which day did she swim it?"

    answer = _engine(index_dir, embedder, max_sentences=1, **NO_TYPES).ask(standalone)
    discounted = _engine(
        index_dir, embedder, max_sentences=1, standalone_preamble_weight=0.5, **NO_TYPES
    ).ask(standalone)
    about_her = _engine(index_dir, embedder, max_sentences=1, **NO_TYPES).ask(pointing_back)
    ignored = _engine(index_dir, embedder, max_sentences=1, preamble_weight=0.0, **NO_TYPES).ask(
        pointing_back
    )

    assert answer.parts[0].text.startswith("Tomas Reyes holds the fastest harbour crossing")
    assert discounted.parts[0].text.startswith("Club swimmer Lena Ortiz swam")
    assert about_her.parts[0].text.startswith("Club swimmer Lena Ortiz swam")
    assert not ignored.covered or not ignored.parts[0].text.startswith("Club swimmer")


def test_the_verb_before_a_question_word_asked_in_place_counts_as_a_focus_word(index_dir, embedder):
    # "...could soon reach which type of infrastructure?": what the answer does is "reach";
    # the answer names a kind of infrastructure without the word.
    question = (
        "Officials fear lava from the Mokulele volcano could soon reach which type of "
        "infrastructure?"
    )

    answer = _engine(index_dir, embedder, max_sentences=1, **{**NO_TYPES, "focus_weight": 2.0})
    unfocused = _engine(index_dir, embedder, max_sentences=1, **NO_TYPES)

    assert answer.ask(question).parts[0].text == "Lava could reach the main highway within days."
    assert unfocused.ask(question).parts[0].text.startswith("Lava from the Mokulele volcano buried")


def test_a_second_article_on_the_same_story_adds_its_sentence(index_dir, embedder):
    # Two articles on the landing, retrieved about as well as each other: the second one's
    # sentence on the cargo answers the rest of the question, ahead of the first one's aside.
    question = "Where did the Kestrel capsule land on Sunday and what did it carry?"
    engine = _engine(index_dir, embedder, max_sentences=2, **NO_TYPES)
    hits = {hit.article_id: hit for hit in engine.search(question)}
    landing, cargo = hits["kestrel-landing"], hits["kestrel-cargo"]
    same_story = [landing, replace(cargo, score=landing.score)]
    # The same article, as if retrieval had found it a poor match (a quarter of the score).
    off_topic = [landing, replace(cargo, score=landing.score / 4)]
    by_rank_only = _engine(index_dir, embedder, max_sentences=2, relevance_decay=0.0, **NO_TYPES)

    together = engine.answer_from_hits(question, same_story)
    apart = engine.answer_from_hits(question, off_topic)

    cargo_sentence = "The Kestrel capsule carried ice samples back to Earth"
    assert together.parts[0].text.startswith("The Kestrel capsule landed")
    assert any(p.text.startswith(cargo_sentence) for p in together.parts), together.text
    assert not any(p.text.startswith(cargo_sentence) for p in apart.parts), apart.text
    assert [p.text for p in by_rank_only.answer_from_hits(question, same_story).parts] == [
        p.text for p in by_rank_only.answer_from_hits(question, off_topic).parts
    ]


def test_among_typed_sentences_of_the_best_article_the_one_sharing_more_words_wins(
    index_dir, embedder
):
    # Both figures are percentages in the best article; only one shares a word with the
    # question ("over the year"). The floor lifts both, but keeps the difference between them.
    question = "Despite the recent dip, how much have heating oil prices increased over the year?"

    answer = _engine(index_dir, embedder, max_sentences=2).ask(question)
    flat_floor = _engine(index_dir, embedder, max_sentences=2, typed_floor_slope=0.0).ask(question)

    assert any("up 60% over the year" in p.text for p in answer.parts), answer.text
    assert "Shelter costs" not in answer.text
    assert "Shelter costs" in flat_floor.text


@pytest.mark.parametrize(
    ("question", "answering"),
    [
        # A count: the sentence with a number, and the counted noun weighs more.
        ("How many people were rescued from the Aurora ferry fire?", "Rescue boats pulled 212"),
        # A time: of two sentences sharing the same words, the one with an hour and a day.
        ("When did the fire on the Aurora ferry start?", "The fire on the Aurora ferry broke"),
        # A place: the one with a capitalised place after a preposition.
        (
            "Where did investigators inspect the Aurora ferry?",
            "Investigators inspected the Aurora ferry in",
        ),
    ],
)
def test_the_sentence_holding_what_the_question_asks_for_leads(
    index_dir, embedder, question, answering
):
    answer = _engine(index_dir, embedder).ask(question)
    untyped = _engine(index_dir, embedder, **NO_TYPES).ask(question)

    assert answer.covered
    assert answer.parts[0].text.startswith(answering), answer.text
    assert answer.parts[0].citation == 1
    assert not untyped.parts[0].text.startswith(answering), untyped.text


def test_the_answering_sentence_is_shown_first_not_in_article_order(index_dir, embedder):
    question = "How many people were rescued from the Aurora ferry fire?"

    answer = _engine(index_dir, embedder).ask(question)

    texts = [part.text for part in answer.parts]
    assert len(texts) >= 2 and texts[0].startswith("Rescue boats pulled 212")
    # The sentences after it are the same article's other sentences, in document order.
    rest = [part.start for part in answer.parts[1:] if part.article_id == "ferry-fire"]
    assert rest == sorted(rest) and answer.parts[0].start > min(rest)


def test_a_latest_count_question_leads_with_the_updated_figure(index_dir, embedder):
    question = "How many measles cases are there at Pine Valley now?"

    answer = _engine(index_dir, embedder, max_sentences=1).ask(question)
    not_updated = _engine(index_dir, embedder, max_sentences=1, update_bonus=0.0).ask(question)

    assert answer.parts[0].text.startswith("By Friday the number of measles cases")
    assert not_updated.parts[0].text.startswith("Health officials reported 36 measles cases")


def test_a_sum_of_money_answers_how_much_even_without_the_questions_words(index_dir, embedder):
    # "losses could reach $14 million" shares no word with the question, but in the best
    # article it is the only sentence holding a sum of money.
    question = "How much did the late frost cost Dalmore valley growers?"

    answer = _engine(index_dir, embedder).ask(question)
    lexical_only = _engine(index_dir, embedder, typed_floor=0.0).ask(question)

    assert any(p.text.endswith("could reach $14 million.") for p in answer.parts), answer.text
    assert "$14 million" not in lexical_only.text


FEVER = """\
A man in Travis County, Texas, who had Ridgeback fever died last week, though officials have \
not confirmed the fever's role in his death.

Almost 9,000 confirmed Ridgeback fever cases have been reported nationwide this year, federal \
data shows.

California has the most cases: 2,100.

Trends in Ridgeback fever cases appear to be leveling off, officials say.
"""

TRAWLERS = """\
Icelandic lawmakers urged the fisheries court to show no leniency to trawler crews caught in \
the protected bay, in a letter read out in Reykjavik on Sunday.

The fisheries court has shown too much leniency to trawler crews, the lawmakers said.

The letter, signed by 40 of Iceland's 63 members of parliament, asks for the heaviest fines \
the law allows.

Crews from three trawlers have been charged so far.
"""


HEAT = """\
Temperatures soared across southern India this week as a late heat wave hit the region.

Tamil Nadu recorded the highest temperature in the country, 46.2 degrees Celsius, on Wednesday.

Officials opened cooling centres in Chennai and Madurai.
"""


@pytest.fixture(scope="module")
def places_index(embedder, tmp_path_factory, write_jsonl, make_record):
    """Two articles whose answers name a state or a country without a preposition before it."""
    records = [
        make_record("fever", "Ridgeback fever cases level off", FEVER, source="Health Desk"),
        make_record("trawlers", "Lawmakers want no leniency", TRAWLERS, source="North Wire"),
    ]
    return _index_of(records, "places", embedder, tmp_path_factory, write_jsonl)


@pytest.fixture(scope="module")
def heat_index(embedder, tmp_path_factory, write_jsonl, make_record):
    """One short article naming a state, and another that names none."""
    records = [
        make_record("heat", "Heat wave grips southern India", HEAT, source="Monsoon Times"),
        make_record("frost", "Frost hits valley orchards", FROST, source="Valley"),
    ]
    return _index_of(records, "heat", embedder, tmp_path_factory, write_jsonl)


def test_the_sentence_with_the_questions_superlative_is_kept(places_index, embedder):
    question = "Which state has the most confirmed cases of Ridgeback fever?"

    answer = _engine(places_index, embedder, max_sentences=1).ask(question)
    without = _engine(places_index, embedder, max_sentences=1, superlative_bonus=0.0).ask(question)

    # A Texas county is in a state too, but only the superlative says which state has the most.
    assert answer.parts[0].text == "California has the most cases: 2,100.", answer.text
    assert without.parts[0].text.startswith("A man in Travis County, Texas"), without.text


def test_which_country_is_answered_by_a_sentence_naming_a_country(places_index, embedder):
    # "Icelandic" and "in Reykjavik" are not the name of a country; "Iceland's 63 members" is.
    question = "Which country's lawmakers urged the fisheries court to show no leniency?"

    answer = _engine(places_index, embedder, max_sentences=2).ask(question)
    untyped = _engine(places_index, embedder, max_sentences=2, **NO_TYPES).ask(question)

    assert "Iceland's 63 members" in answer.text, answer.text
    assert "Iceland's 63 members" not in untyped.text, untyped.text


def test_a_short_which_state_question_is_answered_by_the_state_it_names(heat_index, embedder):
    # The answer does not repeat "state": the coverage decision leaves that word out of the
    # match of a sentence naming a state (a fresh user's question was refused before).
    answer = _engine(heat_index, embedder).ask("Which state recorded the highest temperature?")

    assert answer.covered, answer.text
    assert answer.parts[0].text.startswith("Tamil Nadu recorded the highest temperature")
