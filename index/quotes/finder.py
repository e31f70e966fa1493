"""Finding quotations in an article and putting them together: :func:`find_quotes`.

* A direct quotation is attributed by an attribution touching it: right after the closing mark
  (``"...," Zelenskyy said``, ``"...," said county treasurer Ana Ruiz``; only descriptors may
  stand between the mark and the speaker), or right before the opening mark (``X said: "..."``,
  ``X said that "..."``, ``X said in a statement, "..."``, ``led by Mark Hay, a marine
  ecologist, who said "..."``: a relative clause attributes quotations only, never a
  paraphrase, whose clause may run past its comma). A name that is merely mentioned in
  the sentence never makes its bearer the speaker. After a quotation ending its sentence
  (``"... idea."`` or ``"... idea".``) a capitalised attribution opens a new sentence, and
  attributes the quotation only when it says nothing more than who spoke, to whom, where or
  when (``"We will win." Zelenskyy said.``, ``... told reporters on Friday.``, ``... said,
  adding ...``): ``Biden called Antifa an "idea." Trump continued his claims that ...`` is
  Biden's fragment and Trump's own statement. (After ``?"`` and ``!"`` the next words are
  still the quotation's attribution, as news style has it: ``"Why now?" Trump asked
  reporters during a news conference.``)
* Without such an attribution, a quotation is its sentence subject's in four shapes: after a
  participle cue (``Clinton claimed victory, saying: "..."``), after a colon closing a sentence
  that a person opens (``Rubio fired back forcefully: "..."``), after a name alone and a colon
  (``Carl Bialik: "..."``), and as a fragment a person calls something (``Trump called the plan
  "a fantasy"``). A quotation opening the sentence after an attribution sentence with nothing
  to report (``Baker agreed. "It was close."``) is that speaker's. The participle may stand a
  dozen words of time, place and medium before the quotation (``took to social media, posting
  at 12:54 am local time (0454 UTC) on Twitter, "..."``), but a few quoted words that far away
  are a title; the subject of an absolute participle is the name before it (``with Scalise
  of Louisiana calling it "..."``, ``only for Trump to tweet Monday that "..."``), a bare name
  set off after a title is the speaker (``The mayor of London, Sadiq Khan, thanked "..."``),
  and a naming participle is nobody's speech (``a process called "exfiltration"``).
* A body or a group named after a person is not that person: a sentence subject such as ``The
  Trump campaign described Taylor as "..."`` or ``The Biden administration said: "..."`` is
  kept as written, as a title is ("the Trump campaign", like "the campaign said" gives "the
  campaign"; :func:`.speaker_matches` never answers a question about Trump with it); a group of
  people (``Trump allies``, ``the Trump family``, ``Trump's lawyers``) is nobody we can name.
* The wording of a question, clause or label put into (or taken out of) a document is that
  text's, nobody's speech: ``trying to add the question, "Is this person a citizen ...?", to
  the census``, ``wanted to add a question to the census: "..."``, ``the ballot question:
  "..."``. A question someone asks (``Rubio posed the question: "..."``) stays theirs.
* An attribution that introduces a quotation of its own (``Leinen said "..."``) does not also
  attribute the sentence-final quotation before it.
* A quotation without its own attribution inherits a speaker in two cases only: it shares a
  sentence with an attributed quotation, joined by a few lower-case words (``"..." in order to
  "...," Zelenskyy said``); or it opens the sentence right after an attributed statement, in
  the same paragraph or as a paragraph of quotation only (the continuing-quote convention,
  including a quote that runs over a paragraph break with no closing mark, into the very next
  paragraph only).
* An interview transcript's turns (:mod:`.transcript`) are direct quotations of the person
  its speaker marker names; the interviewer's questions are not quotations.
* Reported speech in a subordinate clause opening the sentence ends at its comma: in ``When
  Trump tweeted that mail-in ballots would result in fraud, Twitter placed a disclaimer`` the
  disclaimer is not Trump's.
* A quotation's context (``sentence_start``, ``sentence_end``) is the whole sentences, as
  :func:`index.sentences.split_sentences` splits them, that hold the quotation and its
  attribution, and no others.
* Quotation fragments inside reported speech (``Zelenskyy said he would end the “hot phase of
  the war”``) are part of that paraphrase's text and are not reported separately; short
  unattributed quotations inside a sentence (scare quotes, titles of works, slogans, markup
  attribute values) are not speech and are not reported, nor are titles of shows and works
  next to an attribution (``said on ABC's "This Week."``, ``told the hosts of "Fox and
  Friends"``: a few words in title case, or after a possessive).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from index.sentences import Span, split_paragraphs, split_sentences

from .attribution import (
    _ACCORDING,
    _ADDRESSEE_VERBS,
    _AFTER_CLOSE,
    _ANCHOR,
    _CLAUSE_STOP,
    _COORDINATED,
    _COORDINATED_CUE,
    _INVERTED,
    _LEAD_TAIL,
    _OF_PLACE,
    _PAREN,
    _PARTICIPLE_BEFORE,
    _PARTICIPLES,
    _PRE_VERB,
    _SUBJECT_MISSES,
    _SUBJECT_REACH,
    _TOLD_TAIL,
    _TRAILING_GAP,
    _TRAILING_REACH,
    _VERB_HIT,
    _WORD_STARTS,
    _Anchor,
    _anchor,
    _clause_start,
    _is_group,
    _skip_adverbials,
    _with_descriptors,
)
from .marks import _MASK, _Marks, _mask, _pair_marks, _trim
from .patterns import _OSP, _SP, _UPPER, _words
from .people import (
    _BODY_HEADS,
    _GROUP_NOUNS,
    _NAME,
    _NAME_RUN,
    _ORG_WORDS,
    _PRONOUN_GENDER,
    _SENTENCE_SUBJECT,
    _collect_people,
    _fold,
    _Mention,
    _Ref,
    _Resolver,
    _split_title,
    _written_title,
)
from .transcript import _Turn, _turns


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
        ``"direct"`` (in quotation marks, or a paragraph of an interview answer after a
        speaker marker: the speaker's own words), ``"according_to"`` ("according to X, ...")
        or ``"paraphrase"`` ("X said (that) ..." without quotation marks).
    cue : str | None
        The speech verb or phrase of the attribution as written, one space between words
        ("said", "testified", "shot back", "according to", "saying"); ``None`` when the
        speaker comes from the context (a continuing quotation) or from a colon alone.
    speaker_text : str | None
        The attribution's subject as written in the text ("county spokeswoman Jane Doe",
        "she", "the governor", an interview's speaker marker "Kurtzer"); ``None`` when the
        quotation has no attribution of its own.
    aliases : tuple[str, ...]
        Other ways the article refers to the speaker: its spellings of the name (surname
        alone, full name, variants) and the descriptions it ties to the person ("county
        spokeswoman", "the president"). Empty when ``speaker`` is ``None``.
    """

    text: str
    start: int
    end: int
    speaker: str | None
    sentence_start: int
    sentence_end: int
    kind: str
    cue: str | None = None
    speaker_text: str | None = None
    aliases: tuple[str, ...] = ()


