"""Page furniture: the lines of a scraped news page that are not the story.

This module owns recognising them, for any caller that holds a paragraph or a sentence: the
loader drops furniture paragraphs from HTML pages (``index.articles``) and answers never lead
with furniture sentences. :func:`is_furniture` says whether a whole unit is furniture;
:func:`furniture_kind` says which kind:

``paywall``
    "Subscribe to continue reading", "You have reached your free article limit", "Already a
    subscriber? Log in", "Create a free account to keep reading", "Just for subscribers:".
``advert``
    "ADVERTISEMENT", "Advertisement", "Story continues below advertisement", "Sponsored content".
``newsletter``
    sign-up lines: "Sign up for our newsletter", "SPORTS NEWSLETTER: Sign up now...", "To get it
    in your inbox, sign up for free here", "Enter your email", "Thanks for signing up".
``cookies``
    "We use cookies to...", "This site uses cookies", "Accept all cookies".
``caption``
    image captions and photo credits: "John Raoux/AP", "TING SHEN/AFP/POOL/Getty Images",
    "(Photo: Getty Images)", "Photograph: Tom Reyes/Front Range Farmer", "Hide Caption 3 of 12",
    "Image caption", a caption ending in a credit ("Crowds gather on Friday. Kevin Frayer/Getty
    Images"), "Photo of the day".
``links``
    link and social lines: "Read more:", "READ MORE", "Related:", "More:", "Watch:", "Video:",
    "Click here...", "JUST WATCHED", "Follow us on Twitter", "Contact Jane Doe: jdoe@...", and
    another piece's labelled headline ("Opinion: Serena Williams is the GOAT", "ANALYSIS: ...":
    in the RealTimeQA and BBC articles all 152 such lines are links or correction notes).
``credits``
    "Our Standards: The Thomson Reuters Trust Principles.", "Reporting by ...; Editing by ...",
    "Contributing: ...", "From USA TODAY Network and wire reports".
``copyright``
    "© 2024 Example Media", "Copyright 2024 The Associated Press. All rights reserved.", "This
    material may not be published, broadcast, rewritten or redistributed."

Every rule looks at the unit as a whole (its start, its end, or all of it), never at a phrase in
the middle of prose, and only at units of at most :data:`MAX_CHARS` characters: a paragraph of
reporting that mentions a newsletter or a photograph is not furniture. Both regular expressions
are compiled once; a call costs one anchored match and at most one anchored search.
"""

from __future__ import annotations

import re

__all__ = ["KINDS", "MAX_CHARS", "furniture_kind", "is_furniture"]

MAX_CHARS = 500
"""Longer units are never furniture (captions and sign-up blurbs are shorter than that)."""

_END = r"[\s.!:)]*\Z"  # what may trail a whole-line item ("Advertisement.", "Related:")
_NAME = r"[A-Z][\w.'’-]*"
# "Kevin Frayer/Getty Images", "DREW ANGERER/AFP/POOL/Getty Images": one to four capitalised
# words, then one to three "/Name Name" parts.
_CREDIT = rf"(?:{_NAME}\s+){{0,3}}{_NAME}(?:\s*/\s*{_NAME}(?:\s+{_NAME}){{0,2}}){{1,3}}"
# A picture agency or desk, as it closes a credit that comes before its caption.
_AGENCY = (
    r"(?:AP|AFP|Reuters|REUTERS|Getty(?:\s+Images)?|GETTY(?:\s+IMAGES)?|EPA(?:-EFE)?|Pool|POOL|"
    r"Shutterstock|Bloomberg|NurPhoto|Zuma(?:\s+Press)?|ZUMA(?:\s+PRESS)?|Alamy|Sipa|SIPA|"
    r"Invision|CNN|USA\s+TODAY|(?:The\s+)?Associated\s+Press|Xinhua|TASS|Anadolu(?:\s+Agency)?|"
    r"Adobe\s+Stock|Imagn(?:\s+Images)?|Polaris|Redux|Abaca)"
)
_AGENCY_CREDIT = (
    rf"(?:{_NAME}\s+){{0,3}}{_NAME}(?:\s*/\s*{_NAME}(?:\s+{_NAME}){{0,2}}){{0,2}}\s*/\s*{_AGENCY}"
)
# A credit naming an upper-case desk before the caption it opens ("Kim Shiflett/NASA The fully
# assembled rocket...", "Civil Air Patrol/USGS Lava flows..."); an upper-case desk keeps poll and
# team names ("Fox News/Marquette poll", "UT/OU") out.
_DESK_CREDIT = rf"{_NAME}(?:\s+{_NAME}){{1,3}}\s*/\s*[A-Z]{{2,}}(?:\s*/\s*{_NAME})*\s+(?=[A-Z])"
_LABEL = r"\(?(?:Photo(?:graph)?s?|Image|Picture|Pictured|Illustration|Video)(?:\s+credit)?"
# "Photo: ...", "(Photo: Getty Images)"; "Photo by Jane Doe" and "Photo courtesy of ..." whole.
_PHOTO_LABEL = rf"{_LABEL}\s*:|{_LABEL}\s+(?:by|courtesy\s+of)\s+[^.]{{1,80}}{_END}"

