"""Fixtures for the engine tests: the real model (loaded once) and small real indexes.

Nothing of ours is mocked. The model is loaded once per session and shared by every test
(``Engine(dir, embedder=embedder)``, ``Builder(dir, embedder)``). This machine embeds only a few
chunks a second, so test collections are a handful of short articles, and the one index that
many tests only read (``news_index``) is built once per session: tests must not modify it — copy
it with ``copy_index`` first.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest
import yaml

from index.build import Builder
from index.embedding import Embedder

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

WriteJsonl = Callable[[Path, Iterable[Mapping[str, Any]]], Path]
WriteMarkdown = Callable[..., Path]


def record(article_id: str, title: str, text: str, **fields: Any) -> dict[str, Any]:
    """A JSONL article record."""
    return {"id": article_id, "title": title, "text": text, **fields}


def _write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(dict(r), ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_markdown(path: Path, body: str, **meta: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) if meta else ""
    path.write_text(f"---\n{front}---\n{body}" if meta else body, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real all-MiniLM-L6-v2 from the bundled package, loaded once per session."""
    return Embedder()


@pytest.fixture(scope="session")
def write_jsonl() -> WriteJsonl:
    """``write_jsonl(path, records)``: one JSON object per line; returns the path."""
    return _write_jsonl


@pytest.fixture(scope="session")
def write_markdown() -> WriteMarkdown:
    """``write_markdown(path, body, **front_matter)``; returns the path."""
    return _write_markdown


@pytest.fixture(scope="session")
def make_record() -> Callable[..., dict[str, Any]]:
    """``make_record(id, title, text, **fields)``: a JSONL article record."""
    return record


def _assert_extractive(engine, answer) -> None:
    generation = engine.generation
    for part in answer.parts:
        row = generation.article_rows_by_id([part.article_id])[part.article_id]
        assert generation.article_text(row)[part.start : part.end] == part.text
        assert answer.citations[part.citation - 1].article_id == part.article_id


@pytest.fixture(scope="session")
def assert_extractive() -> Callable[..., None]:
    """``assert_extractive(engine, answer)``: each part is an exact span of the article it cites."""
    return _assert_extractive


@pytest.fixture
def copy_index(tmp_path: Path) -> Callable[[Path], Path]:
    """``copy_index(index_dir)``: a private copy of a built index, safe to modify."""

    def copy(index_dir: Path) -> Path:
        return Path(shutil.copytree(index_dir, tmp_path / f"copy-of-{index_dir.name}"))

    return copy


# --------------------------------------------------------------------------------------------
# The shared news collection: a JSONL file of wire stories and a directory of Markdown articles.
# Its articles are chosen so that filters, de-duplication and recency each change the results.

WILDFIRE = (
    "A fast-moving wildfire forced the evacuation of more than two thousand homes in the hills "
    "above Ventana on {day}, fire officials said. The blaze, driven by dry winds gusting up to "
    "sixty miles an hour, had burned about four thousand acres by the evening and was five "
    "percent contained. Firefighters from six counties joined the effort, and two water-dropping "
    "helicopters worked the ridge until dark. No injuries were reported, but at least a dozen "
    "barns and sheds were destroyed near the old quarry road. Officials opened emergency "
    "shelters at two high schools and asked residents in the canyon neighbourhoods to be ready "
    "to leave at short notice. The cause of the fire is under investigation, {agency} reported, "
    "and power to about nine hundred customers was cut as a precaution."
)