_BLANK = re.compile(r"\s*")
_COMMA = re.compile(rf"{_OSP},")
_MID_SENTENCE = re.compile(rf"{_OSP},{_OSP}(?=[^\s\"“‘'])")
_SENTENCE_END = re.compile(r"\s*+(?:[.!?…]++\s*+)?")
_CLAUSE_END = re.compile(r"[^\S\n]*(?:[.!?;]|\n|$)")
# A few lower-case words between two quotations ("in order to"); possessive quantifiers keep
# a failing match linear.
_LOWER_WORDS_ONLY = re.compile(r"[\s,]*+(?:[a-z][\w’'-]*+[\s,]*+){0,8}+")
_QUOTE_ONLY_TAIL = re.compile(r"[\s.,;:!?…)\]]*")
_GAP_MARKS = " \t\r\n.,;:!?…"


# An unattributed quotation inside a sentence this short is a term, a title or a slogan.
_SCARE_WORDS = 4
_MARKUP_BEFORE = frozenset("=")
# Titles of shows and works: at most this many words, capitalised but for these.
_TITLE_WORDS = 7
_TITLE_FUNCTION_WORDS = _words("the a an of and or with in on for to at by")
_INNER_STOP = re.compile(r"[.!?;:,]\s")
_POSSESSIVE_BEFORE = re.compile(r"[\w][’']s[^\S\n]*$")
# A fragment its sentence's subject calls something or judges by its words: 'Trump called the
# plan "a fantasy"', 'Merkel condemned "...", 'Moore thanked him for "..."'.
_CALLED = re.compile(
    rf"(?:has{_SP}|have{_SP}|had{_SP}|is{_SP}|was{_SP})?(?P<cue>(?:call|describ|dub|label|labell"
    rf"|term|brand|deem|characteriz|characteris|condemn|denounc|decri|prais|hail|tout|laud|blast"
    rf"|slam|criticiz|criticis|mock|derid|dismiss|ridicul|accus|thank|warn|promis|vow|pledg"
    rf"|urg|demand)(?:e[ds]?|ed|s|ing|ied|ies)?)(?![\w’'-])"
    rf"(?:{_SP}(?:[^.!?\"“”\n{_MASK}]|\.(?=\d)){{1,50}}?)??"
    rf"(?:{_SP}(?:as|for|of|against|over|about|to))?{_OSP}$"
)
# Naming verbs: as a participle right before a quotation they name something, nobody speaks.
_NAMING_STEMS = ("call", "dub", "term", "label", "brand", "describ", "characteri")
# Words before a naming verb that make it someone's: 'which he called "', 'Ruiz has called "'.
_SUBJECT_WORDS = _words("he she they we i you who has have had also once repeatedly publicly")
# Up to this many words between a participle cue and its quotation, any quotation is speech.
_SHORT_GAP = 6
# The subject of an absolute or "for ... to" participle: 'only for Trump to tweet Monday that "'.
_ABSOLUTE_SUBJECT = re.compile(rf"(?<![\w’'])(?:with|for){_SP}(?P<name>{_NAME}){_SP}{_PRE_VERB}$")
# The subject right before a cue: 'what Gilbert called "', 'with Trump reportedly yelling: "'.
# 'Steve Scalise of Louisiana calling "'; 'The mayor of London, Sadiq Khan, thanked "': a bare
# name set off by commas is the subject, not the name before it.
_NAME_BEFORE_CUE = re.compile(
    rf"(?<![\w’'.-])(?P<name>{_NAME}){_PAREN}?{_OF_PLACE}?"
    rf"(?:,(?P<appos>[^,\n]{{1,80}}),)?{_SP}{_PRE_VERB}$"
)
# A sentence closed by a colon before a quotation: 'Rubio fired back forcefully: "'. Its subject
# is the speaker unless the sentence introduces someone else's words or a text that is not
# speech ('X quoted Y:', 'a sign that read:', 'X was asked:').
_COLON_END = re.compile(rf":{_OSP}$")
_NOT_OWN_WORDS = re.compile(
    r"\b(?:quot|cit(?:ed|ing|es)|read|recit|titl|headline|sign|banner|slogan|according|caption"
    r"|motto|label|poster|shirt|placard|heard|remember|recall|(?:was|were|been|being)\s+"
    r"(?:asked|told|quoted))"
)
_COLON_REACH = 240  # characters before a colon where its sentence's subject may be
# A quotation that is the wording of a question, clause or label being put into (or taken out
# of) a document, or of a census or ballot question, is that text, nobody's speech: 'trying to
# add the question, "Is this person a citizen ...?", to the census', 'wanted to add a question
# to the census: "..."', 'the ballot question: "..."'. A quotation the subject asks ('Rubio
# posed the question: "..."') or adds to a speech ('added a line: "..."') stays theirs.
_DOCUMENT_NOUNS = (
    r"census|ballot|survey|poll|form|questionnaire|referendum|exam|test|application|bill|law"
    r"|constitution|treaty|policy|regulation|rule|document|contract|agreement|label|package"
)
_CONTENT_NOUNS = (
    r"questions?|clauses?|provisions?|wording|checkbox|box|item|entry|option|labels?"
    r"|inscription|caption"
)
_CONTENT_OF_TEXT = re.compile(
    rf"(?:(?<![\w’'])(?:add|adds|added|adding|include|includes|included|including|insert"
    rf"|inserts|inserted|inserting|put|puts|putting|print|prints|printed|printing|restore"
    rf"|restores|restored|restoring|remove|removes|removed|removing|drop|drops|dropped"
    rf"|dropping|strike|strikes|struck|striking|delete|deletes|deleted|deleting|reinstate"
    rf"|reinstates|reinstated|reinstating|contain|contains|contained|containing)"
    rf"{_SP}(?:[\w’'-]+{_SP}){{0,3}}?(?:{_CONTENT_NOUNS})"
    rf"|(?<![\w’'])(?:{_DOCUMENT_NOUNS}){_SP}(?:questions?|clauses?|provisions?|wording)"
    rf"|(?<![\w’'])(?:questions?|clauses?|provisions?|wording))"
    rf"(?P<place>{_SP}(?:on|in|to|into|from|of|for)(?:{_SP}[\w’'-]+){{1,4}}?)?{_OSP}[,:]?{_OSP}$"
)
# One of them is in every match of _CONTENT_OF_TEXT: a cheap test before the regex.
_CONTENT_WORDS = (
    "question", "clause", "provision", "wording", "box", "item", "entry", "option", "label",
    "inscription", "caption",
)  # fmt: skip
_DOCUMENT_AFTER = re.compile(rf"(?<![\w’'])(?:{_DOCUMENT_NOUNS})(?![\w’'-])")
# A name alone before a colon, at a paragraph's start or after a dash: 'Carl Bialik: "'.
_NAME_COLON = re.compile(rf"(?:^|.*{_SP}[-–—]{_SP})(?P<name>{_NAME}):{_OSP}$", re.DOTALL)
# An inverted attribution opening its sentence: 'Said Ellis: "'.
_SAID_FIRST = re.compile(
    rf"\s*(?:Said|Says|Added|Adds|Asked|Wrote|Writes){_SP}(?P<name>{_NAME}){_PAREN}?"
    rf"(?:,[^,\n]{{1,80}})?[:,]{_OSP}$"
)
# A body word right after a capitalised word makes it a modifier: "The Montreal team".
_BODY_AFTER = re.compile(rf"{_SP}(?:{'|'.join(sorted(_BODY_HEADS | _ORG_WORDS))})\b")
# A body or a group after a name makes it one named after the person: "The Trump campaign
# described ...", "Trump allies said: ...". The name is not the speaker.
_GROUP_AFTER = re.compile(
    rf"{_SP}(?P<word>{'|'.join(sorted(_BODY_HEADS | _GROUP_NOUNS))})(?![\w-])"
)
_THE_BEFORE = re.compile(rf"(?<![\w’'])[Tt]he{_SP}$")
_LEADING_PRONOUN = re.compile(r"\s*(?P<pron>[Hh]e|[Ss]he)(?=[^\S\n]+[a-z])")
_INDEFINITE = _words("a an one another each every some any")
_PREPOSITIONS = _words("of for at with by from to in on about against between among under over")
_LAST_WORD = re.compile(r"(?:^|(?<=\s))([\w’'-]+)(?:\s+(?:the|a|an))?\s*$")
# A name set off by commas right before a cue: "Dunn's mother, Charlotte Charles, said".
_APPOSED_NAME = re.compile(rf",{_SP}(?P<name>{_NAME}),{_SP}{_PRE_VERB}$")
# A preposition's object before "and": "in Britain and (the United States said)".
_OBJECT_BEFORE = re.compile(
    rf"(?<![\w’'])(?:{'|'.join(sorted(_PREPOSITIONS))}){_SP}(?:the{_SP})?{_NAME}{_OSP}$"
)
# A relative clause between a name and its cue: 'Mark Hay, a marine ecologist, who said "'. The
# apposition starts in lower case ("In Paris, Jones, who said" is Jones).
_WHO_BEFORE = re.compile(rf",{_SP}who{_SP}{_PRE_VERB}$")
_RELATIVE_NAME = re.compile(
    rf"(?<![\w’'.-])(?P<name>{_NAME}){_PAREN}?{_OF_PLACE}?"
    rf"(?:,{_SP}(?![{_UPPER}])[^,;:!?\"“”\n{_MASK}]{{2,120}}?)?$"
)
# A sentence opening with a subordinate clause: an attribution in it reports up to the comma.
_SUBORDINATE_OPENING = re.compile(
    r"\s*(?:When|After|Before|If|Although|Though|Because|Since|Once|Until|Unless|While|Whereas"
    r"|Even\s+though|Even\s+if|Just\s+as)\b"
)
# What may follow the cue of an attribution that opens the sentence after its quotation (past
# its addressee and adverbials): the sentence's end, after a place, an occasion or an audience
# ('Trump said in response to a question.', '... said to reporters.', '... to cheers.'; not
# 'went on to cite ...'), or a participle going on ('Trump said, adding ...').
_BARE_ATTRIBUTION = re.compile(
    rf"(?:{_SP}(?:(?:of|about|from|via|through|with|for|in|on|at|during|after|before|while|when)"
    rf"\b|to{_SP}(?:(?:the|a|an|his|her|their|its|our|my|this|that|these|those|applause"
    rf"|laughter)\b|[{_UPPER}]|[a-z]+(?<!s)s\b))[^.!?\n\"“”{_MASK}]{{0,80}}?)?"
    rf"{_OSP}(?:[.!?]|\n|$)"
    rf"|,?{_SP}(?:{_PARTICIPLES})\b",
)
# Attribution clauses that continue into a second quotation: '"...," said X, an economist, "..."'.
_ATTRIBUTION_GOES_ON = re.compile(rf"(?:,{_SP}[^;:!?\"“”\n{_MASK}]{{1,160}}?)?[,:]\s*$")


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
    cue: str | None = None
    speaker_text: str | None = None
    turn: bool = False  # a paragraph of an interview turn


