"""Attribution shapes: cues, inverted and colon forms, reported speech, "according to"
(``index.quotes.attribution``)."""

from __future__ import annotations

import pytest
from quote_samples import speakers

from index.quotes import find_quotes

# --------------------------------------------------------------------------------------------
# Attribution shapes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted", "speaker"),
    [
        ('"We will win," Zelenskyy said.', "We will win", "Zelenskyy"),
        ('"We will win," said Zelenskyy.', "We will win", "Zelenskyy"),
        ('"We will win," says Volodymyr Zelenskyy.', "We will win", "Volodymyr Zelenskyy"),
        ('"We will win," Zelenskyy told Sky News.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy told reporters on Friday.', "We will win", "Zelenskyy"),
        ('Zelenskyy told Sky News: "We will win."', "We will win.", "Zelenskyy"),
        ('Zelenskyy said: "We will win."', "We will win.", "Zelenskyy"),
        ('Zelenskyy said that "we will win."', "we will win.", "Zelenskyy"),
        ("Zelenskyy wrote on Telegram: “We will win.”", "We will win.", "Zelenskyy"),
        ('"We will win," Zelenskyy added.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy wrote.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy insisted.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy warned.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy tweeted.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy posted.', "We will win", "Zelenskyy"),
        ('"Will we win?" Zelenskyy asked.', "Will we win?", "Zelenskyy"),
        ('"We will win," Zelenskyy replied.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy has repeatedly said.', "We will win", "Zelenskyy"),
        ('"We will win," Zelenskyy, the Ukrainian leader, said.', "We will win", "Zelenskyy"),
        (
            '"It is what it is," said German Chancellor Olaf Scholz.',
            "It is what it is",
            "Olaf Scholz",
        ),
        ('"We will win," according to Zelenskyy.', "We will win", "Zelenskyy"),
        (
            "‘We will stand with Ukraine,’ said Keir Starmer.",
            "We will stand with Ukraine",
            "Keir Starmer",
        ),
        (
            "'We will stand with Ukraine,' Keir Starmer said.",
            "We will stand with Ukraine",
            "Keir Starmer",
        ),
        ('"We will win," Mr. Smith said.', "We will win", "Smith"),
    ],
)
def test_attribution_shapes(text, quoted, speaker):
    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [(quoted, speaker, "direct")]
    assert (quotes[0].sentence_start, quotes[0].sentence_end) == (0, len(text))


def test_quote_split_by_its_attribution_in_one_sentence():
    text = "“We will fight on,” Zelenskyy said, “and we will win.”"

    assert speakers(text) == [("We will fight on", "Zelenskyy"), ("and we will win.", "Zelenskyy")]


def test_quote_split_by_its_attribution_across_sentences():
    text = 'Andrii Sybiha spoke first. "We need to do it fast," he said. "And then we talk."'

    assert speakers(text) == [
        ("We need to do it fast", "Andrii Sybiha"),
        ("And then we talk.", "Andrii Sybiha"),
    ]


def test_colon_attribution_introduces_a_quote_in_the_next_paragraph():
    text = (
        "Zelenskyy said in his nightly address:\n\n“We will win. We will rebuild.”\n\n"
        "“Every town will be free.”\n\nRussia launched more drones overnight."
    )
    quotes = find_quotes(text)

    assert speakers(text) == [
        ("We will win. We will rebuild.", "Zelenskyy"),
        ("Every town will be free.", "Zelenskyy"),
    ]
    first = quotes[0]
    assert text[first.sentence_start : first.sentence_end].startswith("Zelenskyy said in his")


def test_free_text_before_a_colon_is_not_an_attribution():
    text = "Zelenskyy said the message from Moscow was clear: “Surrender.”"

    # The whole sentence is his reported speech; the quoted word is Moscow's, not his.
    assert speakers(text) == [("the message from Moscow was clear: “Surrender.”", "Zelenskyy")]


def test_full_stop_inside_the_quote_then_a_new_sentence_of_reported_speech():
    assert speakers('"We will win." Zelenskyy said.') == [("We will win.", "Zelenskyy")]
    assert speakers('"We will win." Zelenskyy said the army was ready.') == [
        ("We will win.", None),
        ("the army was ready", "Zelenskyy"),
    ]


