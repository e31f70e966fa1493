"""Finding quotations in an article and putting them together: :func:`find_quotes`.

* A direct quotation is attributed by an attribution touching it: right after the closing mark,
  or right before the opening mark (``X said: "..."``, ``X said that "..."``). A name that is
  merely mentioned in the sentence never makes its bearer the speaker.
* A quotation without its own attribution inherits a speaker in two cases only: it shares a
  sentence with an attributed quotation, joined by a few lower-case words (``"..." in order to
  "...," Zelenskyy said``); or its sentences are entirely quotation and directly follow an
  attributed statement (the continuing-quote convention, including a quote that runs over a
  paragraph break with no closing mark).
* Quotation fragments inside reported speech (``Zelenskyy said he would end the “hot phase of
  the war”``) are part of that paraphrase's text and are not reported separately.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from index.sentences import Span, split_paragraphs, split_sentences

from .attribution import (
    _ACCORDING,
    _AFTER_CLOSE,
    _ANCHOR,
    _COORDINATED,
    _INVERTED,
    _LEAD_TAIL,
    _SUBJECT_MISSES,
    _SUBJECT_REACH,
    _VERB_HIT,
    _WORD_STARTS,
    _Anchor,
    _anchor,
    _clause_start,
    _skip_adverbials,
)
from .marks import _Marks, _mask, _pair_marks, _trim
from .patterns import _OSP
from .people import (
    _DEMONYM_ENDINGS,
    _DEMONYMS,
    _SENTENCE_SUBJECT,
    _collect_people,
    _fold,
    _Mention,
    _Ref,
    _Resolver,
    _split_title,
)


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation or reported statement in an article.

    Attributes
    ----------
    text : str
        The quoted words exactly as in the article, without the outer quotation marks (for
        reported speech: the reported clause, or the whole sentence when the attribution sits
        in its middle, as in "NATO, he said, should ...").
    start, end : int
        Offsets of ``text`` in the article: ``article_text[start:end] == text``.
    speaker : str | None
        The speaker's name as the article gives it in full where known ("Volodymyr
        Zelenskyy" even where the attribution says "Zelenskyy"); ``None`` if unattributed.
    sentence_start, sentence_end : int
        The whole sentence(s) holding the quotation and its attribution, for showing it in
        context. Always contains ``start:end``.
    kind : str
        ``"direct"`` (in quotation marks), ``"according_to"`` ("according to X, ...") or
        ``"paraphrase"`` ("X said (that) ..." without quotation marks).
    """

    text: str
    start: int
    end: int
    speaker: str | None
    sentence_start: int
    sentence_end: int
    kind: str


_BLANK = re.compile(r"\s*")
_COMMA = re.compile(rf"{_OSP},")
_MID_SENTENCE = re.compile(rf"{_OSP},{_OSP}(?=[^\s\"“‘'])")
_SENTENCE_END = re.compile(r"\s*+(?:[.!?…]++\s*+)?")
_CLAUSE_END = re.compile(r"[^\S\n]*(?:[.!?;]|\n|$)")
# A few lower-case words between two quotations ("in order to"); possessive quantifiers keep
# a failing match linear.
_LOWER_WORDS_ONLY = re.compile(r"[\s,]*+(?:[a-z][\w’'-]*+[\s,]*+){0,8}+")
_QUOTE_ONLY_TAIL = re.compile(r"[\s.,;:!?…)\]]*")


@dataclass(slots=True)
class _Statement:
    start: int
    end: int
    kind: str
    context_start: int
    context_end: int
    ref: _Ref | None = None
    ref_position: int = 0
    marks: _Marks | None = None
    attributed: bool = False
    speaker: str | None = None


