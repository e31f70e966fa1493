"""Names, titles, pronouns: who a speaker is (``index.quotes.people``)."""

from __future__ import annotations

import pytest
from quote_samples import speakers

from index.quotes import find_quotes, speaker_matches


def test_title_with_a_department_before_the_name():
    text = 'US Secretary of State Antony Blinken visited Kyiv. "We are with you," Blinken said.'

    assert speakers(text) == [("We are with you", "Antony Blinken")]


def test_full_name_given_once_is_used_for_every_later_surname_attribution():
    text = (
        'Finance Minister Serhiy Marchenko presented the budget. "It is a war budget," '
        "Marchenko said."
    )

    assert speakers(text) == [("It is a war budget", "Serhiy Marchenko")]


# --------------------------------------------------------------------------------------------
# Pronouns and titles
# --------------------------------------------------------------------------------------------


def test_pronoun_goes_to_the_person_who_opened_the_previous_sentence():
    text = (
        '"We expect an invitation," Zelenskyy said.\n'
        "Ukrainian Foreign Minister Andrii Sybiha arrived in Brussels on Tuesday. "
        '"Now is the time," he said.'
    )

    assert speakers(text) == [
        ("We expect an invitation", "Zelenskyy"),
        ("Now is the time", "Andrii Sybiha"),
    ]


def test_pronoun_skips_people_merely_mentioned_after_the_speaker():
    text = (
        "Further, Zelenskyy said he would need assurances that Russian President Vladimir Putin "
        "doesn’t come back. “We need guarantees,” he said."
    )

    assert speakers(text)[-1] == ("We need guarantees", "Zelenskyy")


def test_title_resolves_to_the_person_named_with_that_title():
    text = (
        "Foreign Minister Andrii Sybiha and President Volodymyr Zelenskyy met in Kyiv.\n"
        '"We are ready," Zelenskyy said.\n'
        '"We are also ready," Sybiha said.\n'
        '"The minister is right," the president said.\n'
        '"Thank you," the minister said.'
    )

    assert speakers(text) == [
        ("We are ready", "Volodymyr Zelenskyy"),
        ("We are also ready", "Andrii Sybiha"),
        ("The minister is right", "Volodymyr Zelenskyy"),
        ("Thank you", "Andrii Sybiha"),
    ]


def test_title_not_known_for_anyone_stays_the_title_not_someone_with_another_title():
    text = (
        'President Volodymyr Zelenskyy spoke first. "We are ready," he said.\n'
        '"We are not," the minister said.'
    )

    assert speakers(text) == [
        ("We are ready", "Volodymyr Zelenskyy"),
        ("We are not", "the minister"),
    ]


def test_title_tied_to_nobody_is_kept_not_given_to_the_most_recent_speaker():
    text = '"We are ready," Zelenskyy said. "Nobody doubts it," the Ukrainian leader added.'

    assert speakers(text) == [
        ("We are ready", "Zelenskyy"),
        ("Nobody doubts it", "the Ukrainian leader"),
    ]


def test_title_the_article_ties_to_a_person_resolves_to_that_person():
    text = (
        "Ukrainian leader Volodymyr Zelenskyy met Prime Minister Keir Starmer in London.\n"
        '"We are ready," Starmer said. "Nobody doubts it," the Ukrainian leader added.'
    )

    assert speakers(text) == [
        ("We are ready", "Keir Starmer"),
        ("Nobody doubts it", "Volodymyr Zelenskyy"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"We are ready," Zelenskyy said. "The strikes will continue," it said.',
        '"We are ready," Zelenskyy said. "The strikes will continue," they said.',
        '"We are ready," Zelenskyy said. "The strikes will continue," a spokesperson said.',
        '"We are ready," Zelenskyy said. "The strikes will continue," officials said.',
    ],
)
def test_it_they_and_anonymous_sources_stay_anonymous(text):
    assert speakers(text)[-1] == ("The strikes will continue", None)


def test_pronoun_with_nobody_named_before_is_anonymous():
    assert speakers('"We will win," he said.') == [("We will win", None)]


