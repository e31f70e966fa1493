"""What a question asks for (index.question_types): its type, "latest", and which sentences
hold an answer of that type. Questions are shaped like the shipped Wikinews questions and the
news quizzes; sentences are made up."""

from __future__ import annotations

import pytest

from index.question_types import (
    checkable,
    classify,
    focus_words,
    offers,
    reports_update,
    wants_latest,
    without_latest,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how many delegates did biden pick up in south carolina?", "count"),
        ("How much did the bidder pay for the lunch?", "count"),
        ("What was the magnitude of the quake?", "count"),
        ("what percentage of California is at risk for wildfires?", "count"),
        ("what time did the notre dame fire start?", "time"),
        ("When are loan payments set to restart?", "time"),
        ("where did doris day die", "place"),
        ("Flooding hit which state this week?", "place"),
        ("who claimed the drone attack on the saudi oil plants?", "entity"),
        ("Which movie is riding at the top of the box office?", "entity"),
        ("who is Keith Kellogg?", "definition"),
        ("what's faithless hijabi?", "definition"),
        ("Who is the prime minister of Japan?", "entity"),
        ("A storm hit Florida this week. What was the name of the storm?", "entity"),
        ("What's the name of the new ferry?", "entity"),
        ("What title did the band give its album?", "entity"),
        ("What did Zelenskyy say about NATO?", "statement"),
        ("Why did the talks stall?", "other"),
    ],
)
def test_question_types(question, kind):
    assert classify(question).kind == kind


@pytest.mark.parametrize(
    ("question", "latest"),
    [
        ("What is the latest on the strike?", True),
        ("how many covid cases are there in antarctica now?", True),
        ("Is the bridge still closed?", True),
        ("Who currently leads the party?", True),
        ("What's the most recent update on the talks?", True),
        ("When did the bridge close?", False),
        ("What did the mayor know about the snow plan?", False),
    ],
)
def test_latest_questions(question, latest):
    assert wants_latest(question) is latest
    assert classify(question).latest is latest


def test_focus_words_follow_who_how_many_and_which():
    assert focus_words("who claimed the drone attack?") == ["claimed"]
    assert focus_words("How many delegates did Biden win?") == ["delegates"]
    assert focus_words("who were the astronauts on the launch?") == ["astronauts"]
    assert focus_words("how many covid cases are there now?") == ["covid", "cases"]
    # After "which" the head noun, not the words describing it ("wildly popular").
    assert focus_words("Which wildly popular show was renewed?") == ["show"]
    assert focus_words("Which two major supermarkets plan to merge?") == ["supermarkets"]
    assert focus_words("Which kind of animal was it?") == ["animal"]
    assert focus_words("Why did the talks stall?") == []


def test_asked_in_place_the_word_before_the_question_word_is_a_focus_word():
    assert focus_words("Lava could soon reach which type of infrastructure?") == [
        "infrastructure",
        "reach",
    ]
    assert focus_words("Disney this week stopped selling what in Australia?") == ["selling"]
    assert focus_words("The committee recommended suspending which MP?") == ["mp", "suspending"]
    # Not a preposition ("playing in which tournament"), nor a "what" that is no question word.
    assert focus_words("Talks on Gibraltar have stalled over what?") == []
    assert focus_words("She began what could be her final act by playing in which event?") == [
        "event"
    ]


def test_a_count_wants_a_number_not_a_date_time_or_year():
    question = "How many reservists could be called up?"
    assert offers("count", "The country will call up 300,000 reservists.", question)
    assert offers("count", "Officials expect about two thousand volunteers.", question)
    assert not offers("count", "Parliament could vote on May 9 to declare war.", question)
    assert not offers("count", "The order was signed at 9:40 on Tuesday.", question)
    assert not offers("count", "The call-up is the first since 2014.", question)
    # A number the question gives is not its answer.
    assert not offers("count", "Of the 54 delegates, most backed him.", "How many of the 54?")


