"""``python -m index`` as users and scripts run it: real subprocesses, real model, real files.

Each command that embeds or searches loads the model in its own process, which is slow on this
machine, so the index is built once per module (by the CLI itself) and the commands that change
an index run on copies of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.store import Generation, IndexDirectory

REPO = Path(__file__).resolve().parents[2]
METRICS = {
    "n",
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr@10",
    "answer_shown@3",
    "answer_in_article@1",
    "answer_in_article@5",
    "answer_in_article@10",
}

pytestmark = pytest.mark.slow


def run(*args: object, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m index ARGS`` with a clean Newsdesk environment (plus ``env``)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    environment.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", **env)
    return subprocess.run(
        [sys.executable, "-m", "index", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


def flat(text: str) -> str:
    """Messages with their line wrapping undone."""
    return " ".join(text.split())


def stats(index_dir: Path) -> dict:
    result = run("stats", "--index", index_dir, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory, news_corpus):
    """``build FILE DIR --index DIR --json`` of the shared news collection, run once."""
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    result = run(
        "build", news_corpus.jsonl, news_corpus.markdown_dir, "--index", index_dir, "--json"
    )
    return index_dir, result


@pytest.fixture(scope="module")
def cli_index(cli_build) -> Path:
    index_dir, result = cli_build
    assert result.returncode == 0, result.stderr
    return index_dir


@pytest.fixture
def index_copy(cli_index: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(cli_index, tmp_path / "index"))


def test_build_a_file_and_a_directory(cli_build, news_corpus):
    index_dir, result = cli_build
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["added"] == len(news_corpus.texts) == 15
    assert summary["duplicates"] == 1 and summary["articles"] == 14
    assert summary["failed"] == 0 and summary["problems"] == []
    assert summary["generation"] == 1 and summary["embedded_chunks"] == summary["chunks"]
    assert IndexDirectory(index_dir).current() == index_dir / "gen-000001"


def test_stats_in_words(cli_index):
    result = run("stats", "--index", cli_index)

    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("14 articles (1 duplicate stored once)")
    assert " UTC" in first and "+00:00" not in first
    assert "  Reuters: 6 articles, newest 2024-12-18" in result.stdout


def test_output_into_a_closed_pipe_ends_quietly(cli_index):
    # `python -m index ask ... | head -1`: the reader leaves before the answer is written.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    environment.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    process = subprocess.Popen(
        [sys.executable, "-m", "index", "ask", "Why did the Fed cut rates?", "--index", cli_index],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # long before the model has loaded and anything is printed
    _, stderr = process.communicate(timeout=900)

    assert process.returncode == 0
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr


def test_stats_json(cli_index):
    data = stats(cli_index)
    assert (data["articles"], data["duplicates"], data["generation"]) == (14, 1, 1)
    assert data["chunks"] > data["articles"]  # the park article has several chunks
    assert (data["model"], data["dimension"], data["index_type"]) == (
        "all-MiniLM-L6-v2",
        384,
        "flat",
    )
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["Reuters"]["articles"] == 6
    assert sources["Reuters"]["newest"].startswith("2024-12-18")
    assert "Wire Copy" not in sources  # the duplicate is stored once, under its original
    assert datetime.fromisoformat(data["built_at"]).tzinfo is not None


def test_search_json_with_source_and_date_filters(cli_index, news_corpus):
    result = run(
        "search",
        "dockworkers port strike",
        "--source",
        "REUTERS",
        "--since",
        "2024-03-01",
        "--until",
        "2024-06-30",
        # Asked the day after the strike began: without a date the newest coverage of the
        # story (the June backlog report) is preferred.
        "--as-of",
        "2024-03-11",
        "-k",
        "5",
        "--json",
        "--index",
        cli_index,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["query"] == "dockworkers port strike"
    hits = payload["hits"]
    assert hits and hits[0]["article_id"] == "port-strike-reuters"
    for hit in hits:
        assert hit["source"] == "Reuters"
        published = datetime.fromisoformat(hit["published"])
        assert datetime(2024, 3, 1, tzinfo=UTC) <= published < datetime(2024, 7, 1, tzinfo=UTC)
        text = news_corpus.texts[hit["article_id"]]
        for passage in hit["passages"]:
            assert text[passage["start"] : passage["end"]] == passage["text"]
            assert passage["score"] > 0
    assert "port-backlog-june" in [h["article_id"] for h in hits], (
        "--until 2024-06-30 must include articles published during June 30 (this one at 15:00)"
    )
    assert len(hits) == 2


def test_search_k_human_output_and_the_index_from_the_environment(cli_index):
    result = run(
        "search", "Federal Reserve interest rates", "-k", "1", NEWSDESK_INDEX_DIR=str(cli_index)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "1. Federal Reserve cuts interest rates by a quarter point — Reuters"
    )
    assert "[fed-cuts-rates]" in lines[0]
    assert not any(line.startswith("2. ") for line in lines)


def test_eval_json(cli_index, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {
                    "question": "By how much did the Federal Reserve cut its benchmark rate?",
                    "article_ids": ["fed-cuts-rates"],
                    "answer": "a quarter of a percentage point",
                },
                {
                    "question": "What did the chat company blame for the outage?",
                    "article_id": "chat-outage",
                    "answer": "a faulty database migration",
                    "question_date": "2024-10-05",
                },
                {
                    # The duplicate's id counts as its stored original.
                    "question": "Who is the chair of the Fed?",
                    "article_id": "zz-fed-copy",
                    "answer": "Jerome Powell",
                },
            ]
        )
        + "\n"
    )
    result = run("eval", questions, "--index", cli_index, "--json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert set(metrics) == METRICS
    assert metrics["n"] == 3
    for key in METRICS - {"n"}:
        assert 0.0 <= metrics[key] <= 1.0, key
    assert metrics["recall@5"] == metrics["recall@10"] == 1.0
    assert metrics["recall@1"] <= metrics["recall@5"] and metrics["mrr@10"] >= 0.5
    assert metrics["answer_shown@3"] == 1.0
    # Each answer is in the text of an article among the first five (the Fed copy's is too).
    assert metrics["answer_in_article@5"] == 1.0
    assert metrics["answer_in_article@1"] <= metrics["answer_in_article@5"]


def test_add_indexes_new_files_without_pruning(index_copy, tmp_path, write_markdown):
    volcano = write_markdown(
        tmp_path / "volcano.md",
        "A volcano erupted in Iceland, sending lava toward the evacuated town of Grindavik.",
        id="volcano",
        title="Volcano erupts",
        source="RÚV",
    )
    result = run("add", volcano, "--index", index_copy, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["removed"], summary["articles"]) == (1, 0, 15)
    assert summary["embedded_chunks"] == 1 and summary["generation"] == 2
    assert stats(index_copy)["articles"] == 15


def test_remove_by_id(index_copy):
    result = run("remove", "chat-outage", "--index", index_copy, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["removed"] == 1
    generation = Generation(IndexDirectory(index_copy).current())
    assert generation.article_rows_by_id(["chat-outage", "fed-cuts-rates"]).keys() == {
        "fed-cuts-rates"
    }
    generation.close()
    assert stats(index_copy)["articles"] == 13


def test_strict_build_exits_3_when_input_was_skipped(index_copy, news_corpus, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "cut-off", "title": "Half a line\n')
    paths = [news_corpus.jsonl, news_corpus.markdown_dir, bad]
    strict = run("build", *paths, "--index", index_copy, "--strict", "--json")
    assert strict.returncode == 3, strict.stderr
    summary = json.loads(strict.stdout)
    assert summary["failed"] == 1 and summary["unchanged"] == 15
    assert summary["problems"][0].startswith(f"{bad}:1: invalid JSON")
    assert summary["generation"] is None  # nothing already indexed was touched

    lenient = run("build", *paths, "--index", index_copy)
    assert lenient.returncode == 0, lenient.stderr
    assert f"skipped {bad}:1: invalid JSON" in lenient.stderr
    assert "nothing changed" in lenient.stdout


def test_each_skipped_input_is_reported_once(index_copy, news_corpus, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "cut-off", "title": "Half a line\n')
    paths = [news_corpus.jsonl, news_corpus.markdown_dir, bad]
    problem = f"{bad}:1: invalid JSON"

    human = run("build", *paths, "--index", index_copy)
    assert human.returncode == 0, human.stderr
    assert (human.stdout + human.stderr).count(problem) == 1, human.stderr
    assert f"skipped {problem}" in human.stderr
    assert "1 failed" in human.stdout

    scripted = run("build", *paths, "--index", index_copy, "--json")
    assert scripted.returncode == 0, scripted.stderr
    assert problem not in scripted.stderr
    assert [p for p in json.loads(scripted.stdout)["problems"] if p.startswith(problem)] != []


def test_bad_usage_exits_2(tmp_path, cli_index):
    no_index = run("stats", cwd=tmp_path)  # no --index, no NEWSDESK_INDEX_DIR, no .env here
    assert no_index.returncode == 2
    assert "NEWSDESK_INDEX_DIR" in flat(no_index.stderr)
    unknown = run("frobnicate", "--index", cli_index)
    assert unknown.returncode == 2 and "frobnicate" in unknown.stderr
    bad_date = run("search", "ports", "--since", "someday", "--index", cli_index)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    no_paths = run("build", "--index", cli_index)
    assert no_paths.returncode == 2
    # A count of things must be a whole number of at least 1 (-k -1 returned 4 hits).
    for args in (
        ("search", "ports", "-k", "-1"),
        ("ask", "Why did the dockworkers strike?", "-k", "0"),
        ("quotes", "Ortega", "-n", "0"),
        ("search", "ports", "-k", "five"),
    ):
        counted = run(*args, "--index", cli_index)
        assert counted.returncode == 2, (args, counted.stderr)
        assert "must be at least 1" in counted.stderr or "not a whole number" in counted.stderr
    # An empty question, query or speaker is bad usage, not a question the articles miss.
    for args in (("ask", ""), ("ask", "   "), ("search", ""), ("quotes", " ")):
        empty = run(*args, "--index", cli_index)
        assert empty.returncode == 2, (args, empty.stdout, empty.stderr)
        assert "is empty" in empty.stderr


def test_a_missing_index_exits_1_and_says_how_to_build(tmp_path):
    missing = tmp_path / "no-index"
    for command in (["stats"], ["remove", "some-id"]):
        result = run(*command, "--index", missing)
        assert result.returncode == 1, (command, result.stderr)
        assert f"python -m index build PATH... --index {missing}" in flat(result.stderr)
    nothing = run("build", tmp_path / "nowhere", "--index", missing)
    assert nothing.returncode == 1 and "no such file or directory" in flat(nothing.stderr)
    assert not missing.exists() or not list(missing.glob("gen-*"))


def test_the_cli_takes_a_url_everywhere_and_never_makes_a_folder_of_it(
    tmp_path, news_corpus, postgres_server
):
    collection = f"{postgres_server.url}?collection=cli{uuid.uuid4().hex[:8]}"

    # Run where a URL read as a path would have made a folder "postgresql:".
    def here(*args):
        return run(*args, cwd=tmp_path)

    built = here("build", *news_corpus.paths, "--index", collection, "--json")
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)["articles"] == 14
    found = here("search", "port strike", "--index", collection, "--source", "BBC", "--json")
    assert found.returncode == 0, found.stderr
    assert [h["article_id"] for h in json.loads(found.stdout)["hits"]] == ["port-strike-bbc"]
    asked = here("ask", "What did Lucia Ortega say?", "--index", collection, "--json")
    assert asked.returncode == 0 and json.loads(asked.stdout)["covered"], asked.stderr
    quoted = here("quotes", "Ortega", "--index", collection, "--json")
    assert json.loads(quoted.stdout)["quotes"], quoted.stderr
    stats = here("stats", "--index", collection, "--json")
    assert json.loads(stats.stdout)["articles"] == 14, stats.stderr
    copied = here("copy", collection, tmp_path / "copy", "--json")
    assert copied.returncode == 0 and json.loads(copied.stdout)["articles"] == 14
    missing = here("stats", "--index", collection.replace("collection=", "collection=none"))
    assert missing.returncode == 1 and "no collection" in " ".join(missing.stderr.split())
    unreachable = here("stats", "--index", "postgresql://nobody@127.0.0.1:1/none")
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]


SECRET = "s3cr3t-pw"
MISTAKES = [
    f"postgresq://user:{SECRET}@127.0.0.1/db",
    f"postgresql:/user:{SECRET}@127.0.0.1/db",
    f"psql://user:{SECRET}@127.0.0.1/db",
    f"pg://user:{SECRET}@127.0.0.1/db",
    f" postgresql://user:{SECRET}@127.0.0.1/db",
    f"postgresql://user:{SECRET}@127.0.0.1/db ",
]
BAD_OPTIONS = {
    f"postgresql://user:{SECRET}@127.0.0.1/db?colection=archive": "unknown option 'colection'",
    f"postgresql://user:{SECRET}@127.0.0.1/db?text_rank=bogus": "text_rank must be one of",
    f"postgresql://user:{SECRET}@127.0.0.1/db?collection=": "an empty collection name",
    f"postgresql://user:{SECRET}@127.0.0.1:notaport/db": "is not a port number",
    f"postgresql://user:{SECRET}@127.0.0.1:99999/db": "is not a port number",
    # A password given as an option is hidden too.
    f"postgresql://user@127.0.0.1/db?password={SECRET}&collection=": "an empty collection name",
    f"postgresql://user@127.0.0.1/db?password={SECRET}&colection=x": "unknown option 'colection'",
}


def assert_bad_usage(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and says in flat(result.stderr), result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_a_misspelled_or_foreign_url_is_bad_usage_and_never_a_folder(tmp_path, news_corpus):
    for location in MISTAKES:
        for args in (
            ("build", *news_corpus.paths, "--index", location),
            ("stats", "--index", location),
            ("feeds", "list", "--index", location),
            ("copy", location, tmp_path / "copy"),
        ):
            result = run(*args, cwd=tmp_path)
            spaces = location != location.strip()
            assert_bad_usage(
                result,
                "spaces around the URL 'postgresql://user@127.0.0.1/db'"
                if spaces
                else "postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE",
            )
        from_env = run("stats", cwd=tmp_path, NEWSDESK_INDEX_DIR=location)
        assert_bad_usage(from_env, "NEWSDESK_INDEX_DIR")
    replica = run("stats", "--index", "postgresql://u@h/d", "--replica", MISTAKES[0], cwd=tmp_path)
    assert_bad_usage(replica, "--replica must be a postgresql:// URL")
    assert list(tmp_path.iterdir()) == []


def test_mistakes_in_a_urls_options_are_bad_usage(tmp_path, news_corpus):
    for location, says in BAD_OPTIONS.items():
        for args in (
            ("build", *news_corpus.paths, "--index", location),
            ("feeds", "list", "--index", location),
            ("copy", tmp_path / "nothing", location),
        ):
            assert_bad_usage(run(*args, cwd=tmp_path), says)
        assert_bad_usage(run("stats", cwd=tmp_path, NEWSDESK_INDEX_DIR=location), says)
    assert list(tmp_path.iterdir()) == []


# Values libpq or psycopg refuse only when connecting (no server is contacted).
REFUSED_VALUES = {
    f"postgresql://user:{SECRET}@127.0.0.1/db?sslmode=bogus": 'invalid sslmode value: "bogus"',
    f"postgresql://user:{SECRET}@127.0.0.1/db?connect_timeout=soon": "bad value for "
    "connect_timeout: 'soon'",
    f"postgresql://user:{SECRET}@127.0.0.1/db?keepalives=x": 'invalid integer value "x" for '
    'connection option "keepalives"',
    f"postgresql://user@127.0.0.1/db?password={SECRET}&sslmode=bogus": "invalid sslmode value",
}


def test_a_connection_parameter_with_a_refused_value_is_bad_usage(tmp_path, news_corpus):
    for location, says in REFUSED_VALUES.items():
        for args in (
            ("build", *news_corpus.paths, "--index", location),
            ("search", "port strike", "--index", location),
            ("feeds", "list", "--index", location),
        ):
            assert_bad_usage(run(*args, cwd=tmp_path), says)
        assert_bad_usage(run("stats", cwd=tmp_path, NEWSDESK_INDEX_DIR=location), says)
    assert list(tmp_path.iterdir()) == []


def test_a_role_that_may_not_create_the_vector_extension_is_told_what_to_do(
    tmp_path, news_corpus, postgres_server
):
    import psycopg

    name = f"plain{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN")
        admin.execute(f"CREATE DATABASE {name} OWNER {name}")
    base = postgres_server.url.rsplit("/", 1)[0].replace("//newsdesk@", f"//{name}@")
    collection = f"{base}/{name}?collection=news"
    for args in (
        ("build", *news_corpus.paths, "--index", collection),
        ("copy", tmp_path / "nothing", collection),
        ("feeds", "list", "--index", collection),
    ):
        if args[0] == "copy":
            built = run("build", *news_corpus.paths, "--index", tmp_path / "nothing")
            assert built.returncode == 0, built.stderr
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        said = flat(result.stderr)
        assert f'the database "{name}" has no "vector" extension' in said, said
        assert "CREATE EXTENSION vector;" in said and "administrator" in said
    with psycopg.connect(postgres_server.url.rsplit("/", 1)[0] + f"/{name}") as database:
        assert database.execute("SELECT to_regclass('collections')").fetchone()[0] is None


def test_a_connection_error_names_the_collection_given(tmp_path):
    unreachable = "postgresql://nobody:s3cr3t-pw@127.0.0.1:1/none?collection=archive"
    for args in (("stats", "--index", unreachable), ("feeds", "list", "--index", unreachable)):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        said = flat(result.stderr)
        assert "cannot connect to postgresql://nobody@127.0.0.1:1/none?collection=archive" in said
        assert "collection=default" not in said and SECRET not in said


def test_copy_refusals_name_collections_without_the_password(
    tmp_path, news_corpus, postgres_server
):
    one = sorted(news_corpus.markdown_dir.glob("*.md"))[0]
    built = run("build", one, "--index", tmp_path / "one")
    assert built.returncode == 0, built.stderr
    # Trust authentication ignores the password: it only has to stay out of every message.
    name = f"c{uuid.uuid4().hex[:8]}"
    collection = postgres_server.url.replace("//newsdesk@", f"//newsdesk:{SECRET}@")
    collection += f"?collection={name}"
    copied = run("copy", tmp_path / "one", collection)
    assert copied.returncode == 0, copied.stderr
    shown = postgres_server.url.replace("postgresql://", "") + f"?collection={name}"
    again = run("copy", tmp_path / "one", collection)
    assert again.returncode == 1 and SECRET not in again.stderr + again.stdout, again.stderr
    assert f"{shown} already holds a collection (1 article);" in flat(again.stderr)
    itself = run("copy", collection, collection)
    assert itself.returncode == 1 and SECRET not in itself.stderr + itself.stdout, itself.stderr
    assert "are the same collection" in flat(itself.stderr)


def test_ctrl_c_during_a_build_on_postgresql_says_what_is_kept(tmp_path, postgres_server):
    import signal
    import time

    wire = tmp_path / "many.jsonl"
    words = "Dockworkers walked off the job at every port after contract talks collapsed. "
    with wire.open("w", encoding="utf-8") as out:
        for number in range(600):
            record = {
                "id": f"story-{number}",
                "title": f"Story {number} about ports",
                "text": f"Report {number}. " + words * 40,
                "source": "Wire",
                "published": "2024-03-10T08:00:00Z",
            }
            out.write(json.dumps(record) + "\n")
    collection = f"{postgres_server.url}?collection=c{uuid.uuid4().hex[:8]}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    environment.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    build = subprocess.Popen(
        [sys.executable, "-m", "index", "build", wire, "--index", collection],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and build.poll() is None:
            held = run("stats", "--index", collection, "--json", cwd=tmp_path)
            if held.returncode == 0 and json.loads(held.stdout)["articles"]:
                break
            time.sleep(0.5)
        build.send_signal(signal.SIGINT)
        _, stderr = build.communicate(timeout=120)
    finally:
        build.kill()
    assert build.returncode == 130, stderr
    said = flat(stderr)
    assert "articles committed so far are kept and served; build again to finish" in said
    assert "unchanged" not in said
    kept = json.loads(run("stats", "--index", collection, "--json", cwd=tmp_path).stdout)
    assert 0 < kept["articles"] < 600


def test_copy_takes_the_followed_feeds_along_both_ways(tmp_path, news_corpus, postgres_server):
    from index.feeds.state import ArticleRecord, EntryRecord, FeedStore

    one = sorted(news_corpus.markdown_dir.glob("*.md"))[0]
    built = run("build", one, "--index", tmp_path / "one")
    assert built.returncode == 0, built.stderr
    feed = "http://127.0.0.1:1/feed.xml"  # nothing listens: followed with --force
    added = run(
        "feeds", "add", feed, "--source", "Harbour News", "--every", "2h", "--force",
        "--index", tmp_path / "one",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    FeedStore(tmp_path / "one").record(
        entries=[EntryRecord(feed, "entry-1", "hash-1", "story-1")],
        articles=[ArticleRecord("story-1", "content-1", "https://news.example/1")],
        now=datetime.now(UTC),
    )
    collection = f"{postgres_server.url}?collection=c{uuid.uuid4().hex[:8]}"
    for source, target in ((tmp_path / "one", collection), (collection, tmp_path / "back")):
        copied = run("copy", source, target)
        assert copied.returncode == 0, copied.stderr
        assert "and 1 followed feed in" in copied.stdout
        listed = run("feeds", "list", "--index", target, "--json")
        (state,) = json.loads(listed.stdout)["feeds"]
        assert (state["url"], state["outlet"], state["interval"], state["enabled"]) == (
            feed,
            "Harbour News",
            7200,
            True,
        )
        assert state["entries_seen"] == 1
        store = FeedStore(target)
        assert store.entry(feed, "entry-1") == EntryRecord(feed, "entry-1", "hash-1", "story-1")
        assert store.article("story-1") == ArticleRecord(
            "story-1", "content-1", "https://news.example/1"
        )


def make_index(index: Path, sample: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``make index`` with a clean Newsdesk environment, on the virtualenv running the tests
    (never reinstalling it: a clone tested with another checkout's venv has no ``.venv``)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    environment.update(env)
    venv = sys.prefix
    return subprocess.run(
        [
            "make",
            f"VENV={venv}",
            "-o",
            f"{venv}/.installed",
            "index",
            f"INDEX={index}",
            f"SAMPLE={sample}",
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_index_builds_where_make_run_serves(tmp_path, news_corpus, postgres_server):
    sample = tmp_path / "sample"
    sample.mkdir()
    shutil.copy(sorted(news_corpus.markdown_dir.glob("*.md"))[0], sample)
    collection = f"{postgres_server.url}?collection=c{uuid.uuid4().hex[:8]}"
    made = make_index(tmp_path / "index", sample, NEWSDESK_INDEX_DIR=collection)
    assert made.returncode == 0, made.stderr
    assert json.loads(run("stats", "--index", collection, "--json").stdout)["articles"] == 1
    assert not (tmp_path / "index").exists()
    made = make_index(tmp_path / "index", sample)
    assert made.returncode == 0, made.stderr
    assert stats(tmp_path / "index")["articles"] == 1