# --------------------------------------------------------------------------------------------
# Titles kept as the speaker, pronouns only to a compatible antecedent
# --------------------------------------------------------------------------------------------


def test_title_is_kept_and_never_handed_to_someone_named_nearby():
    text = (
        "Sam Okoye, a farmer, spoke first at the hearing.\n"
        '"The budget is balanced," the governor said.\n'
        '"We will not raise taxes," the prime minister told MPs.'
    )

    assert speakers(text) == [
        ("The budget is balanced", "the governor"),
        ("We will not raise taxes", "the prime minister"),
    ]


def test_title_resolves_to_the_person_the_article_names_with_it():
    text = (
        "Prime Minister Jo Bell met Governor Sam Okoye in Harbor City.\n"
        '"We will not raise taxes," the prime minister told MPs.\n'
        '"Neither will we," the governor said.'
    )
    quotes = find_quotes(text)

    assert [(q.speaker, q.speaker_text) for q in quotes] == [
        ("Jo Bell", "the prime minister"),
        ("Sam Okoye", "the governor"),
    ]
    assert "the prime minister" in quotes[0].aliases


def test_title_behind_a_possessive_pronoun_that_names_nobody_is_anonymous():
    assert speakers('"We will appeal," his spokesman said.') == [("We will appeal", None)]


def test_pronoun_skips_the_nearer_person_of_the_other_gender():
    text = (
        "Jane Doe spoke first. Mr. Hale answered questions about the budget.\n"
        '"It went well," she said.'
    )

    assert speakers(text) == [("It went well", "Jane Doe")]


@pytest.mark.parametrize(
    "text",
    [
        'Mr. Hale spoke first. "It went well," she said.',
        'Robert Hale spoke first. "It went well," she said.',
        'Chairwoman Ann Price spoke first. "It went well," he said.',
    ],
)
def test_pronoun_without_a_compatible_antecedent_stays_unattributed(text):
    assert speakers(text) == [("It went well", None)]


def test_honorifics_and_a_suffix_are_not_part_of_the_name():
    text = (
        '"We will appeal," said South Harbor Gov. Jim Dorsey Jr., a Democrat.\n'
        '"So will we," Mrs. Ann Price said.'
    )

    assert speakers(text) == [("We will appeal", "Jim Dorsey"), ("So will we", "Ann Price")]


def test_aliases_tie_the_articles_names_and_descriptions_to_the_speaker():
    text = (
        "Ukrainian president Volodymyr Zelenskyy arrived in Brussels on Tuesday.\n"
        '"We need air defence now," Zelensky told reporters.\n'
        '"We will not wait," the president said.'
    )
    first, second = find_quotes(text)

    assert first.speaker == second.speaker == "Volodymyr Zelenskyy"
    assert "Zelensky" in first.aliases and "Ukrainian president" in first.aliases
    assert "the president" in second.aliases
    assert "Volodymyr Zelenskyy" not in first.aliases


def test_unattributed_quotation_has_no_cue_speaker_text_or_aliases():
    quote = find_quotes(
        'Russia launched 90 drones overnight. "It never stops, not even for a day."'
    )[-1]

    assert (quote.speaker, quote.cue, quote.speaker_text, quote.aliases) == (None, None, None, ())


def test_pronoun_goes_to_the_man_who_shares_a_surname_with_a_woman_named_first():
    text = (
        "Mrs. Dorsey opened the hearing.\n"
        "Bill Dorsey, her husband, agreed with the analysis. "
        '"The numbers never lie," he said.'
    )

    assert speakers(text) == [("The numbers never lie", "Bill Dorsey")]


