"""Who said what: quotations in article text, their speakers, and "what did X say" questions.

The answer composer needs three things to quote people faithfully:

* :func:`find_quotes` finds direct quotations (words in quotation marks, and the answers of an
  interview transcript after a speaker marker such as ``((Gregory Kurtzer))`` or ``NG:``),
  "according to X" statements and reported speech without quotation marks ("X said (that)
  ...") and attributes each to a speaker, or to nobody when the article does not say who
  spoke. Every :class:`Quote` points at exact character offsets of the article text; nothing
  is rewritten. It also carries the cue as written ("testified", "shot back"), the
  attribution's subject as written ("county spokeswoman Jane Doe") and the other ways the
  article refers to the speaker (aliases).
* :func:`parse_speech_question` recognises questions such as "what did Zelenskyy say about
  NATO?" and pulls out the speaker and the topic.
* :func:`speaker_matches` decides whether a speaker found in an article is the person (or the
  title, "the prime minister") a question names, tolerating transliteration variants (Zelensky /
  Zelenskyy / Zelenskiy) and accepting the quote's aliases.

Everything is rule-based (``re`` only) and linear in the length of the text. One module an idea,
each documenting the heuristics that can be wrong where they live:

* :mod:`.patterns` -- regex building blocks shared by the others.
* :mod:`.marks` -- quotation marks: pairing, masking the quoted words, trimming spans.
* :mod:`.people` -- names, titles, who is who; resolving pronouns and titles to people.
* :mod:`.attribution` -- speech verbs (cues), attribution patterns, the reported clause.
* :mod:`.transcript` -- interview transcripts: speaker markers, turns, the interviewer.
* :mod:`.finder` -- :func:`find_quotes`: quotations, their attributions, continuing quotes.
* :mod:`.questions` -- :func:`parse_speech_question`.
* :mod:`.matching` -- :func:`speaker_matches`.
"""

from __future__ import annotations

from .finder import Quote, find_quotes
from .matching import speaker_matches
from .questions import SpeechQuestion, parse_speech_question

__all__ = [
    "Quote",
    "SpeechQuestion",
    "find_quotes",
    "parse_speech_question",
    "speaker_matches",
]