WIRE = [
    record(
        "port-strike-reuters",
        "Dockworkers strike shuts East Coast ports",
        "Dockworkers walked off the job at every East Coast port on Sunday after contract talks "
        "with shipping companies collapsed. Container ships anchored offshore as cranes stood "
        "idle from Maine to Texas. The union wants higher wages and a ban on automated cranes.",
        source="Reuters",
        published="2024-03-10T08:00:00Z",
        url="https://news.example.com/port-strike",
    ),
    record(
        "port-strike-bbc",
        "Port strike enters second day as talks stall",
        "The dockworkers' strike at East Coast ports entered its second day with no new talks "
        "scheduled. Retailers warned of empty shelves if the walkout lasts more than a week.",
        source="BBC",
        published="2024-03-11T09:00:00Z",
    ),
    record(
        "port-talks-2023",
        "West Coast port labour talks resume",
        "Talks between dockworkers and port employers on the West Coast resumed after a "
        "month-long pause, easing fears of a strike at the ports.",
        source="Reuters",
        published="2023-05-01T12:00:00Z",
    ),
    record(
        "port-deal-september",
        "Dockworkers reach tentative deal to end port strike",
        "Dockworkers and port operators reached a tentative deal to end the strike, with wages "
        "rising by more than sixty percent over six years.",
        source="Reuters",
        published="2024-09-01T18:00:00Z",
    ),
    record(
        "port-explainer-undated",
        "What the dockworkers strike means for shoppers",
        "A long strike at the ports would delay deliveries of furniture, clothes and bananas, "
        "economists said, because most imports arrive by container ship.",
        source="Reuters",
    ),
    record(
        "port-backlog-june",
        "Ports clear the strike backlog",
        "East Coast ports cleared the last of the container backlog left by the dockworkers' "
        "strike, port authorities said, three months after the walkout ended.",
        source="Reuters",
        published="2024-06-30T15:00:00Z",
    ),
    record(
        "fed-cuts-rates",
        "Federal Reserve cuts interest rates by a quarter point",
        "The Federal Reserve cut its benchmark interest rate by a quarter of a percentage point "
        "on Wednesday. Fed chair Jerome Powell said the central bank would be more cautious "
        "about further cuts next year.",
        source="Reuters",
        published="2024-12-18T19:00:00Z",
    ),
    # The same text as fed-cuts-rates, wrapped differently: stored once.
    record(
        "zz-fed-copy",
        "Fed lowers rates",
        "The Federal Reserve cut its benchmark interest rate by a quarter of a percentage point\n"
        "on Wednesday.  Fed chair Jerome Powell said the central bank would be more cautious\n"
        "about further cuts next year.\n",
        source="Wire Copy",
        published="2024-12-18T20:00:00Z",
    ),
    # Near-duplicates: one story republished by two outlets with a few words changed.
    record(
        "wildfire-ap",
        "Wildfire forces thousands to flee Ventana hills",
        WILDFIRE.format(day="Tuesday", agency="the Associated Press"),
        source="AP",
        published="2024-08-06T22:00:00Z",
    ),
    record(
        "wildfire-cnn",
        "Thousands evacuated as wildfire spreads near Ventana",
        WILDFIRE.format(day="Tuesday night", agency="CNN"),
        source="CNN",
        published="2024-08-07T01:00:00Z",
    ),
    # Equally relevant coverage of one event at different dates (for recency).
    record(
        "bridge-2023",
        "Millbrook bridge closed after inspectors find cracks",
        "The Millbrook bridge closed to traffic after inspectors found cracks in its steel "
        "supports, county officials said.",
        source="Valley Times",
        published="2023-06-01T10:00:00Z",
    ),
    record(
        "bridge-november",
        "County shuts Millbrook crossing over cracked beams",
        "Inspectors shut the Millbrook bridge to cars this week because of cracked steel beams, "
        "the county said.",
        source="Valley Times",
        published="2024-11-25T10:00:00Z",
    ),
    record(
        "bridge-january",
        "Millbrook bridge to stay shut until spring",
        "The Millbrook bridge will stay closed until spring while crews replace the cracked "
        "steel supports.",
        source="Valley Times",
        published="2025-01-10T10:00:00Z",
    ),
]

PARK = """\
The city council voted 7-2 on Wednesday night to turn the abandoned rail yard along the Meadow \
River into a twelve-acre public park, ending a debate that had stretched over nearly four years. \
The $18 million project will include walking trails, a playground, a kayak launch and restored \
wetlands meant to absorb floodwater during spring storms.

Construction is expected to begin in the fall and take about two years. "This is the most \
significant investment in public space this city has made in a generation," said Mayor Lucia \
Ortega. "Every neighbourhood deserves a place like this."

Opponents on the council argued that the money would be better spent on road repairs and on the \
city's aging water mains, which burst twice last winter. Councillor Ray Dunn said the vote ignored \
residents of the east side, where potholes have gone unrepaired for years. He proposed delaying \
the park by a year, but the amendment failed.

The rail yard has been empty since the freight line closed in 1998. Environmental crews removed \
contaminated soil from the site last spring, and the state paid for most of that cleanup. \
Neighbours of the site said they were relieved that the long fight was over and hoped the park \
would open before their children grew up.
"""

MARKDOWN = {
    "riverside-park.md": (
        PARK,
        {
            "id": "riverside-park",
            "title": "Council approves new riverside park",
            "source": "Harbor Gazette",
            "published": "2024-03-14",
            "authors": ["Dana Whitfield"],
        },
    ),
    "chat-outage.md": (
        "A chat app outage on Tuesday left gaming communities unable to talk for three hours.\n"
        "The company blamed a faulty database migration for the outage.\n",
        {
            "id": "chat-outage",
            "title": "Chat app outage leaves gamers in the dark",
            "source": "The Verge",
            "published": "2024-10-02",
        },
    ),
}


@dataclass(frozen=True)
class NewsCorpus:
    """The shared collection on disk, and every article's text by id (for offset checks)."""

    jsonl: Path
    markdown_dir: Path
    texts: dict[str, str]

    @property
    def paths(self) -> list[Path]:
        return [self.jsonl, self.markdown_dir]


@pytest.fixture(scope="session")
def news_corpus(tmp_path_factory: pytest.TempPathFactory) -> NewsCorpus:
    """The shared news collection (do not modify: copy it)."""
    root = tmp_path_factory.mktemp("news")
    jsonl = _write_jsonl(root / "wire.jsonl", WIRE)
    markdown_dir = root / "articles"
    for name, (body, meta) in MARKDOWN.items():
        _write_markdown(markdown_dir / name, body, **meta)
    texts = {r["id"]: r["text"] for r in WIRE}
    texts.update({meta["id"]: body.strip() for body, meta in MARKDOWN.values()})
    return NewsCorpus(jsonl, markdown_dir, texts)


@pytest.fixture(scope="session")
def news_index(tmp_path_factory: pytest.TempPathFactory, news_corpus: NewsCorpus, embedder):
    """An index of the news collection, built once with the real model (do not modify)."""
    index_dir = tmp_path_factory.mktemp("news-index") / "index"
    summary = Builder(index_dir, embedder).build(news_corpus.paths)
    assert summary.failed == 0, summary.problems
    return index_dir
