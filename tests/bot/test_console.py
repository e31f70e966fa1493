"""The console chat: the same handlers as Discord, over stdin and stdout."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_site import STORY, page, rss
from sample_articles import MARS, write_corpus

from bot import logs
from bot.console import BANNER, Console, parse_ask, parse_feeds_add, parse_quotes
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


async def test_quotes_lists_a_persons_words_with_sources(service: Newsdesk):
    out = await chat(
        service,
        "/help",
        "/quotes Zelenskyy about:the occupied territories",
        "/quotes Jerome Powell",
    )
    assert "• /quotes speaker — what a person said, e.g. /quotes Zelenskyy about:NATO" in out
    assert (
        "Quotations from Zelenskyy about the occupied territories:\n\n"
        "Volodymyr Zelenskyy, as reported: He said the occupied territories could be returned "
        "later in a diplomatic way. [1]\n\n"
    ) in out
    assert (
        "Sources:\n[1] Zelenskyy would consider ceasefire in exchange for NATO cover of territory "
        "Kyiv controls <https://news.example.com/zelenskyy-nato> — Sky News · 29 Nov 2024\n"
    ) in out
    assert (
        "Quotations from Jerome Powell:\n\n"
        "Jerome Powell, as reported: Fed chair Jerome Powell said the central bank would be more "
        "cautious about further cuts next year. [1]\n\n"
        "Sources:\n[1] Federal Reserve cuts interest rates by a quarter point "
        "<https://news.example.com/fed-cuts-rates> — Reuters · 18 Dec 2024\n"
    ) in out


async def test_quotes_none_found_and_bad_input_are_explained(service: Newsdesk):
    out = await chat(
        service,
        "/quotes Zelenskyy about:banana bread recipes",
        '/quotes "Jerome Powell" source:reuters since:2025-01-01',
        "/quotes",
        "/quotes " + "x" * 120,
        "/quotes Powell source:Pravda",
        "/quotes Powell since:someday",
    )
    assert (
        "No quotations from Zelenskyy about banana bread recipes in the collection.\n"
        "Try /ask what did Zelenskyy say about banana bread recipes? — it reads every sentence"
    ) in out
    assert (
        "No quotations from Jerome Powell in the collection "
        "(only articles from reuters since 2025-01-01).\n"
    ) in out
    assert "Whose quotations? Give me a name, e.g. “/quotes Zelenskyy about:NATO”." in out
    assert "That name is too long (120 characters); please keep it under 100." in out
    assert "I have no articles from 'Pravda'." in out
    assert "I can't read 'someday' as a date." in out


def test_parse_quotes_takes_options_out_of_the_speaker():
    assert parse_quotes("Jerome Powell about:interest rates since:30d") == (
        "Jerome Powell",
        {"about": "interest rates", "since": "30d"},
    )
    assert parse_quotes('"Jerome Powell" ABOUT:"rates" source:Sky News') == (
        "Jerome Powell",
        {"about": "rates", "source": "Sky News"},
    )
    assert parse_quotes("Zelenskyy") == ("Zelenskyy", {})


async def test_the_operator_follows_feeds_from_the_console(
    index_dir: Path, corpus: Path, embedder, polling, site
):
    service = Newsdesk(
        Engine(index_dir, embedder=embedder), sources=[corpus], progress_interval=0, polling=polling
    )
    story = site.serve("/news/buses", page("Council backs night buses", STORY))
    item = {"title": "Council backs night buses", "link": story, "guid": "buses"}
    feed = site.serve("/rss.xml", rss([item], title="Gazette"), content_type="application/rss+xml")
    url = f"{feed}?source=rss"  # an option's name in the address is part of the address
    stdout = io.StringIO()
    console = Console(service, stdin=io.StringIO(""), stdout=stdout)
    service.start()
    try:
        await console.handle(f'/feeds add {url} source:"The Gazette" every:1h')
        async with asyncio.timeout(30):
            while service.feeds.polls < 1:  # noqa: ASYNC110 (polled in the background)
                await asyncio.sleep(0.05)
        for line in (
            "/ask What did Maria Lopez say about the night buses?",
            "/feeds list",
            "/sources",
            f"/feeds remove {url}",
            "/feeds",
            "/feeds frobnicate",
            "/help",
        ):
            await console.handle(line)
    finally:
        await service.close()
    out = stdout.getvalue()
    assert (
        f"Following {url} as The Gazette, every 1 h; 1 entry in it now.\n"
        "The bot polls each feed in the background on its schedule.\n"
    ) in out
    assert f"Council backs night buses <{story}> — The Gazette" in out
    assert (
        f"Following 1 feed:\n\nThe Gazette — {url}\n"
        "every 1 h · enabled · last success 2024-12-20 12:00 UTC · 0 failures · "
        "next attempt 2024-12-20 13:00 UTC\n\n"
    ) in out
    assert (
        "Feeds:\n  The Gazette — ok · last success 2024-12-20 12:00 UTC · "
        "next attempt 2024-12-20 13:00 UTC\n"
    ) in out
    assert f"No longer following {url} (The Gazette); its articles stay in the index.\n" in out
    assert "No feeds followed:\n\nAdd one with /feeds add url" in out
    assert "Use /feeds add URL [source:NAME] [every:15m], /feeds list or /feeds remove URL." in out
    assert "• /feeds add url — (admins) follow a news feed" in out


def test_parse_feeds_add_keeps_the_address_whole():
    assert parse_feeds_add('https://x.example/rss?source=a source:"The X" every:2h') == (
        "https://x.example/rss?source=a",
        {"source": "The X", "every": "2h"},
    )
    assert parse_feeds_add("https://x.example/") == ("https://x.example/", {})


# -- a clean terminal: the log goes to a file ------------------------------------------------

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR)")
NOT_COVERED = "The articles I have don't answer that, so I won't guess."
PRAVDA = "I have no articles from 'Pravda'."
BAD_LINE = '{"id": "cut-off", "title": "Half a line\n'


@pytest.fixture
def console_log(tmp_path: Path) -> Iterator[Path]:
    """Logging configured as ``python -m bot`` does for the console; undone afterwards."""
    root = logging.getLogger()
    level = root.level
    log_file = tmp_path / "state" / "newsdesk" / "console.log"
    handler = logs.configure("INFO", log_file=log_file)
    yield log_file
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)


async def test_the_chat_has_no_log_lines_and_says_each_thing_once(
    service: Newsdesk, corpus: Path, console_log: Path, capsys: pytest.CaptureFixture[str]
):
    (corpus / "broken.jsonl").write_text(BAD_LINE, encoding="utf-8")
    console = Console(service, stdin=io.StringIO(""), log_file=console_log)
    assert console.stdout is sys.stdout
    for line in ("How do I bake banana bread?", "/ask why? source:Pravda", "/reindex"):
        await console.handle(line)
    out, err = capsys.readouterr()
    assert err == ""
    assert not LOG_LINE.search(out), out
    assert out.count(NOT_COVERED) == 1 and out.count(PRAVDA) == 1
    assert out.count("broken.jsonl:1: invalid JSON") == 1  # in the reindex's Problems list
    assert "Reindex done: added 0, updated 0, removed 0, unchanged 4, failed 1 in" in out
    assert "BuildSummary(" not in out

    logged = await asyncio.to_thread(console_log.read_text, encoding="utf-8")
    assert "INFO    bot.service: ask: 'How do I bake banana bread?'" in logged
    assert "console: refused: I have no articles from 'Pravda'" in logged
    assert "WARNING index.build: skipped:" in logged and "broken.jsonl:1" in logged


async def test_the_banner_names_the_log_file(service: Newsdesk, tmp_path: Path):
    stdout = io.StringIO()
    log_file = tmp_path / "console.log"
    await Console(service, stdin=io.StringIO(""), stdout=stdout, log_file=log_file).run()
    assert stdout.getvalue().startswith(f"{BANNER}\nLog: {log_file}\n")


def test_without_a_usable_log_file_only_warnings_reach_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    root, level = logging.getLogger(), logging.getLogger().level
    handler = logs.configure("INFO", log_file=blocker / "console.log")
    try:
        assert not isinstance(handler, logging.FileHandler)
        logging.getLogger("bot.test").info("an info line")
        logging.getLogger("bot.test").warning("a warning line")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.captureWarnings(False)
    err = capsys.readouterr().err
    assert "a warning line" in err and "an info line" not in err


@pytest.mark.slow
def test_python_m_bot_without_a_token_keeps_the_terminal_for_the_chat(
    tmp_path: Path, index_dir: Path, corpus: Path
):
    (corpus / "broken.jsonl").write_text(BAD_LINE, encoding="utf-8")
    environment = {
        k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and "NEWSDESK_" not in k
    }
    environment.update(
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        XDG_STATE_HOME=str(tmp_path / "state"),
        NEWSDESK_INDEX_DIR=str(index_dir),
        NEWSDESK_SOURCES=str(corpus),
    )
    chat = "How do I bake banana bread?\n/ask why? source:Pravda\n/reindex\n/quit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input=chat,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    log_file = tmp_path / "state" / "newsdesk" / "console.log"
    assert result.stdout.startswith(f"{BANNER}\nLog: {log_file}\n")
    assert result.stderr == ""
    assert not LOG_LINE.search(result.stdout), result.stdout
    assert result.stdout.count(NOT_COVERED) == 1 and result.stdout.count(PRAVDA) == 1
    assert result.stdout.count("broken.jsonl:1: invalid JSON") == 1
    assert "Reindex done: added 0" in result.stdout and "BuildSummary(" not in result.stdout
    assert "bot: No DISCORD_TOKEN set: starting the console chat." in log_file.read_text()