_KINDS = {
    "paywall": (
        r"(?i:subscribe\s+(?:now|today|to\s+(?:continue|keep|read|get|unlock)|for\s+(?:just\s+)?"
        r"[$£€\d])|you(?:'ve|’ve|\s+have)\s+(?:reached|read|used)\s+(?:your|all\s+(?:of\s+)?your|"
        r"the)\s+(?:free|\d+|monthly|article|story)|(?:already|not)\s+a\s+(?:subscriber|member)\s*"
        r"[?!.]|create\s+a\s+free\s+account|this\s+(?:article|story|content)\s+"
        r"is\s+(?:only\s+)?(?:available\s+)?(?:only\s+)?(?:for|to)\s+(?:subscribers|members)|"
        r"unlock\s+(?:this|unlimited|full)|get\s+unlimited\s+(?:digital\s+)?access|"
        r"start\s+your\s+free\s+trial|to\s+continue\s+reading\s*(?:[,.…]|this|the\s+(?:full\s+)?"
        r"(?:article|story))|continue\s+reading\s+(?:this|the|"
        r"with)|(?:log|sign)\s+in\s+to\s+(?:continue|keep|read)|just\s+for\s+subscribers:|"
        r"support\s+(?:local|quality|independent|our)\s+journalism|"
        r"become\s+a\s+(?:digital\s+)?subscriber)"
    ),
    "advert": (
        rf"(?i:(?:advertisement|advertising|sponsored(?:\s+content)?|ad){_END}|"
        r"(?:story|article|text)\s+continues\s+(?:below|after)\b)"
    ),
    "newsletter": (
        r"(?i:sign\s+up\b|subscribe\s+to\s+(?:our|the)\b[^.]{0,60}newsletter|"
        r"(?:get|want)\s+(?:our|the|this)\b[^.]{0,60}(?:newsletter|in\s+your\s+inbox)|"
        r"[\w ’'.-]{0,40}newsletter\s*:|enter\s+your\s+email|by\s+(?:signing\s+up|subscribing),"
        r"\s+you|thanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing)|a\s+version\s+of\s+this\s+"
        r"(?:story|article)\s+(?:first\s+)?appear(?:s|ed)\s+in\b[^.]{0,60}newsletter|"
        r"this\s+(?:story|article)\s+is\s+part\s+of\b[^.]{0,60}newsletter)"
    ),
    "cookies": (
        r"(?i:(?:we|this\s+(?:web)?site|our\s+(?:web)?site)(?:\s+and\s+our\s+partners)?\s+uses?\s+"
        r"cookies|(?:accept|manage|reject)\s+(?:all\s+)?cookies|by\s+continuing\s+to\s+(?:use|"
        r"browse)\s+(?:this|our)\s+(?:web)?site)"
    ),
    "caption": (
        rf"(?i:hide\s+caption|show\s+caption|image\s+caption|media\s+caption|toggle\s+caption|"
        rf"enlarge\s+this\s+image|caption\s*:|image\s+source\b|(?:featured\s+)?photos?\s+of\s+"
        rf"the\s+(?:day|week){_END}|featured\s+photos{_END}|\d+\s+of\s+\d+{_END}|credit\s*:|"
        rf"in\s+pictures\s*:|\(AP\s+Photo\b)|{_PHOTO_LABEL}|{_CREDIT}{_END}|{_AGENCY_CREDIT}\s|"
        rf"{_DESK_CREDIT}"
    ),
    "links": (
        rf"(?i:read\s+more\b|related\s*(?::|(?:stories|articles|coverage)?{_END})|more\s*:|"
        rf"see\s+also\b|also\s+read\s*:|watch\s*:|video\s*:|listen\s*:|click\s+here\b|"
        rf"just\s+watched\b|must\s+watch\b|replay\s+more\s+videos|"
        rf"(?:opinion|analysis|perspective|commentary|editorial)\s*:|share\s+(?:this|on)\b[^.]{{0,30}}"
        rf"{_END}|follow\s+(?:us|him|her|them|@|[^.]{{0,40}}\b(?:reporter|columnist|writer|"
        rf"editor|correspondent)\b)[^.]{{0,60}}\s+on\s+(?:twitter|facebook|"
        r"instagram|x|threads|tiktok|linkedin)\b|(?:contact|reach)\b[^.]{0,60}\S+@\S+\.\w+|"
        r"more\s+(?:from|on)\s+[^.]{0,40}:)"
    ),
    "credits": (
        rf"(?i:our\s+standards\s*:|\(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\s"
        rf"[^.]{{0,200}}(?:;|\bediting\s+by\b)|contributing\s*:|from\s+[\w .’']{{0,40}}\s+"
        rf"(?:and\s+)?wire\s+reports{_END}|(?:the\s+)?associated\s+press{_END}|"
        rf"(?:AP|Reuters|AFP){_END})"
    ),
    "copyright": (
        r"©|(?i:\(c\)\s*\d{4}|copyright\s+(?:©|\(c\)|\d{4})|all\s+rights\s+reserved|"
        r"this\s+material\s+may\s+not\s+be\s+published)"
    ),
}
KINDS = tuple(_KINDS)
"""The kinds :func:`furniture_kind` names, in the order they are tried."""