@pytest.mark.parametrize(
    "attribution",
    [
        "Ruiz said.",
        "Ruiz told reporters on Friday.",
        "Ruiz said in response to a question about the harbour.",
        "Ruiz said to cheers.",
        "Ruiz said, adding that the vote would come later.",
    ],
)
def test_a_new_sentence_that_only_attributes_attributes_the_quote(attribution):
    text = f'The mayor spoke first. "We will rebuild the harbour." {attribution}'

    assert speakers(text)[0] == ("We will rebuild the harbour.", "Ruiz")


@pytest.mark.parametrize(
    "attribution",
    [
        "Ruiz continued his claims that the harbour was badly run.",
        "Ruiz claimed the plan would create five thousand jobs.",
        "Ruiz maintained the campaign theme of law and order.",
        "Ruiz went on to cite the ruling of the state court.",
        'Ruiz added, "The money is there."',
    ],
)
def test_a_new_sentence_going_on_with_its_own_statement_does_not_attribute_the_quote(
    attribution,
):
    # 'Biden called Antifa an "idea." Trump continued his claims that ...' (Wikinews): "idea."
    # is Biden's, not Trump's.
    text = f'Bell called the harbour an "eyesore." {attribution}'

    assert speakers(text)[0] == ("eyesore.", "Bell")
    text = f'"We will rebuild the harbour." {attribution}'
    assert speakers(text)[0] == ("We will rebuild the harbour.", None)


def test_full_stop_after_the_closing_mark_also_ends_the_sentence():
    text = 'Bell said in a statement, "I am honoured by the trust". She added, "It is time."'

    quotes = find_quotes(text)
    assert [(quote.text, quote.speaker, quote.speaker_text) for quote in quotes] == [
        ("I am honoured by the trust", "Bell", "Bell"),
        ("It is time.", "Bell", "She"),
    ]
    assert text[quotes[0].sentence_start : quotes[0].sentence_end] == (
        'Bell said in a statement, "I am honoured by the trust".'
    )


@pytest.mark.parametrize(
    "text",
    [
        # The Wikinews census article's shape: the question is the census's, not a person's.
        "For weeks, the Ruiz administration has been trying to add the question, "
        '"Is this person a resident of the county?", to the upcoming census.',
        "The administration wanted to add a question to the census: "
        '"Is this person a resident of the county?"',
        'Mayor Ana Ruiz defended the ballot question: "Should the harbour be sold to the state?"',
        "Ruiz said the county would include the clause "
        '"no harbour land shall be sold without a public vote" in the charter.',
    ],
)
def test_the_wording_of_a_document_is_nobodys_speech(text):
    quotes = find_quotes("Mayor Ana Ruiz spoke on Monday. " + text)

    assert all(quote.speaker is None for quote in quotes if quote.kind == "direct")


def test_a_question_a_person_asks_stays_theirs():
    text = 'Mayor Ana Ruiz spoke on Monday. Ruiz posed the question: "Why sell it now?"'

    assert speakers(text) == [("Why sell it now?", "Ana Ruiz")]


# --------------------------------------------------------------------------------------------
# Reported speech without quotation marks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reported", "speaker"),
    [
        (
            "Zelenskyy said he would consider a ceasefire deal.",
            "he would consider a ceasefire deal",
            "Zelenskyy",
        ),
        ("Zelenskyy said on Friday that the war must end.", "the war must end", "Zelenskyy"),
        (
            "Mr. Smith told The Associated Press on Monday that the deal was dead.",
            "the deal was dead",
            "Smith",
        ),
        ("Zelenskyy told reporters it was too early.", "it was too early", "Zelenskyy"),
        ("In a statement, Sybiha said Ukraine would not wait.", "Ukraine would not wait", "Sybiha"),
        ("The plan would work, Zelenskyy said.", "The plan would work", "Zelenskyy"),
        ("The Kremlin said the proposal was absurd.", "the proposal was absurd", "Kremlin"),
        ("Officials said the talks would resume.", "the talks would resume", None),
    ],
)
def test_paraphrase_without_quotation_marks(text, reported, speaker):
    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [(reported, speaker, "paraphrase")]


@pytest.mark.parametrize(
    "text",
    [
        "Zelenskyy said nothing about the talks.",
        "Zelenskyy asked for more air defence.",
        "Zelenskyy noted the importance of the meeting.",
        "Zelenskyy wrote a letter to the leaders.",
        "Zelenskyy told the story of his first day.",
        "Zelenskyy said so.",
        "That said, the talks continue.",
        "Having said that, nobody expects a deal soon.",
    ],
)
def test_speech_verbs_without_reported_clause_make_no_quote(text):
    assert find_quotes(text) == []


