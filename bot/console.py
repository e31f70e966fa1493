"""A chat in the terminal over the same handlers as Discord, for running without a token.

A typed line is a question; ``/ask QUESTION [source:NAME] [since:DATE]``,
``/quotes SPEAKER [about:TOPIC] [source:NAME] [since:DATE]``, ``/sources``, ``/reindex [full]``,
``/feeds add URL [source:NAME] [every:15m]``, ``/feeds list``, ``/feeds remove URL``, ``/help``
and ``/quit`` work as in Discord. The person at the console is the operator, so /reindex and
/feeds need no permission here and there is no rate limit. Only the chat is
written to the terminal: ``python -m bot`` sends the log to a file, which the banner names.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot import render
from bot.errors import describe
from bot.service import Newsdesk, ReindexJob

PROMPT = "newsdesk> "
BANNER = "Newsdesk console: ask a question, or type /help. /quit (or Ctrl-D) leaves."
_OPTION = re.compile(r"\b(source|since)[:=](?:\"([^\"]*)\"|(\S+))", re.IGNORECASE)
_FEED_OPTION = re.compile(r"\b(source|every)[:=](?:\"([^\"]*)\"|(\S+))", re.IGNORECASE)
FEEDS_USAGE = "Use /feeds add URL [source:NAME] [every:15m], /feeds list or /feeds remove URL."
# /quotes options: a value runs to the next option, so "about:interest rates" needs no quotes.
_QUOTES_OPTION = re.compile(
    r"\b(about|source|since)[:=](?:\"([^\"]*)\"|(.*?))(?=\s+(?:about|source|since)[:=]|\s*$)",
    re.IGNORECASE,
)


def _take_options(text: str, pattern: re.Pattern[str]) -> tuple[str, dict[str, str]]:
    options = {m.group(1).lower(): m.group(2) or m.group(3) for m in pattern.finditer(text)}
    return " ".join(pattern.sub(" ", text).split()), options


def parse_ask(text: str) -> tuple[str, dict[str, str]]:
    """Split ``what happened? source:"Sky News" since:7d`` into the question and its options."""
    return _take_options(text, _OPTION)


def parse_feeds_add(text: str) -> tuple[str, dict[str, str]]:
    """Split ``URL source:"Example News" every:30m`` into the address and its options (the
    address is the first word, so a ``?source=`` in it stays in it)."""
    url, _, rest = text.strip().partition(" ")
    rest, options = _take_options(rest, _FEED_OPTION)
    return (f"{url} {rest}" if rest else url), options


def parse_quotes(text: str) -> tuple[str, dict[str, str]]:
    """Split ``Jerome Powell about:interest rates since:30d`` into the speaker and its options."""
    options = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _QUOTES_OPTION.finditer(text)
    }
    speaker = " ".join(_QUOTES_OPTION.sub(" ", text).split())
    return speaker.strip('"“”'), options


class Console:
    """Reads lines from ``stdin`` and writes answers to ``stdout``."""

    def __init__(
        self,
        service: Newsdesk,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        log_file: Path | None = None,
    ):
        self.service = service
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.log_file = log_file

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def run(self) -> None:
        """Chat until ``/quit`` or end of input."""
        self.write(BANNER if self.log_file is None else f"{BANNER}\nLog: {self.log_file}")
        lines = self._lines()
        while True:
            self.stdout.write(PROMPT)
            self.stdout.flush()
            line = await lines.get()
            if line is None or not await self.handle(line):
                self.write("")
                return

    def _lines(self) -> asyncio.Queue[str | None]:
        """Lines from stdin, read by a daemon thread so Ctrl-C never waits on a blocked read."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def read(put: Callable[[str | None], object] = queue.put_nowait) -> None:
            for line in iter(self.stdin.readline, ""):
                loop.call_soon_threadsafe(put, line)
            loop.call_soon_threadsafe(put, None)

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        return queue

    async def handle(self, line: str) -> bool:
        """Answer one line; False when the user wants to leave."""
        text = line.strip()
        if not text:
            return True
        command, _, rest = text.partition(" ")
        command = command.lower()
        try:
            if command in ("/quit", "/exit"):
                return False
            if command == "/help":
                self.write(render.help_text())
            elif command == "/sources":
                report = await self.service.sources_report()
                self.write(render.sources_text(report.stats, report.last_reindex, report.feeds))
            elif command == "/feeds":
                await self._feeds(rest)
            elif command == "/reindex":
                full = rest.strip().lower() in ("full", "full:true", "--full", "true")
                job = await self.service.reindex(
                    requested_by="console", full=full, on_progress=self._progress
                )
                self.write(render.reindex_result(job))
            elif command == "/quotes":
                speaker, options = parse_quotes(rest)
                hits = await self.service.quotes(speaker, **options)
                self.write(render.quotes_text(speaker, hits, **options))
            elif command.startswith("/") and command != "/ask":
                self.write(f"Unknown command {command}. Try /help.")
            else:
                question, options = parse_ask(rest if command == "/ask" else text)
                answer = await self.service.ask(question, **options)
                self.write(render.answer_text(answer))
        except Exception as exc:
            self.write(describe(exc, where="console"))
        return True

    async def _feeds(self, text: str) -> None:
        action, _, rest = text.strip().partition(" ")
        feeds = self.service.feeds
        if action.lower() in ("", "list"):
            self.write(render.feeds_text(await feeds.feeds(), feeds.status()))
        elif action.lower() == "add" and rest.strip():
            url, options = parse_feeds_add(rest)
            self.write(render.feed_added(await feeds.add(url, **options), markdown=False))
        elif action.lower() == "remove" and rest.strip():
            self.write(render.feed_removed(await feeds.remove(rest), markdown=False))
        else:
            self.write(FEEDS_USAGE)

    async def _progress(self, job: ReindexJob) -> None:
        self.write(render.reindex_progress(job))
