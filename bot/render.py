r"""Turning answers, index stats, feeds and reindex progress into Discord embeds and plain text.

Everything here is pure (no I/O) and keeps within Discord's limits: embed title 256, description
4096, field 1024 (25 fields), 6000 characters per embed in total, 2000 for plain message content.
Long answers lose whole parts from the end (each part is a sentence or quote with its citation
marker), so a citation is never cut in half; only a single part longer than the whole budget is
shortened, at a sentence or word boundary, keeping its marker. Links in plain text are wrapped
in ``<…>`` so Discord shows no preview; embeds never preview links.

Text from articles (sentences, speaker labels, headlines, outlet names), from feeds (titles,
addresses, errors) and notes reach an embed only through :func:`escape` or as a link text
:func:`_link_text_safe` accepts, so whatever they contain, Discord shows their words as written
and turns none of it into a masked link, a mention, bold, a spoiler or a heading. What that
relies on (Discord's markdown is simple-markdown's rules with Discord's additions):

* A backslash before any character that is not a letter, digit or space shows that character
  literally and hides the backslash (simple-markdown's escape rule ``^\\([^0-9A-Za-z\s])``).
* A masked link ``[text](url)`` starts at an unescaped ``[``. :func:`escape` escapes every ``[``
  and ``]`` (and every backslash, so an article's own ``\`` cannot pair with ours), so no link
  can start anywhere in escaped text: not the second link of a sentence (which
  ``discord.utils.escape_markdown``'s greedy ``\[.+\]\(.+\)`` leaves live), not a nested one,
  not ``[text](<url>)``.
* A bare URL is one autolink whose text is shown as written and parsed no further (the rule
  ``https?://[^\s<]+[^<.,:;"')\]\s]``, :data:`_URL`). :func:`escape` leaves such a URL as it is,
  so it stays clickable, when no ``[``, ``]``, backslash or ``<`` follows before the next space;
  a URL that has one (say ``…/Foo_(bar)[x](https://…)``, where the autolink would run on over
  the escapes and show their backslashes, or end on one and un-escape what follows) gets its
  ``://`` escaped, which keeps it from being a link at all, and the rest
  is escaped like any text. So no ``[`` is ever left unescaped, inside a URL or out, and no link
  can start even if a client's autolink rule stopped earlier than this one.
* Inside a masked link's text Discord disables escapes and shows the backslashes (Discord staff on
  discord/discord-api-docs#6185), and a link text holding a URL is not turned into a link at all
  (discord/discord-api-docs#7721). So a headline is the text of its link only when it contains
  nothing Discord would interpret there; otherwise it is shown escaped, outside the link, and the
  link follows on the word "article".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import discord

from index.answer import NOT_COVERED, PARTIAL, AnswerPart, Citation, quote_citation

if TYPE_CHECKING:
    from bot.feeds import AddedFeed
    from bot.service import ReindexJob
    from index.answer import Answer
    from index.build import BuildSummary
    from index.feeds.state import FeedState
    from index.quote_index import QuoteHit
    from index.store import IndexStats

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000

ELLIPSIS = "…"
ANSWER_COLOUR = discord.Colour.blurple()
NOT_COVERED_COLOUR = discord.Colour.light_grey()
FOOTER = "Quoted word for word from the articles; [n] marks the source of each part."
QUOTES_FOOTER = (
    "Words in quotation marks are the speaker's, as the article prints them; "
    "“as reported” lines are the reporter's sentence. [n] marks the source."
)

HELP_TEXT = """\
**Ask me about the news in my articles.** I answer only with sentences quoted from them, each \
with its source, and say so when the articles don't cover a question.

• `/ask question` — e.g. `/ask what did Zelenskyy say about NATO?`
  options: `source` (one outlet), `since` (a date like 2024-03-01, or 7d / 4w), `private` \
(only you see the answer)
• Send me a direct message, or mention me in a channel, with a question.
• `/quotes speaker` — what a person said, e.g. `/quotes Zelenskyy about:NATO`
  options: `about` (a topic), `source`, `since`, `private`