@pytest.mark.parametrize(
    ("text", "reported", "written"),
    [
        (
            "When Ruiz tweeted that the harbour plan would fail, the council placed a notice on "
            "its site.",
            "the harbour plan would fail",
            "Ruiz",
        ),
        (
            "After Mayor Ruiz suggested in a late July post that the vote was rigged, the debate "
            "centred on the count.",
            "the vote was rigged",
            "Mayor Ruiz",
        ),
    ],
)
def test_reported_speech_in_an_opening_subordinate_clause_ends_at_its_comma(
    text, reported, written
):
    # "When Trump tweeted that ... voter fraud, Twitter placed a disclaimer" (Wikinews): the
    # disclaimer is not Trump's.
    quotes = find_quotes(text)

    assert [(quote.text, quote.speaker, quote.speaker_text) for quote in quotes] == [
        (reported, "Ruiz", written)
    ]


def test_subordinate_clause_ending_with_a_quotations_comma():
    text = (
        'While the board emphasized that Sloan was "ready to lead the company," the critics '
        "focused on his past."
    )

    assert speakers(text) == [('Sloan was "ready to lead the company,"', "the board")]


@pytest.mark.parametrize(
    "text",
    [
        'The study was led by Mark Hale, a marine ecologist at the institute, who said "Local '
        'management can help the reefs."',
        "The study was supported by Senator Diane Fenwick of California, the ranking Democrat, "
        'who said "Local management can help the reefs."',
    ],
)
def test_a_relative_clause_attributes_the_quotation_it_introduces(text):
    assert speakers(text)[0][0] == "Local management can help the reefs."
    assert speakers(text)[0][1] in ("Mark Hale", "Diane Fenwick")


def test_a_relative_clause_reports_no_paraphrase():
    # "..., who said taxes would rise, voted no": the words after the comma are not Hale's.
    text = "Mark Hale, who said taxes would rise, voted against the budget on Monday."

    assert speakers(text) == []


# --------------------------------------------------------------------------------------------
# According to
# --------------------------------------------------------------------------------------------


def test_according_to_at_start_end_and_middle():
    text = (
        "According to Foreign Minister Andrii Sybiha, the request was sent to all members.\n"
        "The talks will resume next week, according to Zelenskyy.\n"
        "The plan, according to the foreign minister, would protect every region.\n"
        "The vote was delayed, according to a senior official.\n"
    )
    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.kind) for q in quotes] == [
        ("the request was sent to all members", "Andrii Sybiha", "according_to"),
        ("The talks will resume next week", "Zelenskyy", "according_to"),
        (
            "The plan, according to the foreign minister, would protect every region",
            "Andrii Sybiha",  # named with that title, though Zelenskyy spoke more recently
            "according_to",
        ),
        ("The vote was delayed", None, "according_to"),
    ]


def test_according_to_a_thing_is_not_a_quote():
    assert find_quotes("The troops withdrew according to the plan.") == []
    assert find_quotes("According to the data, prices rose.") == []


# --------------------------------------------------------------------------------------------
# Cues beyond "said", and who stands before or after them
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cue",
    [
        "testified",
        "countered",
        "snapped",
        "quipped",
        "shot back",
        "fired back",
        "pointed out",
        "echoed",
        "retorted",
        "conceded",
        "joked",
    ],
)
def test_quotation_cues_beyond_said(cue):
    text = f'"The invoices were never mine to approve," Lena Marsh {cue}.'

    quotes = find_quotes(text)

    assert [(q.text, q.speaker, q.cue) for q in quotes] == [
        ("The invoices were never mine to approve", "Lena Marsh", cue)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The index snapped a four-day losing streak on Friday.",
        "The county charged the fee to every resident who applied.",
        "Lena Marsh countered the motion with one of her own.",
    ],
)
def test_quotation_cues_without_a_quotation_report_nothing(text):
    assert find_quotes(text) == []