def test_a_count_of_people_or_things_is_not_a_duration():
    question = "How many Russians could soon be conscripted into the military?"
    assert not offers("count", "Migrants with citizenship for less than 10 years serve.", question)
    assert not offers("count", "Service would last two years under the plan.", question)
    assert offers("count", "The order would see 300,000 reservists called up.", question)
    # Unless the question counts the durations themselves, or the number is an age.
    assert offers("count", "He served 10 years in prison.", "How many years did he serve?")
    assert offers("count", "Nine 18-year-old recruits were called up.", question)


def test_a_percentage_or_a_sum_of_money_is_what_those_questions_want():
    percent = "What percentage of the county is at risk of wildfire?"
    assert offers("count", "More than 85% of its rural land is at high risk.", percent)
    assert not offers("count", "More than 2.7 million people live in risky areas.", percent)
    money = "How much is his pay package worth?"
    assert offers("count", "The plan could be worth more than $55 billion.", money)
    assert offers("count", "The fine came to 3 million euros.", money)
    assert not offers("count", "He was awarded 12 tranches of options.", money)
    # How much something rose: a percentage or a sum.
    rise = "How much have gas prices increased in the US over the past year?"
    assert offers("count", "Gasoline prices were up nearly 60% over the year.", rise)
    assert offers("count", "The average topped $5 a gallon, up $1.60.", rise)
    assert not offers("count", "Prices rose in 12 states.", rise)


def test_what_time_wants_a_clock_time_not_a_day():
    # Wikinews shapes: "collapsed on Monday" says when, but not at what time.
    question = "what time did the magnitogorsk building collapse happen"
    assert offers("time", "The building collapsed at about 6am local time.", question)
    assert offers("time", "The train left at 11:30 am IST (0600 UTC).", question)
    assert not offers("time", "A building collapsed on Monday in Magnitogorsk.", question)
    assert not offers("time", "Rescuers worked through March 2019.", question)
    # "When" takes a day as before.
    assert offers("time", "The building collapsed on Monday.", "when did the building collapse?")


def test_a_place_is_not_a_day_or_a_month():
    question = "Where did investigators inspect the ferry?"
    assert offers("place", "Investigators inspected the ferry in Lowport.", question)
    assert not offers("place", "Investigators inspected the ferry on Monday.", question)
    assert not offers("place", "The launch is set for 8:33 a.m. ET on August 29.", question)
    # A place the question already names does not answer it.
    assert not offers("place", "The ferry sank off Lowport.", "Where near Lowport did it sink?")


def test_which_country_or_state_wants_a_place_of_that_kind_anywhere_in_the_sentence():
    # Sentence shapes from RealTimeQA's articles: the place is the subject or a possessive,
    # with no preposition before it; a city, a county or a demonym is not the answer.
    country = "Which country's lawmakers urged officials to show no leniency to protesters?"
    assert offers("place", "The letter was signed by 227 of Iran's 290 members.", country)
    assert not offers("place", "Iranian lawmakers urged the judiciary to act.", country)
    assert not offers("place", "The letter was cited by state-run Press TV in Tehran.", country)
    truss = "Liz Truss became the new prime minister of which country this week?"
    assert offers("place", "Liz Truss has become the United Kingdom's new prime minister.", truss)
    assert not offers("place", "Truss was appointed by the Queen at a castle in Scotland.", truss)
    state = "Which state has the most confirmed cases of monkeypox?"
    assert offers("place", "California has the most cases: 4,300.", state)
    assert not offers("place", "There have been almost 22,000 cases in the US this year.", state)
    assert not offers("place", "A man in Harris County died last month.", state)
    # The question's own country does not answer it.
    assert not offers("place", "Iran's parliament met.", "Which country did Iran's envoy visit?")
    # Plural and qualified forms ask the same ("U.S." does not end the question's sentence).
    for asked in (
        "Which U.S. state has the most cases?",
        "Which Indian state recorded the highest temperature?",
        "Which South American countries signed the pact?",
        "Which of the states voted first?",
        "Name the country with the most wind farms.",
    ):
        assert classify(asked).kind == "place", asked
    assert offers("place", "Oregon has the most cases.", "Which U.S. state has the most cases?")
    assert classify("What did the state say about the cuts?").kind != "place"
    # "Where" questions keep the preposition test.
    assert not offers("place", "California has the most cases.", "Where was the case found?")