# --------------------------------------------------------------------------------------------
# Names as the article writes them (kinds found on the Wikinews demo collection)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # Latin Extended-A letters belong to names.
        ('"We were flabbergasted," Vlada Stamenković told the magazine.', "Vlada Stamenković"),
        # Titles and occupations before a name, capitalised.
        ('Senate Minority Whip Dick Durbin said, "The bill is dead here."', "Dick Durbin"),
        ('Immunologist Kristian Andersen said, "It was not made in a lab."', "Kristian Andersen"),
        ('Assemblywoman Selma Torres said, "We need more women running."', "Selma Torres"),
        (
            'Supreme Court Justice Elena Kagan wrote, "Not every corrupt act is a crime."',
            "Elena Kagan",
        ),
        # ... but a title word that is the surname stays: Gov. Jim Justice.
        ('Gov. Jim Justice said, "We will reopen the schools on Monday."', "Jim Justice"),
        # An acronym before a full name: a title or an employer.
        ('IM Dorsa Derakhshani said, "I will not play for them again."', "Dorsa Derakhshani"),
        ('NASA Administrator Jim Bridenstine said, "We are ready."', "Jim Bridenstine"),
        # An age before a name.
        ('Fifteen-year-old Robert said, "I thought we had hit the tunnel."', "Robert"),
        # Post-nominal letters.
        ('Kama Melly QC said, "He showed no remorse at any point."', "Kama Melly"),
        # A title set off by the name after it.
        (
            'A Republican Assemblywoman, Jill Tolles, commented: "There are not as many women '
            'running."',
            "Jill Tolles",
        ),
        # Ampersands in names.
        ('PG&E said, "The blackouts will last two days."', "PG&E"),
    ],
)
def test_the_name_without_the_words_around_it(text, speaker):
    assert [q.speaker for q in find_quotes(text)] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "United States Senator from Vermont Bernie Sanders ended his campaign. "
            '"The struggle continues," Sanders said.',
            "Bernie Sanders",
        ),
        (
            "Protests went on in Hong Kong. Chief Executive of Hong Kong Carrie Lam withdrew "
            'the bill. "The bill is dead," Lam said.',
            "Carrie Lam",
        ),
        (
            # After a title and "of", the last two words when nothing else tells.
            'Today, Chief Executive of Harbor Bay Carrie Lam said, "The bill is dead."',
            "Carrie Lam",
        ),
        (
            "The board of Wells Fargo named a new chief, Timothy J. Sloan. "
            '"We will enact the changes," Mr. Sloan said.',
            "Timothy J. Sloan",
        ),
    ],
)
def test_a_place_before_a_name_after_of_or_from_is_not_part_of_it(text, speaker):
    assert [q.speaker for q in find_quotes(text)] == [speaker]


def test_a_headline_in_title_case_is_not_a_full_name():
    text = 'Why Progressives Are Celebrating Hillary Clinton\n"We will win," Clinton said.'

    assert [q.speaker for q in find_quotes(text)] == ["Hillary Clinton"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # Another first name with the same surname is another name.
        (
            "Red Hat Enterprise Linux is sold by Red Hat. Rocky Linux describes itself as "
            '"a community operating system built to be compatible".',
            "Rocky Linux",
        ),
        # The surname with its particle is the full name's end.
        (
            'Gloria La Riva is the nominee. "We will be on every ballot," La Riva said.',
            "Gloria La Riva",
        ),
        # A given name alone, where the article also writes the surname alone.
        (
            "State representative Terri Collins sponsored the bill. Collins defended it. Terri "
            'said, "It will be enforceable later."',
            "Terri Collins",
        ),
        # A surname written first stays as written (Ban Ki-moon).
        ('Ban Ki-moon spoke first. "We must act," Ban said.', "Ban"),
    ],
)
def test_the_fullest_name_is_the_same_persons(text, speaker):
    assert [q.speaker for q in find_quotes(text)] == [speaker]


@pytest.mark.parametrize(
    "text",
    [
        "I've told them that I won't play for them again.",
        'Had I said "the opposite of what I believe here", nobody would have noticed.',
        "Let say this has a productivity factor of four.",
        "You've said that you want to act on the climate.",
    ],
)
def test_contractions_and_sentence_openers_are_no_names(text):
    assert [q.speaker for q in find_quotes(text)] == [None] * len(find_quotes(text))


