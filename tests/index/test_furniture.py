"""index.furniture: page furniture recognised by kind, prose of the same words left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.articles import load_articles
from index.furniture import KINDS, MAX_CHARS, furniture_kind, is_furniture

# Made-up lines of each kind, shaped as scraped pages show them.
FURNITURE = [
    ("paywall", "Subscribe to continue reading"),
    ("paywall", "Subscribe now for $1 a week to keep reading."),
    ("paywall", "You have reached your free article limit for this month."),
    ("paywall", "You’ve read all of your free stories. Become a member today."),
    ("paywall", "Already a subscriber? Log in"),
    ("paywall", "Not a subscriber? Start your free trial."),
    ("paywall", "Create a free account to keep reading the Valley Ledger."),
    ("paywall", "This article is only available to subscribers."),
    ("paywall", "To continue reading, please sign in or subscribe."),
    ("paywall", "Just for subscribers:"),
    ("paywall", "Support local journalism and become a digital subscriber."),
    ("advert", "ADVERTISEMENT"),
    ("advert", "Advertisement"),
    ("advert", "Story continues below advertisement"),
    ("advert", "Article continues after this ad"),
    ("advert", "Sponsored content"),
    ("newsletter", "Sign up for our morning newsletter"),
    ("newsletter", "SPORTS NEWSLETTER: Sign up now for daily updates sent to your inbox"),
    ("newsletter", "Get the Weekend Reads newsletter in your inbox every Saturday."),
    ("newsletter", "Subscribe to our free Harbor Briefing newsletter here."),
    ("newsletter", "Enter your email address"),
    ("newsletter", "By signing up, you agree to our Terms of Use and Privacy Policy."),
    ("newsletter", "Thanks for signing up!"),
    (
        "newsletter",
        "A version of this story first appeared in the Valley Ledger's Morning Memo newsletter.",
    ),
    ("cookies", "We use cookies to improve your experience on our site."),
    ("cookies", "This website uses cookies. By continuing you accept them."),
    ("cookies", "Accept all cookies"),
    ("caption", "John Raoux/AP"),
    ("caption", "MARIA LOPEZ/AFP/POOL/Getty Images"),
    ("caption", "(Photo: Getty Images)"),
    ("caption", "Photo by Dana Ruiz"),
    ("caption", "Photograph: Tom Reyes/Front Range Farmer"),
    ("caption", "Hide Caption 3 of 12"),
    ("caption", "Image caption, Rescuers search the rubble on Tuesday"),
    ("caption", "4 of 9"),
    ("caption", "Photo of the day"),
    ("caption", "Volunteers stack sandbags outside the library on Monday. Lena Park/AP"),
    ("caption", "Crews clear a fallen oak in Elm Park. Photograph: Sam Ortiz/Valley Ledger"),
    ("caption", "The dam at dawn on Sunday. (AP Photo/Rick Moss)"),
    ("caption", "Gov. Ana Reyes Jo Kent/Pool/Getty Images"),
    ("caption", "Kevin Ng/Reuters Workers pump water from a flooded basement in Elmira."),
    # A credit naming an upper-case desk, then the caption it opens.
    ("caption", "Dana Ruiz/NASA The assembled rocket rolls to the pad on Tuesday."),
    ("caption", "Civil Air Patrol/USGS Lava crosses the road near Hilo."),
    ("links", "Read more:"),
    ("links", "READ MORE: Flood insurance claims double"),
    ("links", "Related:"),
    ("links", "Related stories"),
    ("links", "More: Five things to know about the levy vote"),
    ("links", "Watch: Drone footage of the flooded valley"),
    ("links", "Click here to read the full report."),
    ("links", "JUST WATCHED Floodwaters rise in Elmira Replay More Videos"),
    ("links", "Follow us on Twitter and Facebook"),
    ("links", "Opinion: Valley Ledger's levy vote is the wrong fight"),
    ("links", "ANALYSIS:Why the levy failed twice"),
    ("links", "Follow Valley Ledger reporter Dana Ruiz on Twitter @danaruiz."),
    ("links", "Contact Dana Ruiz at druiz@valleyledger.example or 555-0100."),
    ("credits", "Our Standards: The Thomson Reuters Trust Principles."),
    ("credits", "Reporting by Dana Ruiz in Elmira; Editing by Tom Kent"),
    ("credits", "Contributing: Lena Park, Valley Ledger"),
    ("credits", "From Valley Ledger Network and wire reports"),
    ("credits", "Associated Press"),
    ("copyright", "© 2024 Example Media"),
    ("copyright", "Copyright 2024 The Associated Press. All rights reserved."),
    ("copyright", "This material may not be published, broadcast, rewritten or redistributed."),
]

# Reporting that uses the same words, which must stay.
PROSE = [
    "More than 2 million readers subscribe to her newsletter, the company said.",
    "Already a member of the council since 2019, Okafor said she would run again.",
    "Copyright lawyers say the ruling could reach far beyond music.",
    "The advertisement, which ran during the final, drew 400 complaints.",
    "Photographs of the scene show the roof torn away.",
    "A Fox News/Marquette Law School poll found 41% approve.",
    "She said talks between the SEC and UT/OU had stalled.",
    "Related charges were filed against two other men on Friday.",
    "Sign-ups for the program rose 20% this year, officials said.",
    "We use the river every day, said farmer Nate Olsen.",
    "Follow-up inspections found no damage, the agency said.",
    "The story continues a long tradition of local reporting, she said.",
    "State agriculture officials said crop losses could top $20 million.",
    "Reuters reported the deal first, citing two people familiar with it.",
    "Watch parties were held across the city.",
    "To continue reading programs for children, the library needs the levy, Soler said.",
    "The photo credit line named the agency, which declined to comment.",
    "Texas A&M/UT Austin researchers found the dam was safe.",
    "Ohio State/OSU researchers said the survey was small.",
    "In her opinion: the levy was too small, Soler said.",
    "Analysis of the ballots showed a narrow margin.",
]


@pytest.mark.parametrize(("kind", "text"), FURNITURE)
def test_each_kind_of_furniture_is_recognised(kind: str, text: str) -> None:
    assert furniture_kind(text) == kind
    assert is_furniture(text) and is_furniture(f"  {text}\n")


@pytest.mark.parametrize("text", PROSE)
def test_prose_with_the_same_words_is_not_furniture(text: str) -> None:
    assert furniture_kind(text) is None
    assert not is_furniture(text)


def test_every_kind_is_covered_and_long_or_blank_units_are_never_furniture() -> None:
    assert {kind for kind, _ in FURNITURE} == set(KINDS)
    assert not is_furniture("")
    assert not is_furniture("   ")
    long_paragraph = "Read more: " + "The levy passed by 212 votes. " * (MAX_CHARS // 20)
    assert len(long_paragraph) > MAX_CHARS and not is_furniture(long_paragraph)


# The kinds answer.py's own boilerplate pattern demoted, which this module replaces.
@pytest.mark.parametrize(
    "text",
    [
        "Hide Caption 7 of 20",
        "Photos: The week in pictures",
        "Video: Crews battle the blaze",
        "Watch: The mayor's full remarks",
        "More: Where to find sandbags",
        "Related: Flood maps redrawn",
        "Read more about the vote here.",
        "READ MORE",
        "Sign up for text alerts",
        "Click here for the live map.",
        "Lena Park/Getty Images",
        "Sam Ortiz/AP Firefighters hose down the warehouse roof.",
    ],
)
def test_the_answer_modules_boilerplate_kinds_are_covered(text: str) -> None:
    assert is_furniture(text)


# ---------------------------------------------------------------------------------------------
# Through the HTML loader

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Hail storm flattens wheat near Ridgeway</title>
<meta property="og:site_name" content="Plains Grower">
<meta property="article:published_time" content="2024-06-12T08:00:00-06:00">
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p></div>
<article>
<h1>Hail storm flattens wheat near Ridgeway</h1>
<figure><img src="wheat.jpg"><figcaption>Wheat lies flat near Ridgeway on Tuesday.
Photograph: Ana Cole/Plains Grower</figcaption></figure>
<p>Hail the size of walnuts flattened wheat across a 20-mile stretch of Lyon County on Tuesday
evening, growers said.</p>
<p>"It was over in ten minutes," said grower Jim Sato, who farms 900 acres west of Ridgeway.</p>
<div class="paywall"><p>You have reached your free article limit. Subscribe now for $1 a week to
keep reading.</p><p>Already a subscriber? Log in</p></div>
<p>County extension agents said the damage to the wheat crop could reach $12 million.</p>
<p>ADVERTISEMENT</p>
<p>Story continues below advertisement</p>
<p>Growers have until July 1 to report losses to the Farm Service Agency.</p>
<p>Read more: Hail insurance claims climb for a third year</p>
<p>Sign up for our Plains Grower newsletter</p>
<p>© 2024 Plains Grower Media</p>
</article></body></html>
"""
PROSE_LINES = [
    "Hail the size of walnuts flattened wheat",
    '"It was over in ten minutes," said grower Jim Sato',
    "County extension agents said the damage to the wheat crop could reach $12 million.",
    "Growers have until July 1 to report losses to the Farm Service Agency.",
]
FURNITURE_WORDS = [
    "free article limit",
    "Subscribe",
    "Already a subscriber",
    "ADVERTISEMENT",
    "advertisement",
    "Read more",
    "newsletter",
    "©",
    "cookies",
    "Photograph:",
]