• `/sources` — the outlets I know, how many articles, how fresh they are, and the feeds I follow.
• `/reindex` — (admins) re-read the article sources.
• `/feeds add url` — (admins) follow a news feed, or the feed a news site's homepage links to
  options: `source` (the outlet's name), `every` (how often: 15m, 2h)
• `/feeds list`, `/feeds remove url` — (admins) the feeds I follow and their health; stop one."""


# -- small helpers ---------------------------------------------------------------------------


def format_date(value: datetime | None) -> str | None:
    """``12 Mar 2024`` (no time: articles are dated by day)."""
    return None if value is None else f"{value.day} {value:%b %Y}"


def format_datetime(value: datetime | None) -> str:
    """A timestamp for status messages, in UTC."""
    if value is None:
        return "never"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def truncate(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a sentence, else a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    room = text[: max(0, limit - len(ELLIPSIS))]
    for stop in (". ", "! ", "? ", "; "):
        cut = room.rfind(stop)
        if cut >= len(room) // 2:
            return room[: cut + 1] + " " + ELLIPSIS if cut + 3 <= limit else room[: cut + 1]
    cut = room.rfind(" ")
    if cut >= len(room) // 2:
        room = room[:cut]
    return room.rstrip() + ELLIPSIS


# -- Discord markdown ------------------------------------------------------------------------

# A bare URL, as Discord's autolink rule takes it.
_URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
_URL_RUN = re.compile(r"[^\s<]+")
_URL_SWALLOWS_ESCAPES = re.compile(r"[\[\]\\]")
# Characters that mean something anywhere in a line: escapes, emphasis, underline, strikethrough,
# spoilers, code, masked links, and <…> (mentions, timestamps, autolinks, e-mail and phone links).
_INLINE_MARKDOWN = re.compile(r"[\\*_~|`\[\]<]")
# Markers that mean something at the start of a line: headings, -# subtext, block quotes, lists.
_LINE_MARKER = re.compile(r"^([ \t]*)(?:([#>+-])|(\d+)\.)", re.MULTILINE)
# What Discord interprets inside a masked link's text, where escapes do not work.
_LINK_TEXT_MARKDOWN = re.compile(r"[\\*_~|`\[\]<]|://")
_URL_UNSAFE = re.compile(r"[\s<>\\]")
_BALANCED_PARENS = re.compile(r"[^()]*(?:\([^()]*\)[^()]*)*")


def escape(text: str) -> str:
    """``text`` as Discord markdown that shows exactly ``text``: no links, mentions or formatting.

    Bare ``https://`` URLs stay clickable unless brackets, backslashes or ``<`` follow them
    before the next space; see the module docstring for the Discord rules this relies on.
    """
    return _LINE_MARKER.sub(_escape_line_marker, _escape_inline(text))


def _escape_inline(text: str) -> str:
    pieces: list[str] = []
    position = 0
    while url := _URL.search(text, position):
        pieces.append(_INLINE_MARKDOWN.sub(r"\\\g<0>", text[position : url.start()]))
        # Discord's autolink runs on to the next space or "<": if the escapes this run gets
        # (or the one before that "<") fall inside it, it would swallow them and show them, or
        # end on one and un-escape what follows. Such a URL is shown as text: "\://" is no link.
        run = _URL_RUN.match(text, url.start())
        assert run is not None
        if _URL_SWALLOWS_ESCAPES.search(run.group()) or text.startswith("<", run.end()):
            scheme = text.index("://", url.start())
            pieces.append(text[url.start() : scheme] + "\\:")
            position = scheme + 1
        else:
            pieces.append(url.group())
            position = url.end()
    pieces.append(_INLINE_MARKDOWN.sub(r"\\\g<0>", text[position:]))
    return "".join(pieces)


def _escape_line_marker(match: re.Match[str]) -> str:
    indent, marker, number = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


def _link_text_safe(text: str) -> bool:
    """Whether Discord shows ``text`` exactly as written as the text of a masked link."""
    return not _LINK_TEXT_MARKDOWN.search(text) and text == text.strip()


def _link_target(url: str) -> str:
    """``url`` as the target of ``[text](url)``: what would end it early is percent-encoded.

    Whitespace, ``<``, ``>`` and backslashes always; parentheses unless they are balanced pairs
    (``…/Foo_(bar)``), which the link rule accepts.
    """
    if not _BALANCED_PARENS.fullmatch(url):
        url = url.replace("(", "%28").replace(")", "%29")
    return _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), url)


def _part(part: AnswerPart, *, markdown: bool) -> str:
    text = escape(part.text) if markdown else part.text
    body = f"“{text}”" if part.is_quote else text
    if part.label:
        body = f"{escape(part.label) if markdown else part.label}: {body}"
    return body


def _marker(number: int) -> str:
    return f" [{number}]"


def _fit_parts(parts: Sequence[AnswerPart], budget: int, *, markdown: bool) -> tuple[str, set[int]]:
    """Whole parts joined, within ``budget``; returns the text and the markers it kept.

    Parts that do not fit are dropped from the end and replaced by an ellipsis; only a first
    part longer than the whole budget is shortened (at a sentence), keeping its marker.
    """
    more_marker = "\n\n" + ELLIPSIS
    chunks: list[str] = []
    kept: set[int] = set()
    used = 0
    for n, part in enumerate(parts):
        separator = "\n\n" if chunks else ""
        body, marker = _part(part, markdown=markdown), _marker(part.citation)
        reserve = len(more_marker) if n + 1 < len(parts) else 0
        if used + len(separator) + len(body) + len(marker) + reserve <= budget:
            chunks.append(separator + body + marker)
            used += len(separator) + len(body) + len(marker)
            kept.add(part.citation)
            continue
        if not chunks:
            chunks.append(truncate(body, budget - len(marker) - reserve) + marker)
            kept.add(part.citation)
            if reserve:
                chunks.append(more_marker)
        else:
            chunks.append(more_marker)
        break
    return "".join(chunks), kept


def _citation_line(citation: Citation, *, markdown: bool, numbered: bool = True) -> str:
    """``[n] Headline — Outlet · date`` with the headline linked to the article.

    In markdown the headline is the link text when Discord shows it there as written; otherwise
    (``|``, ``**``, brackets, a URL…) it is shown escaped and the link follows on "article".
    """
    title = truncate(" ".join((citation.title or "").split()) or "Untitled article", 200)
    url = citation.url if citation.url and len(citation.url) <= 600 else None
    details = " · ".join(
        x
        for x in (citation.source, format_date(citation.published), *_coverage_flags(citation))
        if x
    )
    if not markdown:
        prefix = f"[{citation.marker}] " if numbered else ""
        link = f"{title} <{url}>" if url else title
        return prefix + link + (f" — {details}" if details else "")
    prefix = f"**[{citation.marker}]** " if numbered else ""
    details = escape(details)
    if url and _link_text_safe(title):
        return prefix + f"[{title}]({_link_target(url)})" + (f" — {details}" if details else "")
    line = prefix + escape(title) + (f" — {details}" if details else "")
    return line + (f" · [article]({_link_target(url)})" if url else "")


def _coverage_flags(citation: Citation) -> list[str]:
    """``updated 30 Nov 2024`` (``… 14:05 UTC`` on the day of publication) and
    ``partial: feed summary only``, when they apply."""
    flags = []
    if (shown := citation.update_shown) is not None:
        updated, with_time = shown
        when = format_datetime(updated) if with_time else format_date(updated)
        flags.append(f"updated {when}")
    if citation.partial:
        flags.append(PARTIAL)
    return flags


def _pack_fields(name: str, lines: Iterable[str]) -> list[tuple[str, str]]:
    """Lines grouped into (name, value) fields of at most 1024 characters each."""
    values: list[str] = []
    for line in lines:
        if values and len(values[-1]) + 1 + len(line) <= FIELD_VALUE_LIMIT:
            values[-1] += "\n" + line
        else:
            values.append(line)
    return [(name if n == 0 else "\u200b", value) for n, value in enumerate(values)]


# -- answers -----------------------------------------------------------------------------


def answer_embed(answer: Answer) -> discord.Embed:
    """The answer as an embed: quoted parts with [n] markers, then the numbered sources."""
    title = truncate(answer.question.strip() or "Your question", TITLE_LIMIT)
    if not answer.covered or not answer.parts:
        description = escape(truncate(answer.note, 1000)) if answer.note else NOT_COVERED
        embed = discord.Embed(title=title, colour=NOT_COVERED_COLOUR, description=description)
        lines = [_citation_line(c, markdown=True, numbered=False) for c in answer.closest[:10]]
        for name, value in _pack_fields("Closest articles", lines)[:3]:
            embed.add_field(name=name, value=value, inline=False)
        return embed

    note = f"*{escape(truncate(answer.note.strip(), 500))}*\n\n" if answer.note else ""
    return _cited_embed(title, answer.parts, answer.citations, note=note, footer=FOOTER)


def _cited_embed(
    title: str,
    parts: Sequence[AnswerPart],
    citations: Sequence[Citation],
    *,
    note: str = "",
    footer: str,
) -> discord.Embed:
    """``note`` then the parts with [n] markers, the Sources fields listing the markers kept.

    Whole parts are dropped from the end until the embed is within every limit.
    """
    by_marker = {c.marker: c for c in citations}
    budget = DESCRIPTION_LIMIT - len(note)
    while True:
        description, kept = _fit_parts(parts, budget, markdown=True)
        description = note + description
        embed = discord.Embed(title=title, description=description, colour=ANSWER_COLOUR)
        lines = [
            _citation_line(by_marker[m], markdown=True) for m in sorted(kept) if m in by_marker
        ]
        fields = _pack_fields("Sources", lines)
        for name, value in fields:
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=footer)
        over = len(embed) - EMBED_TOTAL_LIMIT
        if (over <= 0 and len(fields) <= FIELDS_LIMIT) or budget < 200:
            return embed
        budget -= max(over, 200)


def answer_text(answer: Answer, *, limit: int | None = None) -> str:
    """Plain text: the quoted parts with [n] markers, then the numbered sources with links."""
    if not answer.covered or not answer.parts:
        lines = [answer.note or NOT_COVERED]
        if answer.closest:
            lines += ["", "Closest articles:"]
            lines += [
                "• " + _citation_line(c, markdown=False, numbered=False) for c in answer.closest
            ]
        text = "\n".join(lines)
        return text if limit is None else truncate(text, limit)
    note = f"{answer.note}\n\n" if answer.note else ""
    return _cited_text(answer.parts, answer.citations, note=note, limit=limit)


def _cited_text(
    parts: Sequence[AnswerPart],
    citations: Sequence[Citation],
    *,
    note: str = "",
    limit: int | None = None,
) -> str:
    """Plain text: ``note``, the parts with [n] markers, then the sources of the markers kept."""
    by_marker = {c.marker: c for c in citations}
    all_sources = [_citation_line(c, markdown=False) for c in citations]
    reserve = sum(len(x) + 1 for x in all_sources) + len("\n\nSources:\n")
    budget = 10**9 if limit is None else max(200, limit - reserve - len(note))
    body, kept = _fit_parts(parts, budget, markdown=False)
    body = note + body
    sources = [_citation_line(by_marker[m], markdown=False) for m in sorted(kept) if m in by_marker]
    text = body + "\n\nSources:\n" + "\n".join(sources)
    if limit is not None and len(text) > limit:
        text = truncate(text, limit)
    return text


# -- quotations ------------------------------------------------------------------------------


def _quotation_parts(hits: Sequence[QuoteHit]) -> tuple[list[AnswerPart], list[Citation]]:
    """Each quotation as a part with its article's marker (articles numbered as they come).

    Shown as ``QuoteHit.shown`` and ``QuoteHit.label`` say (as ``/ask`` shows them): direct
    words in quotation marks under the speaker's name; a paraphrase, an "according to"
    statement or a quoted fragment as the reporter's whole sentence, labelled as reported.
    The same words twice (a wire copy, two quotes in one sentence) are shown once.
    """
    markers: dict[str, int] = {}
    citations: list[Citation] = []
    parts: list[AnswerPart] = []
    seen: set[str] = set()
    for hit in hits:
        shown, start, end = hit.shown
        text = " ".join(shown.split())
        if not text or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        marker = markers.get(hit.article_id)
        if marker is None:
            marker = markers[hit.article_id] = len(markers) + 1
            citations.append(quote_citation(marker, hit))
        parts.append(
            AnswerPart(
                text=text,
                citation=marker,
                label=hit.label,
                is_quote=hit.own_words,
                article_id=hit.article_id,
                start=start,
                end=end,
            )
        )
    return parts, citations


def _speaker_and_topic(speaker: str, about: str | None) -> str:
    """``X about Y`` (or ``X``), white space tidied."""
    speaker, about = " ".join(speaker.split()), " ".join((about or "").split())
    return speaker + (f" about {about}" if about else "")


def no_quotes_message(
    speaker: str,
    about: str | None = None,
    *,
    source: str | None = None,
    since: str | None = None,
) -> str:
    """Plain text: none found (with the filters that applied), and /ask as the next step."""
    name, topic = " ".join(speaker.split()), " ".join((about or "").split())
    about_topic = f" about {topic}" if topic else ""
    scope = " ".join(
        f"{word} {value.strip()}"
        for word, value in (("from", source), ("since", since))
        if value and value.strip()
    )
    scope = f" (only articles {scope})" if scope else ""
    return (
        f"No quotations from {name}{about_topic} in the collection{scope}.\n"
        f"Try /ask what did {name} say{about_topic}? — it reads every sentence of the "
        f"articles, not only quotations attributed to {name}."
    )


def quotes_embed(
    speaker: str,
    hits: Sequence[QuoteHit],
    *,
    about: str | None = None,
    source: str | None = None,
    since: str | None = None,
) -> discord.Embed:
    """A person's quotations with [n] markers, then the numbered sources; or "none found"."""
    title = truncate(f"Quotations from {_speaker_and_topic(speaker, about)}", TITLE_LIMIT)
    parts, citations = _quotation_parts(hits)
    if not parts:
        text = no_quotes_message(speaker, about, source=source, since=since)
        return discord.Embed(title=title, description=escape(text), colour=NOT_COVERED_COLOUR)
    return _cited_embed(title, parts, citations, footer=QUOTES_FOOTER)


def quotes_text(
    speaker: str,
    hits: Sequence[QuoteHit],
    *,
    about: str | None = None,
    source: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> str:
    """Plain text: a heading, the quotations with [n] markers, then the sources with links."""
    parts, citations = _quotation_parts(hits)
    if not parts:
        text = no_quotes_message(speaker, about, source=source, since=since)
        return text if limit is None else truncate(text, limit)
    note = f"Quotations from {_speaker_and_topic(speaker, about)}:\n\n"
    return _cited_text(parts, citations, note=note, limit=limit)


# -- sources, help, reindex ------------------------------------------------------------------


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _collection_summary(stats: IndexStats) -> str:
    return f"{plural(stats.articles, 'article')} from {plural(len(stats.sources), 'outlet')}"


FEEDS_FIELDS_BUDGET = 1800  # characters of /sources given to the feeds' health


def sources_embed(
    stats: IndexStats, last_reindex: ReindexJob | None, feeds: Sequence[FeedState] = ()
) -> discord.Embed:
    """Outlets with article counts and newest dates, when the index was built, and each
    followed feed's health."""
    embed = discord.Embed(title=_collection_summary(stats), colour=ANSWER_COLOUR)
    embed.add_field(name="Index built", value=format_datetime(stats.built_at), inline=True)
    embed.add_field(name="Last reindex", value=reindex_status_line(last_reindex), inline=True)
    health = [feed_health_line(f, markdown=True) for f in feeds]
    more = "… and {} more feeds (/feeds list shows them all)"
    for name, value in _pack_fields("Feeds", _fit(health, FEEDS_FIELDS_BUDGET, more, "\n")):
        embed.add_field(name=name, value=value, inline=False)
    lines = [
        f"**{escape(s.name)}** — {plural(s.articles, 'article')}"
        + (f", newest {format_date(s.newest)}" if s.newest else "")
        for s in sorted(stats.sources, key=lambda s: (-s.articles, s.name.lower()))
    ]
    limit = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(embed) - 40)
    description = "\n".join(lines) or "No outlets yet."
    if len(description) > limit:
        description = truncate(description[: limit - 40].rsplit("\n", 1)[0], limit - 40)
        description += f"\n… and more ({len(lines)} outlets)"
    embed.description = description
    return embed


def sources_text(
    stats: IndexStats, last_reindex: ReindexJob | None, feeds: Sequence[FeedState] = ()
) -> str:
    lines = [_collection_summary(stats) + ":"]
    for s in sorted(stats.sources, key=lambda s: (-s.articles, s.name.lower())):
        newest = f", newest {format_date(s.newest)}" if s.newest else ""
        lines.append(f"  {s.name}: {plural(s.articles, 'article')}{newest}")
    lines.append(f"Index built: {format_datetime(stats.built_at)}")
    lines.append(f"Last reindex: {reindex_status_line(last_reindex)}")
    if feeds:
        lines.append("Feeds:")
        lines.extend(f"  {feed_health_line(f, markdown=False)}" for f in feeds)
    return "\n".join(lines)


# -- feeds -----------------------------------------------------------------------------------


def format_interval(seconds: float) -> str:
    """``15 min``, ``2 h``, ``1 h 30 min``, ``1 d``."""
    days, rest = divmod(round(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    units = ((days, "d"), (hours, "h"), (minutes, "min"), (rest, "s"))
    return " ".join(f"{count} {unit}" for count, unit in units if count) or "0 s"


def _fit(blocks: Sequence[str], budget: int, more: str, separator: str) -> list[str]:
    """The first ``blocks`` that fit ``budget`` joined by ``separator``, then ``more``
    (formatted with how many were left out) if any were."""
    kept: list[str] = []
    used = 0
    for n, block in enumerate(blocks):
        tail = len(separator) + len(more) + 10 if n + 1 < len(blocks) else 0
        if used + len(separator) + len(block) + tail > budget:
            return [*kept, more.format(len(blocks) - n)]
        kept.append(block)
        used += len(separator) + len(block)
    return kept


def _shown(text: str, limit: int, *, markdown: bool) -> str:
    """Feed-provided ``text`` (a title, an address, an error) within ``limit``, escaped for
    markdown."""
    text = truncate(" ".join(text.split()), limit)
    return escape(text) if markdown else text


def _feed_name(feed: FeedState, *, markdown: bool) -> str:
    name = _shown(feed.outlet, 100, markdown=markdown)
    return f"**{name}**" if markdown else name


def feed_health(feed: FeedState) -> str:
    """``ok``, ``not polled yet``, ``failing (3 failures in a row)`` or ``disabled``."""
    if not feed.enabled:
        return "disabled"
    if feed.failures:
        return f"failing ({plural(feed.failures, 'failure')} in a row)"
    return "ok" if feed.last_success else "not polled yet"


def feed_health_line(feed: FeedState, *, markdown: bool) -> str:
    """One line for /sources: the outlet, its health, last success, next attempt, last error."""
    parts = [feed_health(feed), f"last success {format_datetime(feed.last_success)}"]
    if feed.enabled:
        parts.append(f"next attempt {format_datetime(feed.next_due)}")
    if feed.last_error and (feed.failures or not feed.enabled):
        parts.append("last error: " + _shown(feed.last_error, 150, markdown=markdown))
    return f"{_feed_name(feed, markdown=markdown)} — " + " · ".join(parts)


def _feed_block(feed: FeedState, *, markdown: bool) -> str:
    """A feed in /feeds list: outlet and address, schedule and health, last error."""
    next_attempt = format_datetime(feed.next_due) if feed.enabled else "none (add it again)"
    lines = [
        f"{_feed_name(feed, markdown=markdown)} — {_shown(feed.url, 300, markdown=markdown)}",
        f"every {format_interval(feed.interval)} · {'enabled' if feed.enabled else 'disabled'}"
        f" · last success {format_datetime(feed.last_success)}"
        f" · {plural(feed.failures, 'failure')} · next attempt {next_attempt}",
    ]
    if feed.last_error:
        lines.append("last error: " + _shown(feed.last_error, 300, markdown=markdown))
    return "\n".join(lines)


def _feeds_title(feeds: Sequence[FeedState]) -> str:
    return f"Following {plural(len(feeds), 'feed')}" if feeds else "No feeds followed"


NO_FEEDS = "Add one with /feeds add url (a feed, or a news site's homepage)."
MORE_FEEDS = "… and {} more (python -m index feeds list shows them all)"


def feeds_embed(feeds: Sequence[FeedState], status: str) -> discord.Embed:
    """/feeds list: every feed's outlet, address, interval, health and last error."""
    blocks = [_feed_block(f, markdown=True) for f in feeds]
    description = "\n\n".join(_fit(blocks, DESCRIPTION_LIMIT, MORE_FEEDS, "\n\n"))
    embed = discord.Embed(
        title=_feeds_title(feeds), description=description or NO_FEEDS, colour=ANSWER_COLOUR
    )
    return embed.set_footer(text=truncate(status, 2048))


def feeds_text(feeds: Sequence[FeedState], status: str) -> str:
    blocks = [_feed_block(f, markdown=False) for f in feeds] or [NO_FEEDS]
    return "\n\n".join([_feeds_title(feeds) + ":", *blocks, status])


def feed_added(added: AddedFeed, *, markdown: bool) -> str:
    """What /feeds add did: the feed, where it was found, its outlet and interval."""
    feed = added.feed
    found = ""
    if added.discovered_on:
        found = f" (found on {_shown(added.discovered_on, 300, markdown=markdown)})"
    entries = "1 entry" if added.entries == 1 else f"{added.entries} entries"
    return (
        f"Following {_shown(feed.url, 300, markdown=markdown)}{found} as "
        f"{_feed_name(feed, markdown=markdown)}, every {format_interval(feed.interval)}; "
        f"{entries} in it now.\n{escape(added.polling) if markdown else added.polling}"
    )


def feed_removed(feed: FeedState, *, markdown: bool) -> str:
    return (
        f"No longer following {_shown(feed.url, 300, markdown=markdown)} "
        f"({_feed_name(feed, markdown=markdown)}); its articles stay in the index."
    )


def notice_embed(title: str, markdown: str) -> discord.Embed:
    """A short notice (``markdown`` already escaped) as an embed, which never previews links."""
    return discord.Embed(title=title, description=markdown, colour=ANSWER_COLOUR)


def help_embed() -> discord.Embed:
    return discord.Embed(title="Newsdesk", description=HELP_TEXT, colour=ANSWER_COLOUR)


def help_text() -> str:
    return HELP_TEXT.replace("**", "").replace("`", "")


def reindex_status_line(job: ReindexJob | None) -> str:
    if job is None:
        return "none since the bot started"
    if job.finished_at is None:
        return f"running since {format_datetime(job.started_at)} ({job.done}/{job.total} articles)"
    outcome = "failed" if job.error else "finished"
    return f"{outcome} {format_datetime(job.finished_at)}"


def reindex_progress(job: ReindexJob) -> str:
    kind = "Full reindex" if job.full else "Reindex"
    if job.waiting:
        return f"{kind} waiting for the feed poll in progress to finish…"
    if job.total:
        return f"{kind} running: {job.done}/{job.total} articles…"
    return f"{kind} started: reading the sources…"


def summary_text(summary: BuildSummary) -> str:
    line = (
        f"added {summary.added}, updated {summary.updated}, removed {summary.removed}, "
        f"unchanged {summary.unchanged}, failed {summary.failed} in {summary.seconds:.1f} s"
    )
    return line


def reindex_result(job: ReindexJob) -> str:
    """The final message of a reindex: the summary, or why it failed."""
    if job.error is not None:
        return truncate(
            f"Reindex failed; still answering from the previous index.\nReason: {job.error}",
            CONTENT_LIMIT,
        )
    assert job.summary is not None
    text = f"Reindex done: {summary_text(job.summary)}."
    problems = [str(p) for p in getattr(job.summary, "problems", [])[:10]]
    if problems:
        text += "\nProblems:\n" + "\n".join(f"• {p}" for p in problems)
    return truncate(text, CONTENT_LIMIT)