class _Finder:
    """One run of :func:`find_quotes` over one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences: list[Span] = split_sentences(text)
        self._sentence_starts = [span.start for span in self.sentences]
        self.marks: list[_Marks] = []
        self.paragraphs = split_paragraphs(text)
        for paragraph in self.paragraphs:
            self.marks.extend(_pair_marks(text, paragraph.start, paragraph.end))
        self.masked = _mask(text, self.marks)
        self.people = _collect_people(self.masked)

    def sentence_index(self, position: int) -> int:
        return max(0, bisect_right(self._sentence_starts, position) - 1)

    def run(self) -> list[Quote]:
        anchors = self._anchors()
        mentions = self._mentions(anchors)
        statements = self._direct(anchors)
        # '"...," said Ryan Cloutier. "...," he continued': who spoke last, for "he".
        mentions += [
            self._mention(anchor.start, anchor.ref.value.split())
            for anchor in self._inverted
            if anchor.ref.kind == "name"
        ]
        statements += self._reported(anchors)
        turns, asked = _turns(self.text, self.paragraphs, self.people, self._narrative)
        statements += [self._turn_statement(turn) for turn in turns]
        statements.sort(key=lambda statement: (statement.start, statement.end))
        statements = self._drop_absorbed(statements)
        resolver = _Resolver(self.people, mentions)
        for statement in statements:
            if statement.ref is not None:
                statement.speaker = resolver.resolve(statement.ref, statement.ref_position)
        self._inherit(statements)
        statements = [statement for statement in statements if not self._not_speech(statement)]
        if turns or asked:
            statements = self._outside_turns(statements, turns, asked)
        self._aliases: dict[str, list[str]] = {}
        for statement in statements:
            ref = statement.ref
            speaker = statement.speaker
            if ref is not None and ref.kind == "title" and speaker not in (None, ref.written):
                self._aliases.setdefault(speaker, []).append(ref.written)
        return [self._quote(statement) for statement in statements]

    # -- interview transcripts ----------------------------------------------------------------

    def _narrative(self, paragraph: Span, speaker: str | None) -> bool:
        """Whether a paragraph without a speaker marker is the article speaking about the
        speaker ("Wayne Tseng also shared ...", "Tseng said ...") rather than the speaker."""
        if speaker is None:
            return False
        key = _fold(speaker.split()[-1])
        first = self.sentence_index(paragraph.start)
        last = self.sentence_index(max(paragraph.start, paragraph.end - 1))
        for index in range(first, last + 1):
            name = self._sentence_subjects.get(index)
            if name is not None and _fold(name.split()[-1]) == key:
                return True
        low = bisect_right(self._anchor_starts, paragraph.start - 1)
        high = bisect_right(self._anchor_starts, paragraph.end)
        return any(
            anchor.ref.kind == "name" and _fold(anchor.ref.value.split()[-1]) == key
            for anchor in self._anchor_list[low:high]
        )

    def _turn_statement(self, turn: _Turn) -> _Statement:
        statement = _Statement(
            turn.start,
            turn.end,
            "direct",
            turn.paragraph_start,
            turn.end,
            ref=None if turn.speaker is None else _Ref("name", turn.speaker),
            ref_position=turn.paragraph_start,
            attributed=True,
            speaker_text=turn.speaker_text,
            turn=True,
        )
        return statement

    @staticmethod
    def _outside_turns(
        statements: list[_Statement], turns: list[_Turn], asked: list[Span]
    ) -> list[_Statement]:
        """Drop what a turn already says: statements inside a turn that are the turn
        speaker's own ("As I said, ...") or nobody's, and nobody's inside a question."""
        spans = sorted(
            [(turn.start, turn.end, turn.speaker) for turn in turns]
            + [(span.start, span.end, None) for span in asked]
        )
        starts = [span[0] for span in spans]
        kept = []
        for statement in statements:
            index = bisect_right(starts, statement.start) - 1
            if not statement.turn and index >= 0:
                _start, end, speaker = spans[index]
                if statement.end <= end and statement.speaker in (None, speaker):
                    continue
            kept.append(statement)
        return kept

    # -- attributions -----------------------------------------------------------------------

    def _anchors(self) -> list[_Anchor]:
        masked = self.masked
        anchors: list[_Anchor] = []
        self._anchor_at_verb: dict[int, _Anchor] = {}
        taken = 0  # attributions don't overlap
        for verb in _VERB_HIT.finditer(masked):
            if verb.start() and _WORD_STARTS.match(masked, verb.start()) is None:
                continue  # inside a word ("unsaid")
            sentence = self.sentences[self.sentence_index(verb.start())]
            reach = max(taken, sentence.start, verb.start() - _SUBJECT_REACH)
            starts = [word.start() for word in _WORD_STARTS.finditer(masked, reach, verb.start())]
            anchor = self._subject(starts, verb.end(), verb.start())
            if anchor is None:
                anchor = self._apposed(verb, max(reach, sentence.start))
            if anchor is None:
                anchor = self._relative(verb, max(reach, sentence.start))
            if anchor is None:
                anchor = self._coordinated(anchors, sentence, verb)
            if anchor is not None:
                _with_descriptors(masked, anchor, max(reach, sentence.start))
                anchors.append(anchor)
                self._anchor_at_verb[verb.start()] = anchor
                taken = anchor.end
        if "ccording" in masked:
            for match in _ACCORDING.finditer(masked):
                anchor = _anchor(match, self.people)
                if anchor is not None:
                    anchors.append(anchor)
        anchors.sort(key=lambda anchor: anchor.start)
        self._anchor_starts = [anchor.start for anchor in anchors]
        self._anchor_list = anchors
        return anchors

    def _subject(self, starts: list[int], verb_end: int, verb_start: int) -> _Anchor | None:
        """The attribution ending in the cue at ``verb_end``, with the longest subject that
        fits: subjects are tried nearest first, then further left past words that don't fit
        ("Foreign Minister Andrii Sybiha", "Harry Bond, 30, of Raleigh, N.C., who ..., said")."""
        masked = self.masked
        best = None
        found_names: list[_Anchor] = []  # named subjects, nearest first
        misses = 0
        # A comma before the cue ends an apposition, which may be long.
        comma = masked[max(0, verb_start - 4) : verb_start].rstrip().endswith(",")
        limit = _SUBJECT_MISSES * 3 if comma else _SUBJECT_MISSES
        for start in reversed(starts):
            found = _ANCHOR.fullmatch(masked, start, verb_end)
            if found is None or (best is not None and not self._fits_apposition(found)):
                misses += 1
                if misses > limit:
                    break
                continue
            anchor = _anchor(found, self.people)
            if anchor is not None:
                best = anchor
                if anchor.ref.kind == "name":
                    found_names.append(anchor)
        if best is not None and best.ref.kind in ("name", "title"):
            # "president and CEO of Washington Restaurant Association stated", "analysts at the
            # bank said": a name or title after a preposition is not the subject; nor is the
            # second of two objects ("authorities in Britain and the United States announced").
            last = _LAST_WORD.search(masked, max(0, best.start - 20), best.start)
            if last is not None and last.group(1) in _PREPOSITIONS:
                # "President of Argentina Alberto Fernández said": the person's own name, as
                # the article writes it in full, is the subject after all.
                return next(
                    (
                        anchor
                        for anchor in reversed(found_names)
                        if anchor.start > best.start and self._full_name(anchor)
                    ),
                    None,
                )
            if (
                last is not None
                and last.group(1) in ("and", "or")
                and _OBJECT_BEFORE.search(masked, max(0, last.start(1) - 80), last.start(1))
            ):
                return None
            indefinite = last is not None and last.group(1).lower() in _INDEFINITE
            if best.ref.kind == "name" and indefinite:
                # "a New Hampshire Republican said", "one senior Democrat said".
                best.ref = _Ref("anon", best.ref.value)
        return best

    def _apposed(self, verb: re.Match[str], floor: int) -> _Anchor | None:
        """A full name set off by commas after a description that is no title: "Dunn's
        mother, Charlotte Charles, said"."""
        found = _APPOSED_NAME.search(self.masked, max(floor, verb.start() - 120), verb.start())
        if found is None or found.start() == floor:
            return None
        tokens, _title = _split_title(found.group("name"))
        if len(tokens) < 2 or not self.people.is_person(tokens):
            return None
        return self._named_anchor(found, verb, tokens)

    def _named_anchor(
        self, found: re.Match[str], verb: re.Match[str], tokens: tuple[str, ...], **flags: bool
    ) -> _Anchor:
        """The attribution of the person named ``tokens`` in ``found``'s "name" group."""
        return _Anchor(
            found.start("name"),
            verb.end(),
            _Ref("name", self.people.display(tokens)),
            " ".join(verb.group().split()),
            False,
            found.start("name"),
            found.end("name"),
            **flags,
        )

    def _relative(self, verb: re.Match[str], floor: int) -> _Anchor | None:
        """A person's name, set off by an apposition or not, before "who" and the cue: "The
        research was led by Mark Hay, a marine ecologist, who said "..."". It attributes the
        quotation it introduces, never a paraphrase (:attr:`_Anchor.reporting`)."""
        who = _WHO_BEFORE.search(self.masked, max(floor, verb.start() - 40), verb.start())
        if who is None:
            return None
        found = _RELATIVE_NAME.search(self.masked, max(floor, who.start() - 200), who.start())
        if found is None:
            return None
        tokens, _title = _split_title(found.group("name"))
        if not tokens or not self.people.is_person(tokens) or _is_group(tokens):
            return None
        if len(tokens) == 1 and not self._lone_name(tokens[0]):
            return None
        return self._named_anchor(found, verb, tokens, relative=True)

    def _full_name(self, anchor: _Anchor) -> bool:
        """Whether a named subject is written as the article's full name of a person."""
        tokens, _title = _split_title(self.masked[anchor.subject_start : anchor.subject_end])
        known = self.people.full.get(_fold(tokens[-1])) if tokens else None
        return known == tokens and self.people.is_person(tokens)

    def _coordinated(self, anchors: list[_Anchor], sentence: Span, verb: re.Match[str]):
        """A cue sharing the subject of the attribution before it in its sentence."""
        if not anchors or anchors[-1].start < sentence.start:
            return None
        if _COORDINATED_CUE.search(
            self.masked, max(sentence.start, verb.start() - 12), verb.start()
        ):
            previous = anchors[-1]
            return _Anchor(
                verb.start(),
                verb.end(),
                previous.ref,
                " ".join(verb.group().split()),
                False,
                previous.subject_start,
                previous.subject_end,
            )
        return None

    @staticmethod
    def _fits_apposition(found: re.Match[str]) -> bool:
        """An apposition after a name describes; it does not start with another bare name
        ("Without naming Trump, Clinton, who spoke later, said": Clinton speaks)."""
        apposition = found.group("appos")
        if apposition is None or found.group("name") is None:
            return True
        first = apposition[1:-1].split(",", 1)[0].strip()
        return _NAME_RUN.fullmatch(first) is None

    def _mentions(self, anchors: list[_Anchor]) -> list[_Mention]:
        """People who spoke (named attributions) or open a sentence as its subject."""
        mentions: list[_Mention] = []
        for anchor in anchors:
            if anchor.ref.kind == "name":
                mentions.append(self._mention(anchor.start, anchor.ref.value.split()))
        self._sentence_subjects: dict[int, str] = {}
        for index, sentence in enumerate(self.sentences):
            found = _SENTENCE_SUBJECT.match(self.masked, sentence.start, sentence.end)
            if not found or self._modifier(found.end("name")):
                continue  # "The Montreal team found ...": a modifier, not a person
            tokens, start, _end = self._subject_name(found)
            if tokens and (len(tokens) >= 2 or self._lone_name(tokens[0])):
                mention = self._mention(start, tokens)
                mentions.append(mention)
                self._sentence_subjects[index] = mention.name
        return mentions

    def _modifier(self, name_end: int) -> bool:
        """Whether the name ending at ``name_end`` modifies a body or group after it ("The
        Montreal team", "the Trump campaign", "Trump allies") instead of naming a person."""
        return bool(
            _BODY_AFTER.match(self.masked, name_end) or _GROUP_AFTER.match(self.masked, name_end)
        )

    def _group_subject(self, found: re.Match[str]) -> tuple[_Ref, int, int] | None:
        """A sentence subject that is a body or a group named after a person: "The Trump
        campaign described ...", "Trump allies said: ...". "The" and a body word keep the
        description as the speaker, as written ("the Trump campaign", like "the campaign"); a
        group of people ("Trump allies", "the Trump family") is nobody we can name."""
        group = _GROUP_AFTER.match(self.masked, found.end("name"))
        if group is None or not _split_title(found.group("name"))[0]:
            return None  # "The campaign, pushing ...": no name in it
        start = found.start("name")
        the = _THE_BEFORE.search(self.masked, max(0, start - 4), start)
        if the is not None:
            start = the.start()
        phrase = self.text[start : group.end()]
        word = group.group("word")
        if phrase[:4] in ("The ", "the ") and word in _BODY_HEADS:
            return _Ref("title", word, _written_title(phrase)), start, group.end()
        return _Ref("anon", phrase), start, group.end()

    @staticmethod
    def _subject_name(found: re.Match[str]) -> tuple[tuple[str, ...], int, int]:
        """The name tokens of a sentence subject and where they are written; for a title set
        off by a name ("A Republican Assemblywoman, Jill Tolles, commented"), the name."""
        tokens, _title = _split_title(found.group("name"))
        appos = found.group("appos")
        if not tokens and appos is not None and _NAME_RUN.fullmatch(appos.strip()):
            tokens, _title = _split_title(appos.strip())
            return tokens, found.start("appos"), found.end("appos")
        return tokens, found.start("name"), found.end("name")

    def _lone_name(self, token: str) -> bool:
        """Whether a single capitalised word opening a sentence is a person's name: the article
        gave it a full name, or capitalises it mid-sentence too and it is not a nationality
        or a group ("Zelenskyy thanked him" yes; "Ukrainian forces", "Prices rose",
        "Republicans said" no)."""
        key = _fold(token)
        if key in self.people.full:
            return True
        return (
            not _is_group((token,))
            and not self.people.collective((token,))
            and key in self.people.proper
        )

    def _mention(self, position: int, tokens: Sequence[str]) -> _Mention:
        name = self.people.display(tokens)
        return _Mention(position, _fold(tokens[-1]), name, self.people.is_person(tokens))

    def _trailing(self, quote: _Marks, inner_text: str) -> _Anchor | None:
        """The attribution right after a closing mark: '"...," she said', '"...," said X',
        '"...," State spokesman Mark Toner said'."""
        assert quote.close is not None
        masked = self.masked
        position = quote.close + 1
        gap = _AFTER_CLOSE.match(masked, position)
        if gap is None:
            return None
        start = gap.end()
        anchor = self._subject_after(start)
        if anchor is not None:
            # After '"We will win."' (or '"We will win".') a capitalised attribution starts a
            # new sentence. It attributes the quote only when it says nothing more: '"We will
            # win." Zelenskyy said.', '... Zelenskyy told reporters on Friday.', '... Zelenskyy
            # said, adding ...'. One going on with reported speech ('Zelenskyy said the army
            # ...', 'Trump continued his claims that ...', 'Biden claimed the plan would ...'),
            # or introducing a quotation of its own ('"...time." Leinen said "Munk has been
            # ..."'), is a statement of its own.
            first = start
            if masked.startswith(".", start):
                first = _BLANK.match(masked, start + 1).end()
            if (
                masked[first : first + 1].isupper()
                and (inner_text.endswith(".") or first > start)
                and not _BARE_ATTRIBUTION.match(
                    masked, _skip_adverbials(masked, anchor.end, anchor.verb)
                )
            ):
                return None
            return anchor
        for found in (_INVERTED.match(masked, position), _ACCORDING.match(masked, start)):
            if found is not None:
                anchor = _anchor(found, self.people)
                if anchor is not None:
                    self._inverted.append(anchor)
                    return anchor
        return None

    def _subject_after(self, start: int) -> _Anchor | None:
        """An attribution whose subject follows ``start`` after descriptors only, with its cue
        the first one in the clause."""
        masked = self.masked
        stop = _CLAUSE_STOP.search(masked, start, start + _TRAILING_REACH)
        limit = stop.start() if stop else min(len(masked), start + _TRAILING_REACH)
        for verb in _VERB_HIT.finditer(masked, start, limit):
            if verb.start() and _WORD_STARTS.match(masked, verb.start()) is None:
                continue
            anchor = self._anchor_at_verb.get(verb.start())
            if anchor is None or anchor.start < start:
                return None
            gap = _TRAILING_GAP.match(masked, start, anchor.start)
            return anchor if gap is not None and gap.end() == anchor.start else None
        return None

    def _direct(self, anchors: list[_Anchor]) -> list[_Statement]:
        openings = {quote.open: quote for quote in self.marks}
        leading: dict[int, _Anchor] = {}
        for anchor in anchors:
            position = anchor.end
            if anchor.verb != "according to":
                position = _skip_adverbials(self.masked, position, anchor.verb)
            elif not self._opens_sentence(anchor.start):
                continue  # "according to X" introduces a quote only at the sentence start
            tail = _LEAD_TAIL.match(self.masked, position)
            if tail is None and anchor.verb in _ADDRESSEE_VERBS:
                tail = _TOLD_TAIL.match(self.masked, anchor.end)
            if tail and tail.end() in openings:
                leading.setdefault(tail.end(), anchor)
        statements: list[_Statement] = []
        self._inverted: list[_Anchor] = []  # attributions found after their quotation
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
                    self._goes_on(anchor, openings, leading)
            if anchor is None and quote.open in leading:
                anchor = leading[quote.open]
                self._leading_used.add(anchor.start)
            if anchor is None:
                anchor = self._previous_sentence(quote, anchors)
                if anchor is not None:
                    self._leading_used.add(anchor.start)
            if anchor is not None:
                self._attribute(statement, anchor.ref, anchor.start, anchor.verb)
                statement.speaker_text = self.text[anchor.subject_start : anchor.subject_end]
                statement.context_start = min(statement.context_start, anchor.start)
                statement.context_end = max(statement.context_end, anchor.end)
            else:
                self._sentence_subject(statement, anchors)
            statements.append(statement)
        return statements

    def _goes_on(self, anchor: _Anchor, openings: dict, leading: dict[int, _Anchor]) -> None:
        """'"...," said Edward Leamer, an economist, "...": the attribution of one quotation
        running into the next one's opening mark attributes that one too."""
        stop = _CLAUSE_STOP.search(self.masked, anchor.end, anchor.end + 200)
        if stop is None or stop.start() not in openings:
            return
        if _ATTRIBUTION_GOES_ON.search(self.masked, anchor.end, stop.start()) is not None:
            leading.setdefault(stop.start(), anchor)

    @staticmethod
    def _attribute(statement: _Statement, ref: _Ref, position: int, cue: str | None) -> None:
        statement.ref = ref
        statement.ref_position = position
        statement.attributed = True
        statement.cue = cue

    def _previous_sentence(self, quote: _Marks, anchors: list[_Anchor]) -> _Anchor | None:
        """'Baker agreed. "It was close."': an attribution sentence that reports nothing
        itself, right before a quotation opening the next sentence of the same paragraph."""
        index = self.sentence_index(quote.open)
        if index == 0 or not self._opens_sentence(quote.open):
            return None
        previous = self.sentences[index - 1]
        if previous.end < quote.paragraph_start:
            return None
        found = bisect_right(self._anchor_starts, previous.end) - 1
        if found < 0 or anchors[found].start < previous.start:
            return None
        anchor = anchors[found]
        if anchor.verb == "according to":
            return None
        after = _skip_adverbials(self.masked, anchor.end, anchor.verb)
        if not _SENTENCE_END.fullmatch(self.masked, after, quote.open):
            return None
        return anchor

    def _sentence_subject(self, statement: _Statement, anchors: list[_Anchor]) -> None:
        """Shapes whose speaker is the subject of the quotation's sentence."""
        masked = self.masked
        marks = statement.marks
        assert marks is not None
        index = self.sentence_index(marks.open)
        sentence = self.sentences[index]
        floor = max(sentence.start, marks.paragraph_start)
        if marks.open > floor and masked[marks.open - 1] in _MARKUP_BEFORE:
            return
        window = max(floor, marks.open - 160)
        if self._content_of_text(window, marks.open):
            # 'add the question, "Is this person a citizen ...?"': a text, nobody's words.
            self._attribute(statement, _Ref("anon", "text"), marks.open, None)
            return
        found = _PARTICIPLE_BEFORE.search(masked, window, marks.open)
        if found is not None and not self._title_after_long_gap(statement, found):
            cue = found.group("cue")
            absolute = _ABSOLUTE_SUBJECT.search(masked, window, found.start("cue"))
            if absolute is not None:
                # 'only for Trump to tweet Monday that "', 'with Ruiz adding: "'.
                tokens, _title = _split_title(absolute.group("name"))
                if tokens:
                    ref = _Ref("name", self.people.display(tokens))
                    self._attribute(statement, ref, absolute.start("name"), cue)
                    statement.speaker_text = absolute.group("name")
                    return
            self._subject_of(statement, anchors, index, found.start(), cue)
            return
        found = _CALLED.search(masked, window, marks.open)
        if found is not None:
            if self._naming(found, marks.open):
                return  # 'a process called "exfiltration"': a name, not anyone's words
            self._subject_of(statement, anchors, index, found.start(), found.group("cue"))
            return
        said = _SAID_FIRST.match(masked, floor, marks.open)
        named = said or _NAME_COLON.match(masked, marks.paragraph_start, marks.open)
        if named is not None:
            tokens, _title = _split_title(named.group("name"))
            if len(tokens) >= 2 or (said and tokens):
                name = self.people.display(tokens)
                self._attribute(statement, _Ref("name", name), named.start("name"), None)
                statement.speaker_text = self.text[named.start("name") : named.end("name")]
                return
        colon = marks.open
        if _BLANK.fullmatch(masked, marks.paragraph_start, marks.open) and marks.paragraph_start:
            # 'Cruz called them on it:' closing the paragraph before.
            colon = len(masked[: marks.paragraph_start].rstrip())
            index = self.sentence_index(max(0, colon - 1))
            floor = self.sentences[index].start
        found = _COLON_END.search(masked, max(floor, colon - 8), colon)
        if (
            found is not None
            and not _NOT_OWN_WORDS.search(masked, max(floor, colon - _COLON_REACH), colon)
            and not self._reports_before(anchors, self.sentences[index].start, found.start())
        ):
            self._subject_of(statement, anchors, index, found.start(), None)

    def _content_of_text(self, window: int, open_mark: int) -> bool:
        """Whether the quotation opening at ``open_mark`` is the wording of a question, clause
        or label of a document (see :data:`_CONTENT_OF_TEXT`)."""
        before = self.masked[window:open_mark]
        if not any(noun in before for noun in _CONTENT_WORDS):
            return False
        found = _CONTENT_OF_TEXT.search(self.masked, window, open_mark)
        if found is None:
            return False
        if not found.group().lower().startswith(("question", "clause", "provision", "wording")):
            return True  # a verb of putting into a document, or a document's question
        place = found.group("place")
        # A bare question is a document's only when one is named: 'a question to the census:'.
        return place is not None and _DOCUMENT_AFTER.search(place) is not None

    def _after_preposition(self, position: int) -> bool:
        """Whether a name at ``position`` is a preposition's object ("the ministry of Iraq"),
        not the subject of an absolute construction ("with Scalise calling")."""
        last = _LAST_WORD.search(self.masked, max(0, position - 20), position)
        return last is not None and last.group(1) in _PREPOSITIONS - {"with", "for"}

    def _title_after_long_gap(self, statement: _Statement, found: re.Match[str]) -> bool:
        """A few quoted words a dozen words after a participle are a title or a term ('is
        continuing to write his morning tip sheet at Politico, "Playbook,"'), not speech."""
        gap = self.masked[found.end("cue") : found.end()].split()
        words = self.text[statement.start : statement.end].split()
        return len(gap) > _SHORT_GAP and len(words) <= _SCARE_WORDS

    def _naming(self, found: re.Match[str], open_mark: int) -> bool:
        """Whether a naming verb is a participle giving something its name ('a process called
        "exfiltration"', 'a program at the hall called "Learning Together"', 'a move
        described as "..."'), not a person calling something so ('what Ruiz called "...",
        'which he called "...", 'Ruiz called the plan "...").'"""
        cue = found.group("cue").lower()
        if not cue.endswith("ed") or not cue.startswith(_NAMING_STEMS):
            return False
        between = self.masked[found.end("cue") : open_mark].split()
        if between not in ([], ["as"]):
            return False  # an object: 'called the plan "..."'
        before = self.masked[max(0, found.start("cue") - 40) : found.start("cue")].split()
        if not before:
            return False
        word = before[-1]
        return word[:1].islower() and word.strip(",") == word and word not in _SUBJECT_WORDS

    def _reports_before(self, anchors: list[_Anchor], start: int, end: int) -> bool:
        """Whether an attribution between ``start`` and ``end`` opens a reported clause: in 'X
        said the message was clear: "..."' the words after the colon are not X's."""
        first = bisect_right(self._anchor_starts, start - 1)
        for anchor in anchors[first:]:
            if anchor.start >= end:
                break
            after = _skip_adverbials(self.masked, anchor.end, anchor.verb)
            if anchor.reporting and _clause_start(self.masked, anchor.end, after, anchor.verb):
                return True
        return False

    def _subject_of(
        self,
        statement: _Statement,
        anchors: list[_Anchor],
        index: int,
        before: int,
        cue: str | None,
    ) -> None:
        """Attribute ``statement`` to whoever does the speaking in sentence ``index`` before
        position ``before``: the name right before the cue, an attribution earlier in the
        sentence, or a person or "he"/"she" opening it."""
        sentence = self.sentences[index]
        adjacent = _NAME_BEFORE_CUE.search(self.masked, max(sentence.start, before - 120), before)
        if adjacent is not None and cue is not None:
            group = "name"
            appos = adjacent.group("appos")
            if appos is not None and _NAME_RUN.fullmatch(appos.strip()) is not None:
                group = "appos"
            elif self._after_preposition(adjacent.start("name")):
                adjacent = None  # 'The Foreign Ministry of Iraq characterized': not Iraq
        if adjacent is not None and cue is not None:
            tokens, _title = _split_title(adjacent.group(group).strip())
            if tokens and (_is_group(tuple(tokens)) or self.people.collective(tokens)):
                # 'Critics condemned "..."', 'A number of Senators condemned "..."': nobody.
                self._attribute(statement, _Ref("anon", tokens[-1]), adjacent.start(), cue)
                statement.speaker_text = adjacent.group(group).strip()
                return
            if tokens:
                name = self.people.display(tokens)
                self._attribute(statement, _Ref("name", name), adjacent.start(), cue)
                statement.speaker_text = adjacent.group(group).strip()
                return
        first = bisect_right(self._anchor_starts, sentence.start - 1)
        if first < len(anchors) and anchors[first].start < before:
            anchor = anchors[first]
            self._attribute(statement, anchor.ref, anchor.start, cue or anchor.verb)
            statement.speaker_text = self.text[anchor.subject_start : anchor.subject_end]
            return
        found = _SENTENCE_SUBJECT.match(self.masked, sentence.start, sentence.end)
        if found is not None and found.end("name") < before:
            group = self._group_subject(found)
            if group is not None:
                ref, start, end = group
                self._attribute(statement, ref, start, cue)
                statement.speaker_text = self.text[start:end]
                return
            tokens, start, end = self._subject_name(found)
            if tokens and (len(tokens) >= 2 or self._lone_name(tokens[0])):
                name = self.people.display(tokens)
                self._attribute(statement, _Ref("name", name), start, cue)
                statement.speaker_text = self.text[start:end]
                return
        pronoun = _LEADING_PRONOUN.match(self.masked, sentence.start, before)
        if pronoun is not None and pronoun.group("pron").lower() in _PRONOUN_GENDER:
            self._attribute(
                statement, _Ref("pron", pronoun.group("pron").lower()), pronoun.start("pron"), cue
            )
            statement.speaker_text = pronoun.group("pron")

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
            if not anchor.reporting:
                continue  # "the stock snapped a losing streak"
            sentence = self.sentences[self.sentence_index(anchor.start)]
            if anchor.verb == "according to":
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
            if (
                _SUBORDINATE_OPENING.match(masked, sentence.start)
                and "," not in masked[sentence.start : anchor.start]
            ):
                # "When Trump tweeted that mail-in ballots would result in fraud, Twitter placed
                # a disclaimer": the reported clause ends where the main clause starts.
                end = self._clause_comma(clause, sentence.end)
                if end < 0:
                    return None
            for other in anchors[later:]:
                if other.start >= sentence.end:
                    break
                joint = _COORDINATED.search(masked, max(clause, other.start - 16), other.start)
                if joint:
                    end = joint.start()
                    break
            start, end = _trim(self.text, clause, end, terminal=True)
            if len(self.text[start:end].split()) < 2:
                return None  # "said no.", "said so.": an answer, not a statement to quote
            return self._reported_statement(anchor, start, end, "paraphrase", anchor.start, end)
        if anchor.start in self._trailing_used:
            return None
        return self._around(anchor, position, sentence, "paraphrase")

    def _clause_comma(self, start: int, end: int) -> int:
        """Where the first comma after ``start`` ends a clause: a comma outside quotation
        marks, or right after the closing mark of a quotation whose own comma closes it
        ('emphasized that Sloan was "ready to lead the company," the critics ...'); -1 when
        there is none before ``end``."""
        comma = self.masked.find(",", start, end)
        for marks in self.marks:
            if marks.close is None or marks.open < start:
                continue
            if marks.close >= (comma if comma >= 0 else end):
                break
            if self.text[marks.close - 1] == ",":
                return marks.close + 1
        return comma

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
        return self._reported_statement(anchor, start, end, kind, sentence.start, sentence.end)

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
            return self._reported_statement(
                anchor, start, end, "according_to", sentence.start, sentence.end
            )
        return self._around(anchor, anchor.end, sentence, "according_to")

    def _reported_statement(
        self, anchor: _Anchor, start: int, end: int, kind: str, context_start: int, context_end: int
    ) -> _Statement:
        return _Statement(
            start,
            end,
            kind,
            context_start,
            context_end,
            ref=anchor.ref,
            ref_position=anchor.start,
            attributed=True,
            cue=anchor.verb,
            speaker_text=self.text[anchor.subject_start : anchor.subject_end],
        )

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
            previous = next(
                (
                    statements[earlier]
                    for earlier in range(index - 1, max(-1, index - 4), -1)
                    if statements[earlier].attributed or not self._not_speech(statements[earlier])
                ),
                None,
            )
            if (
                donor is None
                and previous is not None
                and previous.attributed
                and self._continues(previous, statement)
            ):
                donor = previous
            if donor is not None:
                statement.speaker = donor.speaker
                statement.ref = donor.ref
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
                statement.ref = following.ref
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
            # The very next paragraph: a quote left open three paragraphs before is not
            # continued by one opening after the article's own words.
            return not self.masked[previous.end : statement.marks.open].strip(_GAP_MARKS)
        _, previous_last = self._sentence_range(previous)
        first, _ = self._sentence_range(statement)
        if first != previous_last + 1:
            return False
        if self._entirely_quoted(statement):
            return True
        # '"A," X said. "B" ...' in one paragraph: B opens its sentence and goes on being X's.
        return (
            previous.end >= statement.marks.paragraph_start
            and _BLANK.fullmatch(self.masked, self.sentences[first].start, statement.marks.open)
            is not None
        )

    def _not_speech(self, statement: _Statement) -> bool:
        """Quotations that are not speech: unattributed short ones inside a sentence (scare
        quotes, titles of works, slogans), markup attribute values (``id="..."``), and titles
        of shows and works even next to an attribution ('Trump said on ABC's "This Week."',
        'told the hosts of "Morning Joe"')."""
        marks = statement.marks
        if marks is None:
            return False
        if statement.attributed:
            return self._title_of_work(statement)
        if marks.open and self.masked[marks.open - 1] in _MARKUP_BEFORE:
            return True
        if not any(char.isalpha() for char in self.text[statement.start : statement.end]):
            return True
        if self._entirely_quoted(statement):
            return False
        words = self.text[statement.start : statement.end].split()
        return len(words) <= _SCARE_WORDS or all(word[:1].isupper() for word in words)

    def _title_of_work(self, statement: _Statement) -> bool:
        """A few words in title case ("Meet the Press.", "Fox and Friends"), or a few words
        right after a possessive ('Fox News channel's "Hannity"'): a name, not a statement."""
        marks = statement.marks
        assert marks is not None
        quoted = self.text[statement.start : statement.end].rstrip(".")
        words = quoted.split()
        if not words or len(words) > _TITLE_WORDS or _INNER_STOP.search(quoted):
            return False  # 'Like Oakland. Or Ferguson': sentences
        if _POSSESSIVE_BEFORE.search(self.masked, max(0, marks.open - 4), marks.open):
            return True
        lower = sum(word in _TITLE_FUNCTION_WORDS for word in words)
        return (
            (len(words) >= 3 or lower > 0)  # "Donald Trump." may be an answer
            and words[0][:1].isupper()
            and not words[-1].endswith(("?", "!"))
            and all(word[:1].isupper() or word in _TITLE_FUNCTION_WORDS for word in words)
        )

    def _quote(self, statement: _Statement) -> Quote:
        low, high = self._sentence_range(statement)
        sentence_start = min(self.sentences[low].start, statement.start)
        sentence_end = max(self.sentences[high].end, statement.end)
        speaker = statement.speaker
        aliases: tuple[str, ...] = ()
        if speaker is not None:
            aliases = self.people.aliases(speaker, self._aliases.get(speaker, ()))
        return Quote(
            text=self.text[statement.start : statement.end],
            start=statement.start,
            end=statement.end,
            speaker=speaker,
            sentence_start=sentence_start,
            sentence_end=sentence_end,
            kind=statement.kind,
            cue=statement.cue if statement.ref is not None else None,
            speaker_text=statement.speaker_text,
            aliases=aliases,
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