def write_page(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def test_the_html_loader_drops_furniture_paragraphs_and_keeps_the_story(tmp_path: Path) -> None:
    path = write_page(tmp_path / "hail.html", PAGE)

    result = load_articles([path])

    assert result.problems == []
    (article,) = result.articles
    for line in PROSE_LINES:
        assert line in article.text
    for words in FURNITURE_WORDS:
        assert words not in article.text
    assert all(not is_furniture(line) for line in article.text.split("\n"))


def test_a_page_of_nothing_but_furniture_is_reported(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Members only</title></head><body><article>"
        "<p>Subscribe to continue reading.</p><p>Already a subscriber? Log in</p>"
        "<p>ADVERTISEMENT</p></article></body></html>"
    )
    path = write_page(tmp_path / "locked.html", page)

    result = load_articles([path])

    assert result.articles == []
    assert [problem.reason for problem in result.problems] == [
        "no article text found in the HTML (only page furniture)"
    ]


def test_the_hail_question_is_answered_from_the_story_not_the_furniture(
    tmp_path: Path, embedder
) -> None:
    from index.build import Builder
    from index.engine import Engine

    write_page(tmp_path / "pages" / "hail.html", PAGE)
    index_dir = tmp_path / "index"
    summary = Builder(index_dir, embedder).build([tmp_path / "pages"])
    assert summary.failed == 0, summary.problems

    engine = Engine.open(index_dir, embedder=embedder)
    answer = engine.ask("How much did the Lyon County hail storm cost wheat growers?")

    assert answer.covered
    assert "could reach $12 million" in answer.text
    for words in FURNITURE_WORDS:
        assert words not in answer.text
    # Nor is furniture indexed, where a search for its words could surface it.
    (hit,) = engine.search("free article limit subscribe advertisement newsletter", k=1)
    for passage in hit.passages:
        assert not any(words in passage.text for words in FURNITURE_WORDS)
