"""Following feeds through the real client: /feeds add|list|remove (who may, what is refused),
the poller in the background (new entries answered, heartbeats, failures, /reindex, another
poller), and /sources' feed health. Feeds and pages come from a local HTTP server."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from datetime import timedelta
from pathlib import Path

import discord_markdown as md
import pytest
from fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord, FakeInteraction
from feed_site import STORY, page, rss
from sample_articles import town_articles, write_corpus

from bot import render
from bot.client import NewsdeskBot
from bot.service import Newsdesk
from index.copying import copy_collection
from index.feeds.scheduler import ManualClock, PollerBusyError, poller_lock
from index.feeds.state import STATE_FILE, FeedStore
from index.store import IndexDirectory

HOME = (
    "<!DOCTYPE html><html><head><title>Harbour Gazette</title>"
    '<link rel="alternate" type="application/rss+xml" title="Top stories" href="/rss.xml">'
    "</head><body><h1>Harbour Gazette</h1><p>Local news.</p></body></html>"
)
FERRY = [
    "The harbour ferry between Northport and Eastwick will run every twenty minutes from April, "
    "the port authority said on Monday, after the number of passengers doubled last year.",
    "The authority is buying two electric boats for 9 million euros, paid partly by a regional "
    "climate grant, and will retire its two diesel ferries by the summer.",
    '"Commuters voted with their feet, and now we follow them," said the port director, Hannah '
    "Weiss, who expects the crossing to take twelve minutes.",
]
BUSES_QUESTION = "What did Maria Lopez say about the night buses?"
FERRY_QUESTION = "How often will the harbour ferry run from April?"


def bus_item(site) -> dict:
    url = site.serve("/news/buses", page("Council backs night buses", STORY))
    return {
        "title": "Council backs night buses",
        "link": url,
        "guid": "gazette-buses",
        "date": "Fri, 20 Dec 2024 09:30:00 +0000",
    }


def ferry_item(site, **route) -> dict:
    url = site.serve(
        "/news/ferry", page("Harbour ferry to run every twenty minutes", FERRY), **route
    )
    return {
        "title": "Harbour ferry to run every twenty minutes",
        "link": url,
        "guid": "gazette-ferry",
        "date": "Fri, 20 Dec 2024 11:00:00 +0000",
    }


def serve_feed(site, items: list[dict], *, path="/rss.xml", title="Harbour Gazette", tag="1"):
    body = rss(items, title=title, link=site.url("/"))
    return site.serve(path, body, content_type="application/rss+xml", etag=f'"{path}-{tag}"')


def embed_of(ix: FakeInteraction) -> dict:
    assert ix.original is not None and ix.original["embeds"], ix.original
    return ix.original["embeds"][0]


async def command(fake: FakeDiscord, name: str, options=None, **kwargs) -> dict:
    """Run ``/name`` and return what it finally showed (an embed, or the refusal's content)."""
    ix = await fake.send_interaction(name, options, **kwargs)
    message = await ix.wait_for_original(lambda m: bool(m["embeds"] or m["content"]))
    return message["embeds"][0] if message["embeds"] else {"content": message["content"]}


async def answer_links(fake: FakeDiscord, question: str) -> str:
    """The Sources field of /ask's answer to ``question``."""
    embed = await command(fake, "ask", {"question": question})
    return " ".join(f["value"] for f in embed.get("fields", []))


async def wait_for_polls(fake: FakeDiscord, bot: NewsdeskBot, count: int) -> None:
    await fake.wait_until(lambda: bot.service.feeds.polls >= count)


@pytest.fixture
async def feeds_bot(fake_discord, settings, start_bot, polling) -> NewsdeskBot:
    return await start_bot(fake_discord, settings, polling=polling)


# -- who may -----------------------------------------------------------------------------------


async def test_feeds_are_declared_for_server_managers_only(fake_discord: FakeDiscord, feeds_bot):
    group = fake_discord.command("feeds")
    assert group["default_member_permissions"] == str(MANAGE_GUILD)
    assert group["contexts"] == [0, 1] and group["integration_types"] == [0]
    subcommands = {o["name"]: o for o in group["options"]}
    assert sorted(subcommands) == ["add", "list", "remove"]
    assert [(o["name"], o.get("required", False)) for o in subcommands["add"]["options"]] == [
        ("url", True),
        ("source", False),
        ("every", False),
    ]
    for name in ("feeds add", "feeds list", "feeds remove"):
        options = {"url": "https://example.com/rss"} if name != "feeds list" else None
        with pytest.raises(AssertionError, match="would not show"):
            await fake_discord.send_interaction(name, options)


async def test_non_admins_are_refused_at_run_time_and_in_dms(
    fake_discord: FakeDiscord, feeds_bot, site, settings
):
    url = serve_feed(site, [bus_item(site)])
    member = {"user": fake_discord.member, "permissions": MEMBER_PERMISSIONS}
    for name, options in (("feeds add", {"url": url}), ("feeds list", None)):
        ix = await fake_discord.send_interaction(name, options, **member, server_override=True)
        ack = await ix.wait_for_ack()
        assert ack["type"] == 4 and ix.ephemeral
        assert ack["data"]["content"] == (
            "Only server managers and the bot's configured admins can manage the feeds. "
            "In DMs, your user id must be in NEWSDESK\\_ADMIN\\_IDS."
        )
        in_dm = await fake_discord.send_interaction(name, options, user=fake_discord.admin, dm=True)
        content = (await in_dm.wait_for_ack())["data"]["content"]
        assert content.startswith("Only server managers"), "no admin ids are configured"
    removal = await fake_discord.send_interaction(
        "feeds remove", {"url": url}, **member, server_override=True
    )
    assert (await removal.wait_for_ack())["data"]["content"].startswith("Only server managers")
    assert site.requests() == [] and not (settings.index_dir / STATE_FILE).exists()


async def test_admin_ids_may_manage_feeds_in_dms(
    fake_discord: FakeDiscord, settings, start_bot, polling, site
):
    await start_bot(
        fake_discord, settings, polling=polling, admin_ids=frozenset({int(fake_discord.admin.id)})
    )
    url = serve_feed(site, [bus_item(site)])
    refused = await command(
        fake_discord, "feeds add", {"url": url}, user=fake_discord.member, dm=True
    )
    assert refused["content"].startswith("Only server managers")
    ix = await fake_discord.send_interaction(
        "feeds add", {"url": url}, user=fake_discord.admin, dm=True
    )
    added = (await ix.wait_for_original(lambda m: bool(m["embeds"])))["embeds"][0]
    assert not ix.ephemeral, "a DM is private already"
    assert added["title"] == "Feed added"
    assert added["description"].startswith(f"Following {url} as **Harbour Gazette**, every 15 min")
    listed = await command(fake_discord, "feeds list", user=fake_discord.admin, dm=True)
    assert listed["title"] == "Following 1 feed"


# -- following a feed --------------------------------------------------------------------------


async def test_a_homepage_is_followed_polled_listed_answered_from_and_removed(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, clock: ManualClock, settings
):
    serve_feed(site, [bus_item(site)])
    site.serve("/", HOME)
    feed_url = site.url("/rss.xml")
    ix = await fake_discord.send_interaction(
        "feeds add", {"url": site.url("/"), "every": "30m"}, user=fake_discord.admin
    )
    assert (await ix.wait_for_ack())["type"] == 5 and ix.ephemeral
    added = (await ix.wait_for_original(lambda m: bool(m["embeds"])))["embeds"][0]
    assert added["description"] == (
        f"Following {feed_url} (found on {site.url('/')}) as **Harbour Gazette**, every 30 min; "
        "1 entry in it now.\nThe bot polls each feed in the background on its schedule."
    )

    # Polled in the background at once (the new feed is due), and served right after.
    await wait_for_polls(fake_discord, feeds_bot, 1)
    assert site.url("/news/buses") in await answer_links(fake_discord, BUSES_QUESTION)

    # A new entry appears; when the feed is due again the poller reads it, and /ask finds it.
    serve_feed(site, [ferry_item(site), bus_item(site)], tag="2")
    clock.advance(30 * 60)
    await wait_for_polls(fake_discord, feeds_bot, 2)
    assert site.url("/news/ferry") in await answer_links(fake_discord, FERRY_QUESTION)
    assert len(site.requests("/news/buses")) == 1, "an unchanged entry is not fetched again"

    listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
    assert listed["title"] == "Following 1 feed"
    assert listed["description"] == (
        f"**Harbour Gazette** — {feed_url}\n"
        "every 30 min · enabled · last success 2024-12-20 12:30 UTC · 0 failures · "
        "next attempt 2024-12-20 13:00 UTC"
    )
    assert listed["footer"]["text"] == "The bot polls each feed in the background on its schedule."

    sources = await command(fake_discord, "sources")
    assert sources["title"] == "6 articles from 5 outlets"
    assert "**Harbour Gazette** — 2 articles, newest 20 Dec 2024" in sources["description"]
    fields = {f["name"]: f["value"] for f in sources["fields"]}
    assert fields["Feeds"] == (
        "**Harbour Gazette** — ok · last success 2024-12-20 12:30 UTC · "
        "next attempt 2024-12-20 13:00 UTC"
    )

    removed = await command(
        fake_discord, "feeds remove", {"url": feed_url}, user=fake_discord.admin
    )
    assert removed["description"] == (
        f"No longer following {feed_url} (**Harbour Gazette**); its articles stay in the index."
    )
    listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
    assert listed["title"] == "No feeds followed"
    assert site.url("/news/ferry") in await answer_links(fake_discord, FERRY_QUESTION)
    # Following nothing, the bot lets go of the index's poller lock.
    await fake_discord.wait_until(lambda: feeds_bot.service.feeds._held is None)
    with poller_lock(settings.index_dir):
        pass


async def test_an_outlet_name_given_is_the_feeds_and_its_articles_source(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site
):
    url = serve_feed(site, [bus_item(site)])
    added = await command(
        fake_discord, "feeds add", {"url": url, "source": "City Desk"}, user=fake_discord.admin
    )
    assert added["description"].startswith(f"Following {url} as **City Desk**, every 15 min")
    await wait_for_polls(fake_discord, feeds_bot, 1)
    assert "— City Desk · 20 Dec 2024" in md.shown(await answer_links(fake_discord, BUSES_QUESTION))


async def test_remove_offers_the_followed_feeds(fake_discord: FakeDiscord, feeds_bot, site):
    url = serve_feed(site, [bus_item(site)])
    await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    ix = await fake_discord.send_interaction(
        "feeds remove", user=fake_discord.admin, focused=("url", "rss")
    )
    ack = await ix.wait_for_ack()
    assert ack["type"] == 8 and ack["data"]["choices"] == [{"name": url, "value": url}]
    missing = await command(
        fake_discord, "feeds remove", {"url": site.url("/nope.xml")}, user=fake_discord.admin
    )
    assert missing["content"] == (
        f"I don't follow {site.url('/nope.xml')}. /feeds list shows the feeds I follow."
    )


async def test_what_is_not_a_feed_is_refused_and_nothing_is_added(
    fake_discord: FakeDiscord, feeds_bot, site, settings
):
    site.serve("/about", "<!DOCTYPE html><html><head><title>About</title></head><body>Hi</body>")
    site.serve("/notes.txt", "plain words, not a feed", content_type="text/plain")
    url = serve_feed(site, [bus_item(site)])
    admin = {"user": fake_discord.admin}
    nothing = (
        "Nothing was added. Give me the address of an RSS, Atom or JSON feed, or of a page that "
        "links to one."
    )
    refusals = {
        site.url("/about"): f"I can't follow {site.url('/about')}: a web page that advertises "
        f"no feed. {nothing}",
        site.url("/gone.xml"): f"I can't follow {site.url('/gone.xml')}: HTTP 404 Not Found. "
        f"{nothing}",
        "ftp://example.com/rss": "Give me the http:// or https:// address of a feed",
    }
    for address, refusal in refusals.items():
        message = await command(fake_discord, "feeds add", {"url": address}, **admin)
        assert message["content"].startswith(refusal), message
        assert md.markup(message["content"]) == []
    notes = await command(fake_discord, "feeds add", {"url": site.url("/notes.txt")}, **admin)
    assert notes["content"].startswith(f"I can't follow {site.url('/notes.txt')}: not a feed")
    assert not (settings.index_dir / STATE_FILE).exists()

    for every, refusal in (
        ("soon", "I can't read 'soon' as an interval. Try 15m, 2h or 1h30m."),
        ("10s", "Poll a feed at most every minute and at least once a week, not every '10s'."),
    ):
        message = await command(fake_discord, "feeds add", {"url": url, "every": every}, **admin)
        assert message["content"] == refusal
    await command(fake_discord, "feeds add", {"url": url}, **admin)
    again = await command(fake_discord, "feeds add", {"url": url}, **admin)
    assert again["content"] == (
        f"I already follow {url}. /feeds list shows it; /feeds remove it first to change it."
    )
    assert [f.url for f in FeedStore(settings.index_dir).feeds()] == [url]


async def test_feed_titles_addresses_and_errors_never_become_markdown(
    fake_discord: FakeDiscord, feeds_bot, site, clock
):
    title = "**Breaking** [click](https://evil.example.com) @everyone ||spoiler|| _now_"
    url = serve_feed(site, [bus_item(site)], title=title)
    added = await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    store = FeedStore(feeds_bot.settings.index_dir)
    assert store.feeds()[0].outlet == title
    await wait_for_polls(fake_discord, feeds_bot, 1)
    site.serve("/rss.xml", "x", status=503)
    clock.advance(15 * 60)
    await fake_discord.wait_until(lambda: store.feeds()[0].failures > 0)
    listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
    sources = await command(fake_discord, "sources")
    feeds_field = next(f["value"] for f in sources["fields"] if f["name"] == "Feeds")
    ours = f"**{render.escape(title)}**"  # the outlet, in bold of our own
    for text in (added["description"], listed["description"], feeds_field):
        assert ours in text
        assert md.markup(text.replace(ours, "Outlet")) == [], text
        assert title in md.shown(text)
    assert "last error: HTTP 503 Service Unavailable" in md.shown(listed["description"])


# -- the poller in the background --------------------------------------------------------------


async def test_a_failing_feed_fails_alone(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, clock: ManualClock, settings
):
    good = serve_feed(site, [bus_item(site)])
    bad = serve_feed(site, [], path="/wire.xml", title="Wire")
    for url in (good, bad):
        await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    store = FeedStore(settings.index_dir)
    await fake_discord.wait_until(lambda: all(f.last_success for f in store.feeds()))

    site.serve("/wire.xml", "upstream down", status=500)
    serve_feed(site, [ferry_item(site), bus_item(site)], tag="2")
    clock.advance(15 * 60)
    await fake_discord.wait_until(lambda: store.get(bad).failures == 1)
    assert site.url("/news/ferry") in await answer_links(fake_discord, FERRY_QUESTION)

    sources = await command(fake_discord, "sources")
    health = next(f["value"] for f in sources["fields"] if f["name"] == "Feeds").split("\n")
    assert health[0] == (
        "**Harbour Gazette** — ok · last success 2024-12-20 12:15 UTC · "
        "next attempt 2024-12-20 12:30 UTC"
    )
    assert re.fullmatch(
        r"\*\*Wire\*\* — failing \(1 failure in a row\) · last success 2024-12-20 12:00 UTC · "
        r"next attempt 2024-12-20 12:(2[2-9]|3\d) UTC · last error: HTTP 500 Internal Server Error",
        health[1],
    ), health[1]
    listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
    assert "**Wire** — " + bad in listed["description"]
    assert "· 1 failure · next attempt" in listed["description"]
    assert "last error: HTTP 500 Internal Server Error" in listed["description"]

    # A day of failures later the feed is disabled; the other one and the bot carry on.
    def waiting() -> bool:
        feed = store.get(bad)
        return feed.next_due is None or feed.next_due > clock.now()

    for _ in range(8):
        clock.advance(6 * 3600)
        await fake_discord.wait_until(waiting)
    assert store.get(bad).enabled is False and store.get(good).enabled
    sources = await command(fake_discord, "sources")
    health = next(f["value"] for f in sources["fields"] if f["name"] == "Feeds").split("\n")
    assert health[1].startswith("**Wire** — disabled · last success 2024-12-20 12:00 UTC · ")
    assert site.url("/news/buses") in await answer_links(fake_discord, BUSES_QUESTION)


async def test_answers_say_when_a_feed_article_is_partial_and_when_it_was_updated(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, clock: ManualClock
):
    item = {
        "title": "Harbour ferry to run every twenty minutes",
        "link": site.url("/news/ferry-moved"),  # never served: the feed's summary stands in
        "guid": "gazette-ferry",
        "date": "Fri, 20 Dec 2024 11:00:00 +0000",
        "summary": " ".join(FERRY[:2]),
    }
    url = serve_feed(site, [item])
    await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    await wait_for_polls(fake_discord, feeds_bot, 1)
    sources = md.shown(await answer_links(fake_discord, FERRY_QUESTION))
    assert "— Harbour Gazette · 20 Dec 2024 · partial: feed summary only" in sources
    assert "updated" not in sources

    # The outlet rewrites the entry under the same GUID: re-indexed, cited with its update.
    serve_feed(site, [{**item, "summary": " ".join(FERRY)}], tag="2")
    clock.advance(15 * 60)
    await wait_for_polls(fake_discord, feeds_bot, 2)
    sources = md.shown(await answer_links(fake_discord, FERRY_QUESTION))
    assert (
        "— Harbour Gazette · 20 Dec 2024 · updated 2024-12-20 12:15 UTC · "
        "partial: feed summary only"
    ) in sources
    # The new version is what answers quote, as soon as the poll has indexed it.
    answer = await command(fake_discord, "ask", {"question": "What did Hannah Weiss say?"})
    assert "Commuters voted with their feet" in md.shown(answer["description"])


async def test_heartbeats_and_questions_are_answered_during_a_poll(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site
):
    url = serve_feed(site, [ferry_item(site, delay=1.5)])  # the page takes 1.5 s to come
    await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    await fake_discord.wait_until(lambda: bool(site.requests("/news/ferry")))
    page_asked = site.requests("/news/ferry")[0].at
    ask = await fake_discord.send_interaction("ask", {"question": BUSES_QUESTION})
    await ask.wait_for_ack()
    assert feeds_bot.service.feeds.polling_now, "the question came during the poll"
    assert ask.ack_delay is not None and ask.ack_delay < 0.5
    await wait_for_polls(fake_discord, feeds_bot, 1)
    during = [t for t in fake_discord.heartbeat_acks if page_asked < t < page_asked + 1.5]
    assert len(during) >= 4, during  # one every 0.2 s; a blocked event loop would send none
    assert site.url("/news/ferry") in await answer_links(fake_discord, FERRY_QUESTION)


async def test_a_question_asked_while_a_poll_is_being_indexed_is_answered(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, settings
):
    """64 entries are indexed in two steps of 32; once the first step is in the new segment's
    scratch directory and while the second is being embedded, /ask is answered (from the
    collection as it was) before the poll ends."""
    items = [
        {
            "title": f"Town {n} approves road budget",
            "guid": f"wire-town-{n}",
            "date": "Fri, 20 Dec 2024 09:30:00 +0000",
            "content": "".join(
                f"<p>The council of town number {n} approved {n * 1000 + k} dollars for road "
                f"repairs in district {n * 7 + k} on Monday, after residents of street {k} "
                f"complained about potholes for {k + 2} years.</p>"
                for k in range(4)
            ),
        }
        for n in range(64)
    ]
    url = serve_feed(site, items, path="/wire.xml", title="Local Wire")
    await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    segments = settings.index_dir / "segments"

    def writing() -> bool:
        return any(p.name.endswith("-build") for p in segments.iterdir())

    await fake_discord.wait_until(writing, seconds=120)
    ask = await fake_discord.send_interaction("ask", {"question": "Did the Fed cut rates?"})
    answered = await ask.wait_for_original(lambda m: bool(m["embeds"]))
    assert writing() and feeds_bot.service.feeds.polling_now, "answered during the update"
    assert "Federal Reserve cuts interest rates" in " ".join(
        f["value"] for f in answered["embeds"][0]["fields"]
    )
    await wait_for_polls(fake_discord, feeds_bot, 1)
    assert feeds_bot.service.feeds.last_report.added == 64


async def test_a_reindex_waits_for_the_poll_prunes_deleted_files_and_keeps_feed_articles(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, corpus: Path
):
    write_corpus(corpus, town_articles(3))
    url = serve_feed(site, [ferry_item(site, delay=1.5)])
    await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    await fake_discord.wait_until(lambda: bool(site.requests("/news/ferry")))
    reindex = await fake_discord.send_interaction("reindex", user=fake_discord.admin)
    waiting = await reindex.wait_for_original(lambda m: "waiting" in m["content"])
    assert waiting["content"] == "Reindex waiting for the feed poll in progress to finish…"
    assert feeds_bot.service.feeds.polls == 0
    final = await reindex.wait_for_original(lambda m: m["content"].startswith("Reindex done"))
    assert final["content"].startswith("Reindex done: added 3, updated 0, removed 0, unchanged 4")
    assert feeds_bot.service.feeds.polls == 1
    assert site.url("/news/ferry") in await answer_links(fake_discord, FERRY_QUESTION)

    # A reindex prunes: a deleted file's article goes, the feed's article (no file's) stays.
    (corpus / "town-1.md").unlink()
    again = await fake_discord.send_interaction("reindex", user=fake_discord.admin)
    final = await again.wait_for_original(lambda m: m["content"].startswith("Reindex done"))
    assert final["content"].startswith("Reindex done: added 0, updated 0, removed 1, unchanged 6")
    assert site.url("/news/ferry") in await answer_links(fake_discord, FERRY_QUESTION)
    found = await asyncio.to_thread(feeds_bot.service.engine.search, "town number 1 budget", k=7)
    assert "town-1" not in {hit.article_id for hit in found}


async def test_a_running_watcher_keeps_the_bot_from_polling_until_it_stops(
    fake_discord: FakeDiscord, settings, start_bot, polling, site, caplog
):
    url = serve_feed(site, [bus_item(site)])
    FeedStore(settings.index_dir).add(url, now=polling.scheduler.clock.now())
    caplog.set_level(logging.INFO, logger="bot.feeds")
    with poller_lock(settings.index_dir):  # as `python -m index watch` holds it
        bot = await start_bot(fake_discord, settings, polling=polling)
        await fake_discord.wait_until(lambda: "another poller" in caplog.text)
        listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
        assert listed["footer"]["text"].startswith("The bot does not poll: another poller (pid ")
        assert site.requests("/rss.xml") == [] and bot.service.feeds.polls == 0
    await wait_for_polls(fake_discord, bot, 1)  # the watcher stopped: the bot takes over
    assert "the bot polls the 1 feed(s) of" in caplog.text
    with pytest.raises(PollerBusyError), poller_lock(settings.index_dir):
        pass
    await bot.close()
    with poller_lock(settings.index_dir):  # closed: the lock is free again
        pass


async def test_poll_false_leaves_polling_to_the_cli(
    fake_discord: FakeDiscord, settings, start_bot, polling, site, clock
):
    bot = await start_bot(fake_discord, settings, polling=polling, poll=False)
    url = serve_feed(site, [bus_item(site)])
    added = await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    assert added["description"].endswith(
        "The bot does not poll feeds (NEWSDESK\\_POLL=false): python -m index watch on its index "
        "does."
    )
    clock.advance(3600)
    await asyncio.sleep(0.3)  # the follower looks at the feeds every 0.1 s
    listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
    assert "last success never" in listed["description"]
    assert len(site.requests("/rss.xml")) == 1 and bot.service.feeds.polls == 0


async def test_a_feed_added_by_the_cli_is_picked_up(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, settings, clock
):
    url = serve_feed(site, [bus_item(site)])
    FeedStore(settings.index_dir).add(url, now=clock.now() - timedelta(seconds=1))
    await wait_for_polls(fake_discord, feeds_bot, 1)
    assert site.url("/news/buses") in await answer_links(fake_discord, BUSES_QUESTION)


async def test_an_index_that_refuses_a_poll_gets_its_articles_next_time(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, settings, clock, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.feeds")
    url = serve_feed(site, [bus_item(site)])
    with IndexDirectory(settings.index_dir).build_lock():  # e.g. the CLI is building right now
        await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
        await wait_for_polls(fake_discord, feeds_bot, 1)
    assert "feeds: not indexed (fetched again next poll)" in caplog.text
    listed = await command(fake_discord, "feeds list", user=fake_discord.admin)
    assert "last error: indexing failed: " in listed["description"]
    clock.advance(300)
    await wait_for_polls(fake_discord, feeds_bot, 2)
    assert site.url("/news/buses") in await answer_links(fake_discord, BUSES_QUESTION)


async def test_closing_lets_the_poll_in_progress_finish_then_frees_the_index(
    fake_discord: FakeDiscord, feeds_bot: NewsdeskBot, site, settings
):
    url = serve_feed(site, [ferry_item(site, delay=1.0)])
    await command(fake_discord, "feeds add", {"url": url}, user=fake_discord.admin)
    await fake_discord.wait_until(lambda: bool(site.requests("/news/ferry")))
    assert feeds_bot.service.feeds.polling_now
    await feeds_bot.close()
    assert feeds_bot.service.feeds.polls == 1 and not feeds_bot.service.feeds.polling_now
    (feed,) = FeedStore(settings.index_dir).feeds()
    assert feed.last_success is not None and feed.entries_seen == 1
    with poller_lock(settings.index_dir):  # released
        pass


async def test_bots_sharing_a_postgresql_collection_elect_one_poller(
    fake_discord,
    settings,
    settings_with,
    start_bot,
    polling,
    site,
    clock,
    postgres_server,
    built_index,
    embedder,
):
    """Two bots answer from one collection in PostgreSQL (moved there by copy, vectors and
    all): one on Discord, one as the console runs it (the same service, without Discord). One
    polls the feeds, the other stands by, answers what the first indexed, and takes over when
    the first closes."""
    location = f"{postgres_server.url}?collection=bots-{uuid.uuid4().hex[:10]}"
    await asyncio.to_thread(copy_collection, built_index[1], location)
    url = serve_feed(site, [bus_item(site)])
    FeedStore(location).add(url, now=clock.now())
    first = await start_bot(fake_discord, settings, polling=polling, index_dir=location)
    await wait_for_polls(fake_discord, first, 1)
    second = await Newsdesk.open(
        settings_with(index_dir=location), embedder=embedder, polling=polling
    )
    second.start()
    try:
        await fake_discord.wait_until(
            lambda: second.feeds.status().startswith("The bot does not poll")
        )
        assert re.match(
            r"The bot does not poll: another poller \(newsdesk pid \d+ on .+\) leads the feeds "
            r"of collection 'bots-",
            second.feeds.status(),
        )
        answer = await second.ask(BUSES_QUESTION)
        assert site.url("/news/buses") in [c.url for c in answer.citations]
        assert second.feeds.polls == 0

        await first.close()  # its session ends, the lock with it: the second bot takes over
        serve_feed(site, [bus_item(site), ferry_item(site)], tag="2")
        clock.advance(15 * 60)
        await fake_discord.wait_until(lambda: second.feeds.polls >= 1)
        assert second.feeds.last_report.added == 1
        answer = await second.ask(FERRY_QUESTION)
        assert site.url("/news/ferry") in [c.url for c in answer.citations]
    finally:
        await second.close()
