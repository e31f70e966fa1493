"""Turning answers, index stats and reindex progress into Discord embeds and plain text.

Everything here is pure (no I/O) and keeps within Discord's limits: embed title 256, description
4096, field 1024 (25 fields), 6000 characters per embed in total, 2000 for plain message content.
Long answers lose whole parts from the end (each part is a sentence or quote with its citation
marker), so a citation is never cut in half; only a single part longer than the whole budget is
shortened, at a sentence or word boundary, keeping its marker. Links in plain text are wrapped
in ``<…>`` so Discord shows no preview; embeds never preview links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord.utils import escape_markdown

if TYPE_CHECKING:
    from bot.service import ReindexJob
    from index.answer import Answer, AnswerPart, Citation
    from index.build import BuildSummary
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
NOT_COVERED = "The articles I have don't answer that, so I won't guess."
FOOTER = "Quoted word for word from the articles; [n] marks the source of each part."

HELP_TEXT = """\
**Ask me about the news in my articles.** I answer only with sentences quoted from them, each \
with its source, and say so when the articles don't cover a question.

• `/ask question` — e.g. `/ask what did Zelenskyy say about NATO?`
  options: `source` (one outlet), `since` (a date like 2024-03-01, or 7d / 4w), `private` \
(only you see the answer)
• Send me a direct message, or mention me in a channel, with a question.
• `/sources` — the outlets I know, how many articles, and how fresh they are.
• `/reindex` — (admins) re-read the article sources."""


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


def _part(part: AnswerPart, *, markdown: bool) -> str:
    text = escape_markdown(part.text) if markdown else part.text
    body = f"“{text}”" if part.is_quote else text
    if part.label:
        body = f"{escape_markdown(part.label) if markdown else part.label}: {body}"
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
    title = truncate(citation.title or "Untitled article", 200)
    url = citation.url if citation.url and len(citation.url) <= 600 else None
    details = " · ".join(x for x in (citation.source, format_date(citation.published)) if x)
    prefix = f"[{citation.marker}] " if numbered else ""
    if markdown:
        prefix = f"**{prefix.strip()}** " if numbered else ""
        title = escape_markdown(title)
        link = f"[{title}]({url})" if url else title
    else:
        link = f"{title} <{url}>" if url else title
    return prefix + link + (f" — {details}" if details else "")


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
        description = truncate(answer.note or NOT_COVERED, 1000)
        embed = discord.Embed(title=title, colour=NOT_COVERED_COLOUR, description=description)
        lines = [_citation_line(c, markdown=True, numbered=False) for c in answer.closest[:10]]
        for name, value in _pack_fields("Closest articles", lines)[:3]:
            embed.add_field(name=name, value=value, inline=False)
        return embed

    citations = {c.marker: c for c in answer.citations}
    note = f"*{escape_markdown(truncate(answer.note, 500))}*\n\n" if answer.note else ""
    budget = DESCRIPTION_LIMIT - len(note)
    while True:
        description, kept = _fit_parts(answer.parts, budget, markdown=True)
        description = note + description
        embed = discord.Embed(title=title, description=description, colour=ANSWER_COLOUR)
        lines = [
            _citation_line(citations[m], markdown=True) for m in sorted(kept) if m in citations
        ]
        fields = _pack_fields("Sources", lines)
        for name, value in fields:
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=FOOTER)
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
    citations = {c.marker: c for c in answer.citations}
    all_sources = [_citation_line(c, markdown=False) for c in answer.citations]
    reserve = sum(len(x) + 1 for x in all_sources) + len("\n\nSources:\n")
    note = f"{answer.note}\n\n" if answer.note else ""
    budget = 10**9 if limit is None else max(200, limit - reserve - len(note))
    body, kept = _fit_parts(answer.parts, budget, markdown=False)
    body = note + body
    sources = [_citation_line(citations[m], markdown=False) for m in sorted(kept) if m in citations]
    text = body + "\n\nSources:\n" + "\n".join(sources)
    if limit is not None and len(text) > limit:
        text = truncate(text, limit)
    return text


# -- sources, help, reindex ------------------------------------------------------------------


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _collection_summary(stats: IndexStats) -> str:
    return f"{plural(stats.articles, 'article')} from {plural(len(stats.sources), 'outlet')}"


def sources_embed(stats: IndexStats, last_reindex: ReindexJob | None) -> discord.Embed:
    """Outlets with article counts and newest dates, plus when the index was built."""
    lines = [
        f"**{escape_markdown(s.name)}** — {plural(s.articles, 'article')}"
        + (f", newest {format_date(s.newest)}" if s.newest else "")
        for s in sorted(stats.sources, key=lambda s: (-s.articles, s.name.lower()))
    ]
    description = "\n".join(lines) or "No outlets yet."
    if len(description) > DESCRIPTION_LIMIT:
        description = truncate(
            description[: DESCRIPTION_LIMIT - 40].rsplit("\n", 1)[0], DESCRIPTION_LIMIT - 40
        )
        description += f"\n… and more ({len(lines)} outlets)"
    embed = discord.Embed(
        title=_collection_summary(stats),
        description=description,
        colour=ANSWER_COLOUR,
    )
    embed.add_field(name="Index built", value=format_datetime(stats.built_at), inline=True)
    embed.add_field(name="Last reindex", value=reindex_status_line(last_reindex), inline=True)
    return embed


def sources_text(stats: IndexStats, last_reindex: ReindexJob | None) -> str:
    lines = [_collection_summary(stats) + ":"]
    for s in sorted(stats.sources, key=lambda s: (-s.articles, s.name.lower())):
        newest = f", newest {format_date(s.newest)}" if s.newest else ""
        lines.append(f"  {s.name}: {plural(s.articles, 'article')}{newest}")
    lines.append(f"Index built: {format_datetime(stats.built_at)}")
    lines.append(f"Last reindex: {reindex_status_line(last_reindex)}")
    return "\n".join(lines)


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