def test_a_who_question_wants_a_name_it_does_not_give():
    question = "who claimed the drone attack on the saudi oil plants?"
    assert offers("entity", "The Yemen-based Houthi movement claimed responsibility.", question)
    assert not offers("entity", "Fires burned at the oil plants for hours.", question)
    # A name opening the sentence counts; a capitalised opener is not a name.
    record = "Who holds the major league record with 73 home runs?"
    assert offers("entity", "Barry Bonds set the major league record with 73 home runs.", record)
    assert not offers("entity", "After Maris retired, the record stood for 37 years.", record)
    assert not offers("entity", "The Yankees hit 73 home runs at home.", record)
    # "Which X" questions: nearly every news sentence names something; no name test there.
    assert not offers("entity", "Crowds met Prince Harry in London.", "Which show was renewed?")


def test_a_question_asking_for_a_name_wants_the_name_of_that_thing():
    question = "Florida was hit by a tropical storm. What was the name of the storm?"
    assert checkable("entity", question)
    assert offers("entity", "Subtropical Storm Nicole is forecast to strengthen.", question)
    assert offers("entity", "A new storm, named Nicole, formed on Monday.", question)
    # Any other name does not say what the storm was called; nor does the question's own.
    assert not offers("entity", "In Volusia County, 49 homes were condemned.", question)
    assert not offers("entity", "The tropical storm hit Florida on Monday.", question)
    assert not offers("entity", "The storm hit Florida, Governor Ron DeSantis said.", question)


def test_an_updated_figure():
    assert reports_update("By Friday the number of cases rose to 58.")
    assert reports_update("So far 12 people have been arrested.")
    assert not reports_update("Officials reported 36 cases on Monday.")


def test_a_month_alone_is_a_time_and_a_title_before_a_name_describes_it():
    assert offers("time", "In mid-September, the judge died after a long illness.", "When?")
    assert offers("time", "The talks resumed in March.", "When did the talks resume?")
    assert offers("definition", "Foreign Secretary Dana Ruiz urged calm.", "who is Dana Ruiz?")
    assert offers(
        "definition", "Secretary of Justice Ana Reyes Soto was sworn in.", "who is Ana Reyes?"
    )


def test_a_time_relative_to_the_story_answers_when():
    assert offers("time", "Updated boosters will be available next month.", "When will it ship?")
    assert offers("time", "The bridge reopens later this year.", "When does the bridge reopen?")
    assert offers("time", "Talks resume in two weeks, the envoy said.", "When do talks resume?")
    assert offers(
        "time",
        "The rocket hit another snag, and it will be at least a few weeks before NASA tries again.",
        "When will NASA next attempt to launch the rocket?",
    )
    # A duration is not when; nor is "last year" or "this week", said of everything in news.
    assert not offers("time", "The strike lasted for two weeks.", "When did the strike end?")
    assert not offers("time", "Shops reopened this week.", "When did shops reopen?")
    assert not offers(
        "time", "Kilauea has been erupting since last year.", "When did Mauna Loa last erupt?"
    )


def test_words_asking_when_or_for_the_latest_are_not_story_words():
    assert "latest" not in without_latest("What is the latest on Brexit?")
    assert "place" not in without_latest("Where did the launch take place?")
    assert "Brexit" in without_latest("What is the latest on Brexit?")


def test_only_types_with_a_test_for_their_answer_are_testable():
    # A "which" question's answer is a name, but nearly every news sentence names something.
    assert checkable("entity", "Who claimed the attack?")
    assert not checkable("entity", "Which show was renewed for a second season?")
    assert checkable("entity", "What was the name of the storm?")
    assert checkable("count", "How many people died?")
    assert not checkable("other", "Why did the talks stall?")
