"""Sample articles and helpers shared by the ``index.quotes`` tests.

The customer's Sky News article on Zelenskyy and NATO (verbatim) and a made-up wire story written
the way wire copy is written.
"""

from __future__ import annotations

from index.quotes import Quote, find_quotes
from index.sentences import split_sentences

# The customer's article, verbatim (including its mismatched quotation marks and the typo
# "Sybiha’s renewed").
ZELENSKYY = """\
Ukrainian president Volodymyr Zelenskyy said Friday he would consider a ceasefire deal to end the “hot phase of the war” against Russia in exchange for NATO membership of unoccupied territories, saying the occupied territories could be returned later diplomatically.
In an interview with Sky News, Zelenskyy said it’s a scenario that could work provided the NATO invitation recognizes Ukraine’s internationally accepted borders.
"If we want to stop the hot phase of the war, we need to take under the NATO umbrella the territory of Ukraine that we have under our control," Zelenskyy told Sky News. “We need to do it fast. And then on the [occupied] territory of Ukraine, Ukraine can get them back in a diplomatic way."
It’s a proposal that "no one has ever offered ... to us officially,” Zelenskyy said.
Further, Zelenskyy said he would need assurances that Russian President Vladimir Putin doesn’t come back for more of Ukraine. NATO, he said, should “immediately” cover Ukrainian territories it still controls, “otherwise [Putin] will come back.”
Zelenskyy’s interview comes the same day as a report that Ukrainian Foreign Minister Andrii Sybiha urged his NATO counterparts to issue an invitation at a meeting in Brussels next week to Kyiv to join the military alliance. In a letter, Sybiha’s renewed the push to secure an invitation to join NATO, an effort that would show Putin that he could not achieve one of his main goals — preventing Kyiv from becoming a NATO member.
Zelenskyy’s interview with Sky News is a departure from previous statements he’s made, once saying Ukraine "will never exchange any status for any of our territories,” the Kyiv Independent reported.
However, Zelenskyy’s new position could be a direct result of President-elect Donald Trump’s victory earlier this month.
"We have to work with the new president" in order to "have the biggest supporter,” Zelenskyy told Sky News.
"I want to work with him directly because there are different voices from people around him. And that's why we need not to [allow] anybody around to destroy our communication," he said.
"We have to try to find the new model. I want to share with him ideas and I want to hear from him."
Zelenskyy said he last spoke with Trump in September.
“It was a very good meeting and it was an important first step — now we have to prepare some meetings."
Trump on Wednesday tapped Keith Kellogg, a retired lieutenant general who has presented him with a plan to end the war in Ukraine, to serve as a special envoy for the conflict.
Information from Reuters was used in this report.
"""  # noqa: E501

# A made-up wire story: a minister and a president alternating, titles and pronouns.
BRUSSELS = """\
KYIV, Ukraine — Ukraine’s foreign minister, Andrii Sybiha, urged NATO allies on Tuesday to act before the winter.
"We cannot wait for another summit," Sybiha told reporters in Brussels. "Every week of delay costs lives."
President Volodymyr Zelenskyy, speaking later in Kyiv, struck a more cautious tone.
"We are realistic about what our partners can do," the president said. "But we expect clarity."
The minister, asked about the timing, said the alliance had "no reason to wait."
“Our soldiers are holding the line,” Zelenskyy said, “and they deserve an answer.”
According to Sybiha, the request was sent to all 32 members.
A NATO spokesperson declined to comment.
"""  # noqa: E501


def by_text(quotes: list[Quote], fragment: str) -> Quote:
    """The one quote whose text contains ``fragment``."""
    found = [quote for quote in quotes if fragment in quote.text]
    assert len(found) == 1, f"{fragment!r}: {[q.text for q in quotes]}"
    return found[0]


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(quote.text, quote.speaker) for quote in find_quotes(text)]


def assert_invariants(text: str, quotes: list[Quote]) -> None:
    previous = -1
    sentences = split_sentences(text)
    starts = {sentence.start for sentence in sentences}
    ends = {sentence.end for sentence in sentences}
    for quote in quotes:
        # The context is whole sentences as split_sentences splits them.
        assert quote.sentence_start in starts or quote.sentence_start == quote.start
        assert quote.sentence_end in ends or quote.sentence_end == quote.end
        assert text[quote.start : quote.end] == quote.text
        assert quote.text == quote.text.strip() and quote.text
        assert quote.sentence_start <= quote.start < quote.end <= quote.sentence_end
        assert quote.sentence_end <= len(text)
        assert quote.kind in ("direct", "according_to", "paraphrase")
        assert quote.speaker is None or quote.speaker.strip() == quote.speaker != ""
        assert quote.cue is None or quote.cue.strip() == quote.cue != ""
        assert isinstance(quote.aliases, tuple) and quote.speaker not in quote.aliases
        assert quote.speaker is not None or quote.aliases == ()
        assert quote.start >= previous, "quotes are in document order"
        previous = quote.start