def test_court_testimony_each_quote_to_its_speaker():
    text = (
        "The former clerk of the Dunmore water board took the stand on Monday.\n\n"
        '"I never signed a single one of those contracts," Lena Marsh testified, adding that a '
        "deputy had handled them.\n\n"
        'Prosecutor Omar Reed pressed her on the emails. "You were told in May, and you did '
        'nothing," Reed said.\n\n'
        '"Reading an email is not the same as approving it," Marsh countered.\n'
    )

    assert speakers(text) == [
        ("I never signed a single one of those contracts", "Lena Marsh"),
        ("You were told in May, and you did nothing", "Omar Reed"),
        ("Reading an email is not the same as approving it", "Lena Marsh"),
    ]


def test_lower_case_descriptions_before_the_speaker_in_both_orders():
    text = (
        '"Every sample came back clean," county spokeswoman Ada Finch said.\n\n'
        '"We will replace the main before winter," said public works director Ike Moreau.\n'
    )
    first, second = find_quotes(text)

    assert (first.speaker, first.speaker_text, first.cue) == (
        "Ada Finch",
        "county spokeswoman Ada Finch",
        "said",
    )
    assert (second.speaker, second.speaker_text) == (
        "Ike Moreau",
        "public works director Ike Moreau",
    )


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will appeal," Apex CEO Mia Chen said.', "Mia Chen"),
        ('"We will appeal," said Apex CEO Mia Chen.', "Mia Chen"),
        ('"We will appeal," Harbor Mutual spokesman Leo Varga said.', "Leo Varga"),
        ('"We will appeal," said Pentagon spokesman Navy Capt. Jon Vance.', "Jon Vance"),
        ('"We will appeal," said Ohio’s Rita Gold, a lawyer for the firm.', "Rita Gold"),
        ('"We will appeal," said former state treasurer Ana Ruiz.', "Ana Ruiz"),
        ('"We will appeal," said Sen. Jo Marsh (D-Vt.).', "Jo Marsh"),
        ('"We will appeal," said Nell Park of the Harbor League.', "Nell Park"),
    ],
)
def test_descriptor_before_the_name_is_not_the_speaker(text, speaker):
    assert [q.speaker for q in find_quotes(text)] == [speaker]


def test_name_inside_a_description_of_someone_else_is_not_the_speaker():
    text = '"We will appeal," said the former top aide to President Dan Hale.'

    assert [q.speaker for q in find_quotes(text)] == ["the former top aide"]


def test_name_after_a_preposition_is_not_the_subject():
    text = (
        "Rob Dale, president and CEO of the Harbor Restaurant Association stated, "
        '"It is not a political problem; it is a math problem."'
    )

    assert [q.speaker for q in find_quotes(text)] == [None]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Tom Field, a local clerk, said: "The count was clean."', "Tom Field"),
        ('"The count was clean," Tom Field, a local clerk, said.', "Tom Field"),
        (
            'Nora Pike, 41, of Dunmore, Pa., who runs a diner on Main Street, said: "The count '
            'was clean."',
            "Nora Pike",
        ),
        (
            "Nell Park, a longtime friend of Mrs. Gold's who was her chief of staff in the "
            'mayor\'s office, said, "The count was clean."',
            "Nell Park",
        ),
        ('Without naming Hale, Ruiz, who spoke last, said: "The count was clean."', "Ruiz"),
    ],
)
def test_apposition_between_name_and_cue(text, speaker):
    assert [q.speaker for q in find_quotes(text)] == [speaker]


def test_attribution_running_into_a_second_quotation():
    text = '"Prices will rise," said Edna Lowe, an economist at the state college, "and soon."'

    assert speakers(text) == [("Prices will rise", "Edna Lowe"), ("and soon.", "Edna Lowe")]


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        (
            'Mayor Ana Ruiz closed the meeting early, saying: "We are done here."',
            "Ana Ruiz",
            "saying",
        ),
        ('Ana Ruiz said the vote was close but added, "We are done here."', "Ana Ruiz", "added"),
        ('Ana Ruiz replied evenly, "We are done here."', "Ana Ruiz", "replied"),
        ('Ana Ruiz told the Harbor news agency simply, "We are done here."', "Ana Ruiz", "told"),
        ('Ana Ruiz said in a radio interview on Tuesday, "We are done here."', "Ana Ruiz", "said"),
        ('Ana Ruiz fired back forcefully: "We are done here."', "Ana Ruiz", "fired back"),
        ("Said Ruiz: “We are done here.”", "Ruiz", None),
    ],
)
def test_attribution_before_the_quotation(text, speaker, cue):
    quotes = find_quotes(text)

    assert [(q.speaker, q.cue) for q in quotes if q.kind == "direct"] == [(speaker, cue)]


