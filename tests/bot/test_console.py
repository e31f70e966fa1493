"""The console chat: the same handlers as Discord, over stdin and stdout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sample_articles import MARS, write_corpus

from bot.console import Console, parse_ask
from bot.service import Newsdesk
from index.engine import Engine


@pytest.fixture
def service(index_dir: Path, corpus: Path, embedder) -> Newsdesk:
    return Newsdesk(Engine(index_dir, embedder=embedder), sources=[corpus], progress_interval=0)


async def chat(service: Newsdesk, *lines: str) -> str:
    stdout = io.StringIO()
    await Console(service, stdin=io.StringIO("".join(f"{x}\n" for x in lines)), stdout=stdout).run()
    return stdout.getvalue()


async def test_a_typed_line_is_a_question(service: Newsdesk):
    out = await chat(service, "What did Zelenskyy say about NATO?")
    assert "Zelenskyy told Sky News" in out or "NATO umbrella" in out
    assert "Sources:\n[1] Zelenskyy would consider ceasefire" in out
    assert "<https://news.example.com/zelenskyy-nato>" in out


async def test_commands_work_as_in_discord(service: Newsdesk, corpus: Path):
    write_corpus(corpus, {"mars.md": MARS})
    out = await chat(
        service,
        "/help",
        '/ask what was agreed? source:"bbc" since:2024-11-01',
        "/sources",
        "/reindex",
        "/ask What did the rover find on Mars?",
        "/frobnicate",
        "/quit",
        "never read",
    )
    assert "/ask question" in out
    assert (
        "COP29 ends with a $300bn climate finance deal <https://news.example.com/cop29-deal>" in out
    )
    assert "4 articles from 4 outlets:\n  BBC: 1 article, newest 24 Nov 2024" in out
    assert "Reindex running: 0/1 articles…" in out
    assert "Reindex done: added 1, updated 0, removed 0, unchanged 4, failed 0 in" in out
    assert (
        "Mars rover finds signs of ancient lake shoreline <https://news.example.com/mars-lake>"
        in out
    )
    assert "Unknown command /frobnicate. Try /help." in out
    assert "never read" not in out


async def test_errors_are_explained_not_raised(service: Newsdesk):
    out = await chat(service, "/ask why? source:Pravda", "/ask why? since:someday")
    assert "I have no articles from 'Pravda'." in out
    assert "I can't read 'someday' as a date." in out


def test_parse_ask_takes_options_out_of_the_question():
    assert parse_ask('what happened? source:"Sky News" since:7d') == (
        "what happened?",
        {"source": "Sky News", "since": "7d"},
    )
    assert parse_ask("what's new") == ("what's new", {})