_LEADING = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _KINDS.items()))
# A caption that ends with its credit: "... on Wednesday. Photograph: Tom Reyes/Front Range".
# After a sentence any credit counts; straight after a word only one naming an agency does
# ("Wyoming Rep. Liz Cheney Oliver Contreras/Pool/Getty Images", not "the SEC and UT/OU.").
_TRAILING = re.compile(
    rf"(?:[.!?”\"’')]\s+(?:{_LABEL}\s*(?::|by\b)[^.]{{1,80}}|{_CREDIT}|"
    r"\((?:AP|Reuters|AFP|Getty\s+Images)(?:\s+Photo)?(?:\s*/[^)]{1,60})?\))"
    rf"|\s{_AGENCY_CREDIT})[\s.)]*\Z"
)


def furniture_kind(text: str) -> str | None:
    """The kind of page furniture ``text`` is, or ``None`` for prose.

    Parameters
    ----------
    text : str
        One paragraph or one sentence, as it stands in the article (surrounding whitespace is
        ignored).

    Returns
    -------
    str or None
        One of :data:`KINDS`, or ``None``.
    """
    text = text.strip()
    if not text or len(text) > MAX_CHARS:
        return None
    match = _LEADING.match(text)
    if match is not None:
        return match.lastgroup
    if "/" not in text and ":" not in text and not text.endswith(")"):
        return None  # no credit can end it: skip the scan
    return "caption" if _TRAILING.search(text) else None


def is_furniture(sentence_or_paragraph: str) -> bool:
    """Whether a paragraph or sentence is page furniture rather than the story.

    Parameters
    ----------
    sentence_or_paragraph : str
        The unit to judge, whole.

    Returns
    -------
    bool
        True for paywall prompts, adverts, newsletter sign-ups, cookie notices, image captions
        and photo credits, "Read more"/"Related" and social lines, wire credits and copyright
        lines (the kinds in the module docstring); False for prose and for anything longer than
        :data:`MAX_CHARS`.
    """
    return furniture_kind(sentence_or_paragraph) is not None