def test_colon_closing_a_sentence_a_person_opens():
    text = 'Ana Ruiz ended her speech with a warning for the board: "Nobody is safe from this."'

    assert [q.speaker for q in find_quotes(text)] == ["Ana Ruiz"]


def test_colon_introducing_someone_elses_words_or_a_text_is_not_the_subjects():
    text = (
        'Ana Ruiz quoted the old mayor: "We build bridges, not walls, in this town."\n'
        'Ana Ruiz held up a sign that read: "No new taxes for the harbor district."\n'
        'Ana Ruiz was asked: "Will you run again next year?"\n'
    )

    assert [q.speaker for q in find_quotes(text)] == [None, None, None]


def test_name_alone_before_a_colon():
    text = 'Polls in brief - Lena Ortiz: "Turnout will decide this race."'

    assert [q.speaker for q in find_quotes(text)] == ["Lena Ortiz"]


@pytest.mark.parametrize(
    "text",
    [
        'Sam Baker said after the vote. "It was close."',
        'Sam Baker agreed. "It was close."',
        'Sam Baker said:\n\n"It was close."',
    ],
)
def test_attribution_in_the_sentence_or_paragraph_before(text):
    assert [(q.text, q.speaker) for q in find_quotes(text)] == [("It was close.", "Sam Baker")]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('Ana Ruiz called the budget "a work of fiction" on Tuesday.', "a work of fiction"),
        ('Ana Ruiz condemned "this reckless budget" in a statement.', "this reckless budget"),
        ('It was what Ruiz called "a work of fiction."', "a work of fiction."),
        ('Mr. Hale has long described the plan as "a giveaway."', "a giveaway."),
    ],
)
def test_fragment_someone_calls_something_is_theirs(text, fragment):
    quote = find_quotes(text)[0]

    assert quote.text == fragment
    assert quote.speaker in ("Ana Ruiz", "Ruiz", "Hale")


@pytest.mark.parametrize(
    "text",
    [
        'The so-called "reform" passed the council on Tuesday.',
        'She appeared on "Morning Harbor Live" on Monday to defend the plan.',
        'Supporters wore "Keep Harbor Green" caps at the rally.',
        'Critics said the <tweet id="771156540103417856"> post was deleted.',
        'Voters pick "R" or "D" out of habit, the survey found.',
    ],
)
def test_scare_quotes_titles_slogans_and_markup_are_not_speech(text):
    assert [q for q in find_quotes(text) if q.kind == "direct"] == []


def test_an_answer_of_one_word_is_not_a_statement_about_what_follows():
    text = (
        "Asked whether the county would sell the depot, Commissioner Rita Vance said no. The "
        "depot's lease ends in March, according to county records."
    )

    vance = [q for q in find_quotes(text) if q.speaker == "Rita Vance"]
    assert vance == []


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        (
            "Mayor Dana Holt took to social media, posting at 9:15 pm local time (0115 UTC) on "
            'Facebook, "Tonight, my husband and I tested positive. We will recover together."',
            "Dana Holt",
            "posting",
        ),
        (
            "Dana Holt closed the meeting early on Monday, adding in a statement released by her "
            'office in Springfield, "We will come back stronger."',
            "Dana Holt",
            "adding",
        ),
        (
            "Senator Ray Lund wrote to the committee on Tuesday, telling its members (in a "
            'two-page letter) that "the bill cannot pass in its current form."',
            "Ray Lund",
            "telling",
        ),
        (
            'Dana Holt took to Twitter at 12:54 a.m., writing "We will come back stronger."',
            "Dana Holt",
            "writing",
        ),
    ],
)
def test_participle_cue_after_times_places_and_parentheses_gives_the_clause_subject(
    text, speaker, cue
):
    assert [(q.speaker, q.cue) for q in find_quotes(text) if q.kind == "direct"] == [(speaker, cue)]