class _Finder:
    """One run of :func:`find_quotes` over one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences: list[Span] = split_sentences(text)
        self._sentence_starts = [span.start for span in self.sentences]
        self.marks: list[_Marks] = []
        for paragraph in split_paragraphs(text):
            self.marks.extend(_pair_marks(text, paragraph.start, paragraph.end))
        self.masked = _mask(text, self.marks)
        self.people = _collect_people(self.masked)

    def sentence_index(self, position: int) -> int:
        return max(0, bisect_right(self._sentence_starts, position) - 1)

    def run(self) -> list[Quote]:
        anchors = self._anchors()
        mentions = self._mentions(anchors)
        statements = self._direct(anchors)
        statements += self._reported(anchors)
        statements.sort(key=lambda statement: (statement.start, statement.end))
        statements = self._drop_absorbed(statements)
        resolver = _Resolver(self.people, mentions)
        for statement in statements:
            if statement.ref is not None:
                statement.speaker = resolver.resolve(statement.ref, statement.ref_position)
        self._inherit(statements)
        return [self._quote(statement) for statement in statements]

    # -- attributions -----------------------------------------------------------------------

    def _anchors(self) -> list[_Anchor]:
        masked = self.masked
        anchors: list[_Anchor] = []
        taken = 0  # attributions don't overlap
        for verb in _VERB_HIT.finditer(masked):
            if verb.start() and _WORD_STARTS.match(masked, verb.start()) is None:
                continue  # inside a word ("unsaid")
            sentence = self.sentences[self.sentence_index(verb.start())]
            reach = max(taken, sentence.start, verb.start() - _SUBJECT_REACH)
            starts = [word.start() for word in _WORD_STARTS.finditer(masked, reach, verb.start())]
            # Try subjects nearest first, then keep extending leftwards while the longer
            # subject still fits: "Foreign Minister Andrii Sybiha", not just "Sybiha".
            found = None
            misses = 0
            for start in reversed(starts):
                longer = _ANCHOR.fullmatch(masked, start, verb.end())
                if longer:
                    found = longer
                elif found is not None:
                    break
                else:
                    misses += 1
                    if misses > _SUBJECT_MISSES:
                        break
            if found is not None:
                anchor = _anchor(found, self.people)
                if anchor is not None:
                    anchors.append(anchor)
                    taken = anchor.end
        if "ccording" in masked:
            for match in _ACCORDING.finditer(masked):
                anchor = _anchor(match, self.people)
                if anchor is not None:
                    anchors.append(anchor)
        anchors.sort(key=lambda anchor: anchor.start)
        self._anchor_starts = [anchor.start for anchor in anchors]
        return anchors

    def _mentions(self, anchors: list[_Anchor]) -> list[_Mention]:
        """People who spoke (named attributions) or open a sentence as its subject."""
        mentions: list[_Mention] = []
        for anchor in anchors:
            if anchor.ref.kind == "name":
                mentions.append(self._mention(anchor.start, anchor.ref.value.split()))
        for sentence in self.sentences:
            found = _SENTENCE_SUBJECT.match(self.masked, sentence.start, sentence.end)
            if not found:
                continue
            tokens, _title = _split_title(found.group("name"))
            if tokens and (len(tokens) >= 2 or self._lone_name(tokens[0])):
                mentions.append(self._mention(found.start("name"), tokens))
        return mentions

    def _lone_name(self, token: str) -> bool:
        """Whether a single capitalised word opening a sentence is a person's name: the article
        gave it a full name, or capitalises it mid-sentence too and it is not a nationality
        ("Zelenskyy thanked him" yes; "Ukrainian forces", "Prices rose" no)."""
        key = _fold(token)
        if key in self.people.full:
            return True
        lower = token.lower()
        if lower.endswith(_DEMONYM_ENDINGS) or lower in _DEMONYMS:
            return False
        return key in self.people.proper

    def _mention(self, position: int, tokens: Sequence[str]) -> _Mention:
        name = self.people.display(tokens)
        return _Mention(position, _fold(tokens[-1]), name, self.people.is_person(tokens))

    def _trailing(self, quote: _Marks, inner_text: str) -> _Anchor | None:
        assert quote.close is not None
        position = quote.close + 1
        gap = _AFTER_CLOSE.match(self.masked, position)
        if gap is None:
            return None
        start = gap.end()
        candidates = (
            _ANCHOR.match(self.masked, start),
            _INVERTED.match(self.masked, position),
            _ACCORDING.match(self.masked, start),
        )
        for found in candidates:
            if found is None:
                continue
            anchor = _anchor(found, self.people)
            if anchor is None:
                continue
            # After '"We will win."' a capitalised attribution may start a new sentence of
            # reported speech ('Zelenskyy said the army ...'), which does not attribute the
            # quote; '"We will win." Zelenskyy said.' still does.
            if (
                anchor.capitalised
                and inner_text.endswith(".")
                and found.re is _ANCHOR
                and not _CLAUSE_END.match(
                    self.masked, _skip_adverbials(self.masked, anchor.end, anchor.verb)
                )
            ):
                return None
            return anchor
        return None

    def _direct(self, anchors: list[_Anchor]) -> list[_Statement]:
        openings = {quote.open: quote for quote in self.marks}
        leading: dict[int, _Anchor] = {}
        for anchor in anchors:
            position = anchor.end
            if anchor.verb != "according":
                position = _skip_adverbials(self.masked, position, anchor.verb)
            elif not self._opens_sentence(anchor.start):
                continue  # "according to X" introduces a quote only at the sentence start
            tail = _LEAD_TAIL.match(self.masked, position)
            if tail and tail.end() in openings:
                leading.setdefault(tail.end(), anchor)
        statements: list[_Statement] = []
        self._trailing_used: set[int] = set()
        self._leading_used: set[int] = set()
        for quote in self.marks:
            start, end = _trim(self.text, quote.open + 1, quote.inner_end, terminal=False)
            if start >= end:
                continue
            statement = _Statement(
                start,
                end,
                "direct",
                quote.open,
                quote.inner_end + (quote.close is not None),
                marks=quote,
            )
            anchor = None
            if quote.close is not None:
                anchor = self._trailing(quote, self.text[start:end])
                if anchor is not None:
                    self._trailing_used.add(anchor.start)
            if anchor is None and quote.open in leading:
                anchor = leading[quote.open]
                self._leading_used.add(anchor.start)
            if anchor is not None:
                statement.ref = anchor.ref
                statement.ref_position = anchor.start
                statement.attributed = True
                statement.context_start = min(statement.context_start, anchor.start)
                statement.context_end = max(statement.context_end, anchor.end)
            statements.append(statement)
        return statements

    def _opens_sentence(self, position: int) -> bool:
        sentence = self.sentences[self.sentence_index(position)]
        return _BLANK.fullmatch(self.masked, sentence.start, position) is not None

    def _reported(self, anchors: list[_Anchor]) -> list[_Statement]:
        """Paraphrase and "according to" statements, in document order."""
        statements: list[_Statement] = []
        covered_until = -1
        for index, anchor in enumerate(anchors):
            if anchor.start in self._leading_used or anchor.start < covered_until:
                continue
            sentence = self.sentences[self.sentence_index(anchor.start)]
            if anchor.verb == "according":
                if anchor.start in self._trailing_used:
                    continue
                statement = self._according(anchor, sentence)
            else:
                statement = self._paraphrase(anchor, sentence, anchors, index + 1)
            if statement is not None:
                statements.append(statement)
                covered_until = statement.end
        return statements

    def _paraphrase(
        self, anchor: _Anchor, sentence: Span, anchors: list[_Anchor], later: int
    ) -> _Statement | None:
        masked = self.masked
        position = _skip_adverbials(masked, anchor.end, anchor.verb)
        clause = _clause_start(masked, anchor.end, position, anchor.verb)
        if clause is not None and clause < sentence.end:
            end = sentence.end
            for other in anchors[later:]:
                if other.start >= sentence.end:
                    break
                joint = _COORDINATED.search(masked, max(clause, other.start - 16), other.start)
                if joint:
                    end = joint.start()
                    break
            start, end = _trim(self.text, clause, end, terminal=True)
            if start >= end:
                return None
            return _Statement(
                start,
                end,
                "paraphrase",
                anchor.start,
                end,
                ref=anchor.ref,
                ref_position=anchor.start,
                attributed=True,
            )
        if anchor.start in self._trailing_used:
            return None
        return self._around(anchor, position, sentence, "paraphrase")

    def _around(self, anchor: _Anchor, after: int, sentence: Span, kind: str) -> _Statement | None:
        """Attribution inside or at the end of a sentence, set off by commas:
        "NATO, he said, should ..." and "The plan would work, he said." """
        masked = self.masked
        comma = anchor.start
        while comma > sentence.start and masked[comma - 1].isspace():
            comma -= 1
        if comma <= sentence.start or masked[comma - 1] != ",":
            return None
        comma -= 1
        head_end = comma
        while head_end > sentence.start and masked[head_end - 1].isspace():
            head_end -= 1
        if head_end <= sentence.start or masked[head_end - 1] in "\"”’'":
            return None  # the comma closes a direct quotation: that's its trailing attribution
        if bisect_right(self._anchor_starts, comma) > bisect_right(
            self._anchor_starts, sentence.start - 1
        ):
            return None  # someone else speaks earlier in the sentence: whose words are these?
        if _MID_SENTENCE.match(masked, after, sentence.end):
            start, end = _trim(self.text, sentence.start, sentence.end, terminal=True)
        elif _SENTENCE_END.fullmatch(masked, after, sentence.end):
            start, end = _trim(self.text, sentence.start, comma, terminal=False)
        else:
            return None
        if start >= end:
            return None
        return _Statement(
            start,
            end,
            kind,
            sentence.start,
            sentence.end,
            ref=anchor.ref,
            ref_position=anchor.start,
            attributed=True,
        )

    def _according(self, anchor: _Anchor, sentence: Span) -> _Statement | None:
        masked = self.masked
        if self._opens_sentence(anchor.start):
            # "According to X, the plan would work."
            comma = _COMMA.match(masked, anchor.end, sentence.end)
            if comma is None:
                return None
            start, end = _trim(self.text, comma.end(), sentence.end, terminal=True)
            if start >= end:
                return None
            return _Statement(
                start,
                end,
                "according_to",
                sentence.start,
                sentence.end,
                ref=anchor.ref,
                ref_position=anchor.start,
                attributed=True,
            )
        return self._around(anchor, anchor.end, sentence, "according_to")

    # -- putting statements together ---------------------------------------------------------

    def _drop_absorbed(self, statements: list[_Statement]) -> list[_Statement]:
        """Drop unattributed quotation fragments inside reported speech: they are part of it."""
        kept: list[_Statement] = []
        reach = -1  # furthest end of the reported speech seen so far (statements are sorted)
        for statement in statements:
            if statement.kind != "direct":
                reach = max(reach, statement.end)
            elif not statement.attributed and statement.end <= reach + 1:
                continue
            kept.append(statement)
        return kept

    def _entirely_quoted(self, statement: _Statement) -> bool:
        marks = statement.marks
        assert marks is not None
        first = self.sentences[self.sentence_index(marks.open)]
        last = self.sentences[self.sentence_index(max(marks.open, statement.context_end - 1))]
        if _BLANK.fullmatch(self.masked, first.start, marks.open) is None:
            return False
        if marks.close is None:
            return True
        return _QUOTE_ONLY_TAIL.fullmatch(self.masked, marks.close + 1, last.end) is not None

    def _sentence_range(self, statement: _Statement) -> tuple[int, int]:
        return (
            self.sentence_index(statement.context_start),
            self.sentence_index(max(statement.context_start, statement.context_end - 1)),
        )

    def _inherit(self, statements: list[_Statement]) -> None:
        """Give unattributed direct quotations the speaker of the quotation they belong to."""
        for index, statement in enumerate(statements):
            if statement.attributed or statement.marks is None:
                continue
            donor = self._same_sentence_donor(statements, index)
            if donor is None and index > 0:
                previous = statements[index - 1]
                if previous.attributed and self._continues(previous, statement):
                    donor = previous
            if donor is not None:
                statement.speaker = donor.speaker
                statement.attributed = True
        # A quote left open at a paragraph's end takes the speaker named at the end of its
        # continuation in the next paragraph.
        for index in range(len(statements) - 2, -1, -1):
            statement, following = statements[index], statements[index + 1]
            if (
                not statement.attributed
                and statement.marks is not None
                and statement.marks.close is None
                and following.attributed
                and following.marks is not None
                and following.marks.open == following.marks.paragraph_start
            ):
                statement.speaker = following.speaker
                statement.attributed = True

    def _same_sentence_donor(self, statements: list[_Statement], index: int) -> _Statement | None:
        statement = statements[index]
        assert statement.marks is not None
        low, high = self._sentence_range(statement)
        for other_index in (index + 1, index - 1):
            if not 0 <= other_index < len(statements):
                continue
            other = statements[other_index]
            if other.kind != "direct" or not other.attributed or other.marks is None:
                continue
            other_low, other_high = self._sentence_range(other)
            if other_high < low or other_low > high:
                continue
            if other_index > index:
                if statement.marks.close is None:
                    continue
                between = (statement.marks.close + 1, other.marks.open)
            else:
                if other.marks.close is None:
                    continue
                between = (other.marks.close + 1, statement.marks.open)
            if 0 <= between[1] - between[0] <= 80 and _LOWER_WORDS_ONLY.fullmatch(
                self.masked, *between
            ):
                return other
        return None

    def _continues(self, previous: _Statement, statement: _Statement) -> bool:
        assert statement.marks is not None
        if (
            previous.marks is not None
            and previous.marks.close is None
            and statement.marks.open == statement.marks.paragraph_start
        ):
            return True
        _, previous_last = self._sentence_range(previous)
        first, _ = self._sentence_range(statement)
        return first == previous_last + 1 and self._entirely_quoted(statement)

    def _quote(self, statement: _Statement) -> Quote:
        low, high = self._sentence_range(statement)
        sentence_start = min(self.sentences[low].start, statement.start)
        sentence_end = max(self.sentences[high].end, statement.end)
        return Quote(
            text=self.text[statement.start : statement.end],
            start=statement.start,
            end=statement.end,
            speaker=statement.speaker,
            sentence_start=sentence_start,
            sentence_end=sentence_end,
            kind=statement.kind,
        )


def find_quotes(text: str) -> list[Quote]:
    """Find the quotations and reported statements in an article and attribute them.

    Parameters
    ----------
    text : str
        The article text (or any passage of it; offsets index into what is passed).

    Returns
    -------
    list[Quote]
        All quotations in document order: direct quotations (in quotation marks), "according
        to X" statements and reported speech ("X said (that) ..."). ``speaker`` is ``None``
        where the text does not say who is speaking.

    Examples
    --------
    >>> [(q.text, q.speaker) for q in find_quotes('"We need to do it fast," Zelenskyy said.')]
    [('We need to do it fast', 'Zelenskyy')]
    """
    if not text.strip():
        return []
    return _Finder(text).run()