@pytest.mark.parametrize(
    "text",
    [
        # An outlet and a modifier opening sentences are nobody "he" can be.
        "Wikinews spoke to the author on Monday. Wikinews asked about the book. "
        '"We are done with it," he said.',
        "The Montreal team found water. Others checked the Montreal team's data. "
        '"Overall," he said, "the data improve the odds."',
        # A country the article writes after "in", or a gerund opening a sentence.
        "Fighting went on in Libya, where a war is underway. Turkey and Libya agreed on a "
        'border. "No project without our country can be carried out," he said.',
    ],
)
def test_he_is_never_an_outlet_a_place_or_a_modifier(text):
    assert [q.speaker for q in find_quotes(text)] == [None] * len(find_quotes(text))


def test_he_after_an_inverted_attribution_is_its_speaker():
    text = (
        'Lena Ortiz chairs the panel. "It is a good sign," said Ryan Cole, a physicist. '
        '"Overall," he continued, "the data improve the odds."'
    )

    assert [q.speaker for q in find_quotes(text)] == ["Ryan Cole"] * 3


# --------------------------------------------------------------------------------------------
# Bodies and groups named after a person are not the person (kinds found on the Wikinews demo
# collection: "The Trump campaign described Taylor as ..." was given to Donald Trump)
# --------------------------------------------------------------------------------------------

_RALLIES = "Senator Maria Delgado and Governor Tom Reyes held rallies on Monday.\n"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            'The Delgado campaign described Reyes as "a tired old hand who never read a bill."',
            "the Delgado campaign",
        ),
        (
            '"We will not back down from this fight," the Delgado campaign said.',
            "the Delgado campaign",
        ),
        (
            '"We will not back down from this fight," said the Reyes administration.',
            "the Reyes administration",
        ),
        (
            'The Reyes administration said: "We will not back down from this fight."',
            "the Reyes administration",
        ),
        (
            '"We will not back down from this fight," Reyes\'s administration said.',
            "Reyes's administration",
        ),
        ('"We will not back down from this fight," Delgado\'s team said.', "Delgado's team"),
        (
            "The Reyes campaign criticized the refusal, accusing the senator of "
            '"not wanting to face the voters at all."',
            "the Reyes campaign",
        ),
        (
            'The Reyes campaign put out a statement in July: "The voters will decide this race."',
            "the Reyes campaign",
        ),
        ('"We will not back down from this fight," Delgado\'s lawyers said.', None),
        ('Delgado allies said: "We will not back down from this fight."', None),
        ('"We will not back down from this fight," Delgado supporters said.', None),
        ('"We will not back down from this fight," the Delgado family said.', None),
        ('The Delgado family said "we will miss her dearly every single day."', None),
    ],
)
def test_a_body_or_group_named_after_a_person_is_not_the_person(sentence, speaker):
    text = _RALLIES + sentence
    quotes = [quote for quote in find_quotes(text) if quote.start > len(_RALLIES)]

    assert [quote.speaker for quote in quotes] == [speaker]
    for name in ("Maria Delgado", "Delgado", "Tom Reyes", "Reyes"):
        assert not speaker_matches(quotes[0].speaker, name, quotes[0].aliases)


def test_a_white_house_named_after_a_president_is_not_the_president():
    text = _RALLIES + '"We will not back down from this fight," the Reyes White House said.'
    quote = find_quotes(text)[-1]

    assert quote.speaker != "Tom Reyes"
    assert not speaker_matches(quote.speaker, "Reyes", quote.aliases)


def test_a_stranger_introduced_by_a_surname_alone_keeps_that_description():
    text = (
        "Student leader Joshua Wong spoke at the rally. A university student named Wong said, "
        '"Even in the rain, people never back down."'
    )
    quote = find_quotes(text)[-1]

    assert quote.speaker == "Wong"
    assert "A university student named Wong" in quote.aliases
    assert not speaker_matches(quote.speaker, "Joshua Wong", quote.aliases)