@pytest.mark.parametrize(
    "text",
    [
        'Reports said both were showing "mild symptoms".',
        "Prosecutors said Holt gave out the prescriptions to patients from three states.",
        'Witnesses told reporters the car "came out of nowhere and never slowed down".',
        'Residents said, "The water came up faster than anyone expected."',
        'A number of Senators condemned the decision as "a grave abuse of power and contrary '
        'to law".',
        'Experts warned that the virus "will keep spreading for months to come".',
        'The 14th Amendment states: "all persons born in the country are citizens of it."',
        "Companies said the rules would cost them billions of dollars.",
        "Polls said the race was close.",
        'Media said: "The talks collapsed after the delegation walked out."',
        'State media said: "The talks collapsed after the delegation walked out."',
        'The statement said: "The company deeply regrets the outage at its plant."',
    ],
)
def test_groups_and_texts_opening_the_sentence_are_nobodys(text):
    quotes = find_quotes(text)

    assert quotes and [q.speaker for q in quotes] == [None] * len(quotes)


def test_a_surname_that_is_also_a_plural_noun_stays_a_name():
    text = "Rep. Jim Banks spoke first. Banks said the bill was dead."

    assert [q.speaker for q in find_quotes(text)] == ["Jim Banks"]


@pytest.mark.parametrize(
    "text",
    [
        'Analysts at the bank said the deal "would lift prices across the board".',
        "Yesterday, authorities in the United Kingdom and the United States announced that "
        "337 suspected users were arrested.",
    ],
)
def test_a_title_or_second_name_after_a_preposition_is_not_the_subject(text):
    speakers = [q.speaker for q in find_quotes(text)]

    assert speakers == [None] * len(speakers)


@pytest.mark.parametrize(
    ("text", "speakers_found"),
    [
        (
            "Republicans attacked the inquiry, with Steve Scalise of Louisiana calling it "
            '"a sham from start to finish" and Ross Spano of Florida calling the process "a '
            'blatant and obvious coup".',
            ["Steve Scalise", "Ross Spano"],
        ),
        (
            'The mayor of London, Sadiq Khan, thanked "the police and the emergency services for '
            'their swift response".',
            ["Sadiq Khan"],
        ),
        (
            'Pence said he would accept the result, only for Trump to tweet Monday that "there is '
            'large scale voter fraud happening on Election Day."',
            ["Trump"],
        ),
        (
            '"Walter was the most brilliant scientist I have known," said the chancellor, '
            "Pradeep Khosla.",
            ["Pradeep Khosla"],
        ),
    ],
)
def test_the_speaker_is_the_subject_not_a_place_or_title_beside_it(text, speakers_found):
    assert [q.speaker for q in find_quotes(text) if q.kind == "direct"] == speakers_found


def test_a_country_after_of_is_not_the_subject():
    text = (
        "The Foreign Ministry of Iraq characterized the attack as "
        '"a serious violation of Iraqi sovereignty".'
    )

    assert "Iraq" not in [q.speaker for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Tony Mendez moved people out of danger, a process called "
        '"exfiltration, or getting them out quietly."',
        "Mr. Allen is for the time being continuing to write his morning tip sheet at Politico, "
        '"Playbook," seven days a week.',
    ],
)
def test_a_name_given_to_a_thing_is_nobodys_quote(text):
    assert [q.speaker for q in find_quotes(text)] == [None] * len(find_quotes(text))


def test_an_attribution_introducing_its_own_quote_is_not_the_previous_ones():
    text = (
        'Khosla talked of "his global leadership on the great issues of our time." Director Mia '
        'Lee said "Munk was a world treasure for ocean science."'
    )

    assert [(q.text[:10], q.speaker) for q in find_quotes(text)] == [
        ("his global", None),
        ("Munk was a", "Mia Lee"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Ana Ruiz said Sunday on Channel Four\'s "Morning Report."',
        '"We are done here," Ruiz told the hosts of "Fox and Friends" on Monday.',
    ],
)
def test_a_show_title_next_to_an_attribution_is_not_speech(text):
    assert not any(q.text.startswith(("Morning", "Fox", "Meet")) for q in find_quotes(text))


def test_a_short_answer_in_capitals_is_still_speech():
    text = '"Who will win?" a delegate asked. "Donald Trump," Burton told the delegates.'

    assert ("Donald Trump", "Burton") in [(q.text, q.speaker) for q in find_quotes(text)]


def test_a_full_name_set_off_after_a_description_is_the_subject():
    text = (
        "Dunn's mother, Charlotte Charles, said on TV, \"She didn't stop, and she never came "
        'back."'
    )

    assert [q.speaker for q in find_quotes(text)] == ["Charlotte Charles"]
