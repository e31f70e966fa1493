"""Tests for index.articles: every input format, bad-input reporting, stable ids and hashes."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.articles import (
    Article,
    LoadProblem,
    LoadResult,
    iter_source_files,
    load_articles,
    parse_published,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REALTIMEQA = SHARED / "eval" / "realtimeqa" / "articles.jsonl"
SEED = SHARED / "corpus" / "seed" / "zelenskyy-nato-sky-news.txt"

# A news page as saved from a browser: cookie banner, navigation, related links and a footer
# around the story, which is all the loader should keep.
NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council approves new riverside park | Harbor Gazette</title>
  <meta property="og:title" content="Council approves new riverside park">
  <meta property="og:site_name" content="Harbor Gazette">
  <link rel="canonical" href="https://www.harborgazette.example/local/2024/03/14/riverside-park/">
  <meta property="article:published_time" content="2024-03-14T09:30:00-04:00">
  <meta name="author" content="Dana Whitfield">
</head>
<body>
  <div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
  <header class="site-header">
    <nav><ul>
      <li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
      <li><a href="/sports">Sports</a></li><li><a href="/subscribe">Subscribe for just $1</a></li>
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>Council approves new riverside park</h1>
      <p class="byline">By Dana Whitfield</p>
      <p>The city council voted 7-2 on Wednesday night to turn the abandoned rail yard along the
      Meadow River into a 12-acre public park, ending a debate that has stretched over nearly four
      years.</p>
      <p>The $18 million project will include walking trails, a playground, a kayak launch and
      restored wetlands meant to absorb floodwater during spring storms. Construction is expected
      to begin in the fall and take about two years.</p>
      <p>"This is the most significant investment in public space this city has made in a
      generation," said Mayor Lucia Ortega, who has championed the plan since her first campaign.
      "Every neighborhood deserves a place like this."</p>
      <p>Opponents on the council argued that the money would be better spent on road repairs and
      that the site's industrial past could mean costly environmental cleanup. Councilmember Ray
      Holt said residents in his ward had waited years for repaved streets.</p>
      <p>An environmental review completed last year found low levels of contamination in two
      corners of the site, which the city plans to cap with clean soil before construction
      begins, according to the parks department.</p>
    </article>
    <aside class="related">
      <h3>Related stories</h3>
      <ul><li><a href="/a">Downtown parking rates to rise in May</a></li>
      <li><a href="/b">High school robotics team heads to nationals</a></li></ul>
    </aside>
  </main>
  <footer>
    <p>&copy; 2024 Harbor Gazette Media Group. All rights reserved.</p>
    <ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of service</a></li>
    <li><a href="/contact">Contact us</a></li></ul>
  </footer>
</body>
</html>
"""


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def only_article(result: LoadResult) -> Article:
    assert result.problems == []
    assert len(result.articles) == 1
    return result.articles[0]


def problem_for(result: LoadResult, line: int | None) -> LoadProblem:
    matches = [problem for problem in result.problems if problem.line == line]
    assert len(matches) == 1, result.problems
    return matches[0]


# ---------------------------------------------------------------------------------------------
# Formats


def test_jsonl_reads_every_field(tmp_path: Path) -> None:
    record = {
        "id": " a-1 ",
        "title": "  Markets rally\n after rate cut ",
        "text": "First paragraph.\n\nSecond paragraph.  ",
        "url": "https://example.com/markets",
        "source": "CNN",
        "published": "Fri, 29 Nov 2024 10:00:00 GMT",
        "authors": ["Jane Doe", " John Roe "],
        "is_gold": True,  # unknown keys are ignored
    }
    single_author = {"title": "T2", "text": "Body two.", "authors": "Ann Lee", "id": 7}
    path = write(tmp_path / "news.jsonl", jsonl(record) + "\n   \n" + jsonl(single_author))

    result = load_articles([path])

    assert result.problems == []
    assert result.files == [str(path)]
    first, second = result.articles
    assert first.id == "a-1"
    assert first.title == "Markets rally after rate cut"
    assert first.text == "First paragraph.\n\nSecond paragraph.  "
    assert first.url == "https://example.com/markets"
    assert first.source == "CNN"
    assert first.published == datetime(2024, 11, 29, 10, tzinfo=UTC)
    assert first.authors == ("Jane Doe", "John Roe")
    assert first.origin == f"{path}:1"
    assert first.origin_path == str(path)
    assert second.id == "7"
    assert second.authors == ("Ann Lee",)
    assert second.origin == f"{path}:4"  # blank lines are skipped but still counted
    assert (second.url, second.source, second.published) == (None, None, None)


def test_jsonl_normalises_line_endings_and_bom_but_keeps_unicode_separators(
    tmp_path: Path,
) -> None:
    # U+2028 is legal inside a JSON string; str.splitlines() would wrongly cut the line there.
    lines = [
        json.dumps({"id": "x", "title": "T", "text": "One\r\nTwo\u2028still two"}),
        json.dumps({"id": "y", "title": "T", "text": "Three"}, ensure_ascii=False),
    ]
    path = write(tmp_path / "win.ndjson", b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")

    result = load_articles([path])

    assert result.problems == []
    assert [article.text for article in result.articles] == ["One\nTwo\u2028still two", "Three"]


def test_json_array(tmp_path: Path) -> None:
    items = [
        {"title": "A", "text": "Alpha.", "published": "2022/06/16"},
        {"title": "B", "text": "Beta.", "url": "https://example.com/b"},
    ]
    path = write(tmp_path / "batch.json", json.dumps(items))

    result = load_articles([path])

    assert result.problems == []
    alpha, beta = result.articles
    assert alpha.id == "path:batch.json#1"
    assert alpha.origin == f"{path}#1"
    assert alpha.published == datetime(2022, 6, 16, tzinfo=UTC)
    assert beta.id.startswith("url:")


def test_markdown_front_matter_with_aliases(tmp_path: Path) -> None:
    body = "First line of the story.\nA second line, not reflowed.\n\n  Indented quote.\n"
    path = write(
        tmp_path / "story.md",
        "---\n"
        "id: story-1\n"
        "Title: Flood warnings issued\n"
        "outlet: The Week\n"
        "date: 2024-02-03 08:15:00\n"
        "link: https://example.com/floods\n"
        "author: Sam Park\n"
        "---\n\n" + body + "\n\n",
    )

    article = only_article(load_articles([path]))

    assert article.id == "story-1"
    assert article.title == "Flood warnings issued"
    assert article.source == "The Week"
    assert article.published == datetime(2024, 2, 3, 8, 15, tzinfo=UTC)
    assert article.url == "https://example.com/floods"
    assert article.authors == ("Sam Park",)
    assert article.text == body.strip()
    assert article.origin == str(path)


def test_front_matter_timezone_and_list_authors(tmp_path: Path) -> None:
    path = write(
        tmp_path / "tz.markdown",
        "---\ntitle: Zoned\npublished: 2024-11-29T10:00:00+02:00\nauthors: [A, B]\n---\nBody.\n",
    )

    article = only_article(load_articles([path]))

    assert article.published == datetime(2024, 11, 29, 8, tzinfo=UTC)
    assert article.authors == ("A", "B")


def test_markdown_heading_becomes_title_and_leaves_the_text(tmp_path: Path) -> None:
    path = write(tmp_path / "heading.md", "\n# Storm hits coast  \n\nWinds reached 90 mph.\n")

    article = only_article(load_articles([path]))

    assert article.title == "Storm hits coast"
    assert article.text == "Winds reached 90 mph."


def test_front_matter_title_wins_and_heading_stays_in_text(tmp_path: Path) -> None:
    path = write(tmp_path / "both.md", "---\ntitle: Given\n---\n# Heading\nBody.")

    article = only_article(load_articles([path]))

    assert article.title == "Given"
    assert article.text == "# Heading\nBody."


def test_plain_text_title_from_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "zelenskyy-nato_sky--news.txt", "Just a body.\r\nSecond line.\r\n")

    article = only_article(load_articles([path]))

    assert article.title == "Zelenskyy nato sky news"
    assert article.text == "Just a body.\nSecond line."
    assert article.id == "path:zelenskyy-nato_sky--news.txt"
    assert article.published is None


def test_html_main_text_and_metadata_extracted(tmp_path: Path) -> None:
    path = write(tmp_path / "pages" / "park.html", NEWS_PAGE)

    article = only_article(load_articles([path]))

    assert article.title == "Council approves new riverside park"
    assert article.source == "Harbor Gazette"
    assert article.url == "https://www.harborgazette.example/local/2024/03/14/riverside-park/"
    assert article.id.startswith("url:")
    # htmldate reports publication dates at day precision.
    assert article.published == datetime(2024, 3, 14, tzinfo=UTC)
    assert article.authors == ("Dana Whitfield",)
    assert article.text.startswith("The city council voted 7-2 on Wednesday night")
    assert "according to the parks department." in article.text
    assert article.text.count("\n") >= 4  # paragraphs stay separate
    for boilerplate in ("cookies", "Subscribe", "Related stories", "parking rates", "Privacy"):
        assert boilerplate not in article.text
    assert "All rights reserved" not in article.text


def test_html_without_canonical_url_gets_a_path_id(tmp_path: Path) -> None:
    page = NEWS_PAGE.replace('<link rel="canonical"', '<link rel="alternate"')
    write(tmp_path / "site" / "2024" / "park.htm", page)

    article = only_article(load_articles([tmp_path / "site"]))

    assert article.url is None
    assert article.id == "path:site/2024/park.htm"


def test_html_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    page = NEWS_PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "Mayor Lucia Ortega", "Mayor Lucía Ortega"
    )
    path = write(tmp_path / "legacy.html", page.encode("cp1252"))

    article = only_article(load_articles([path]))

    assert "Mayor Lucía Ortega" in article.text


LEGACY_PAGE = """<!DOCTYPE html>
<html><head>
<meta {declaration}>
<title>Ferry fares rise by a quarter</title>
<meta property="og:site_name" content="Bayside Courier">
</head><body><article>
<h1>Ferry fares rise by a quarter</h1>
<p>The island ferry will charge €4.50 a crossing from March — a rise of about 25 percent.</p>
<p>“We can’t keep the boats running on last decade’s prices,” operations chief Nadia Brook said.
‘Nobody likes it,’ she added, “but the engines won’t wait.”</p>
<p>Commuters’ groups said they would ask the county to subsidise monthly passes.</p>
</article></body></html>
"""


@pytest.mark.parametrize(
    "label", ["iso-8859-1", "ISO-8859-1", "latin1", "ISO_8859-1", "l1", "us-ascii", "ascii"]
)
@pytest.mark.parametrize(
    "declaration",
    ['http-equiv="Content-Type" content="text/html; charset={label}"', 'charset="{label}"'],
    ids=["http-equiv", "meta-charset"],
)
def test_html_labelled_latin1_or_ascii_decodes_as_windows_1252(
    tmp_path: Path, label: str, declaration: str
) -> None:
    # Browsers (WHATWG Encoding Standard) read these labels as windows-1252: the bytes 0x80-0x9F
    # are curly quotes, dashes and the euro sign, not invisible C1 control characters.
    legacy = LEGACY_PAGE.format(declaration=declaration.format(label=label))
    control = LEGACY_PAGE.format(declaration='charset="utf-8"')
    legacy_path = write(tmp_path / "legacy.html", legacy.encode("cp1252"))
    control_path = write(tmp_path / "control.html", control)

    article = only_article(load_articles([legacy_path]))

    assert article.text == only_article(load_articles([control_path])).text
    assert "“We can’t keep the boats running on last decade’s prices,”" in article.text
    assert "€4.50 a crossing from March — a rise" in article.text
    assert not any("\x80" <= char <= "\x9f" for char in article.text)


def test_windows_1252_bytes_it_leaves_undefined_do_not_lose_the_page(tmp_path: Path) -> None:
    # 0x81, 0x8D, 0x8F, 0x90, 0x9D have no windows-1252 character; browsers map them to the C1
    # code point of the same number rather than rejecting the page.
    page = LEGACY_PAGE.format(declaration='charset="iso-8859-1"').encode("cp1252")
    path = write(tmp_path / "odd.html", page.replace(b"Commuters", b"\x81\x8dCommuters"))

    article = only_article(load_articles([path]))

    assert "“We can’t keep the boats running" in article.text


# ---------------------------------------------------------------------------------------------
# Bad input: reported with file, line and reason; everything else still loads


def test_bad_jsonl_lines_are_reported_and_good_lines_kept(tmp_path: Path) -> None:
    good = {"title": "Good", "text": "Fine."}
    lines = [
        json.dumps({**good, "id": "g1"}).encode(),  # 1
        b'{"title": "Broken", "text": ',  # 2
        b'["not", "an", "object"]',  # 3
        json.dumps({"title": "No text"}).encode(),  # 4
        json.dumps({"title": "Blank", "text": " \n "}).encode(),  # 5
        json.dumps({"title": "Number", "text": 42}).encode(),  # 6
        json.dumps({**good, "published": "the day after tomorrow"}).encode(),  # 7
        b'{"title": "Latin-1", "text": "caf\xe9"}',  # 8
        json.dumps({"text": "No title."}).encode(),  # 9
        json.dumps({**good, "authors": [1, 2]}).encode(),  # 10
        json.dumps({**good, "id": "g2"}).encode(),  # 11
    ]
    path = write(tmp_path / "mixed.jsonl", b"\n".join(lines) + b"\n")

    result = load_articles([path])

    assert [article.id for article in result.articles] == ["g1", "g2"]
    expected = {
        2: "invalid JSON",
        3: "expected a JSON object, got an array",
        4: "missing text",
        5: "empty text",
        6: "text must be a string, got a number",
        7: "unparseable published date 'the day after tomorrow'",
        8: "not valid UTF-8: byte 0xe9",
        9: "missing title",
        10: "authors must be a list of strings",
    }
    assert {problem.line for problem in result.problems} == set(expected)
    for line, reason in expected.items():
        problem = problem_for(result, line)
        assert problem.path == str(path)
        assert reason in problem.reason
        assert str(problem).startswith(f"{path}:{line}: ")
    assert result.problem_paths == {str(path)}


def test_bad_files_are_reported_and_good_files_kept(tmp_path: Path) -> None:
    root = tmp_path / "collection"
    write(root / "a-good.md", "---\ntitle: Good\n---\nGood body.")
    bad_yaml = write(root / "bad-yaml.md", "---\ntitle: Fine\nauthors: [unclosed\n---\nBody.")
    unclosed = write(root / "unclosed.md", "---\ntitle: Never closed\nBody.")
    not_mapping = write(root / "list.md", "---\n- a\n- b\n---\nBody.")
    empty = write(root / "empty.txt", "---\ntitle: Nothing here\n---\n  \n\n")
    bad_date = write(root / "bad-date.md", "---\npublished: someday\n---\nBody.")
    undecodable = write(root / "latin1.txt", "Line one\nCaf\xe9 line two\n".encode("latin-1"))
    no_text_html = write(
        root / "empty.html", "<html><head><title>Nothing</title></head><body></body></html>"
    )
    bad_json = write(root / "broken.json", '[{"title": "A", "text": "B"},\n  oops]')
    wrong_json = write(root / "scalar.json", '"just a string"')
    dangling = root / "gone.md"
    dangling.symlink_to(root / "nowhere.md")
    write(root / "z-good.jsonl", jsonl({"id": "z", "title": "Z", "text": "Zed."}))
    missing = tmp_path / "missing.jsonl"
    unsupported = write(tmp_path / "notes.docx", b"PK")

    result = load_articles([root, missing, unsupported])

    assert sorted(article.title for article in result.articles) == ["Good", "Z"]
    reasons = {
        (Path(problem.path).name, problem.line): problem.reason for problem in result.problems
    }
    assert reasons == {
        (bad_yaml.name, 4): reasons[(bad_yaml.name, 4)],
        (unclosed.name, 1): "front matter opened with '---' on line 1 is never closed",
        (not_mapping.name, 2): reasons[(not_mapping.name, 2)],
        (empty.name, None): "empty text",
        (bad_date.name, 2): "front matter: unparseable published date 'someday'",
        (undecodable.name, 2): "not valid UTF-8: byte 0xe9 at line 2",
        (no_text_html.name, None): "no article text found in the HTML",
        (bad_json.name, 2): reasons[(bad_json.name, 2)],
        (wrong_json.name, None): "expected a JSON array of article objects, got a string",
        (dangling.name, None): "cannot read file: no such file or directory",
        (missing.name, None): "no such file or directory",
        (unsupported.name, None): reasons[(unsupported.name, None)],
    }
    assert reasons[(bad_yaml.name, 4)] == (
        "invalid YAML front matter: expected ',' or ']', but got '<stream end>'"
        " (while parsing a flow sequence started on line 3)"
    )
    assert reasons[(not_mapping.name, 2)].startswith("front matter must be a mapping")
    assert reasons[(bad_json.name, 2)].startswith("invalid JSON: ")
    assert reasons[(unsupported.name, None)].startswith("unsupported file type '.docx'")
    # Every file was attempted; the good ones are not problem paths, so pruning may proceed there.
    assert str(missing) in result.files and str(unsupported) in result.files
    assert str(root / "a-good.md") in result.files
    assert str(root / "a-good.md") not in result.problem_paths
    assert str(bad_yaml) in result.problem_paths


def test_json_array_item_problems_name_the_item(tmp_path: Path) -> None:
    items = [{"title": "A", "text": "Alpha."}, {"title": "B"}, "nope"]
    path = write(tmp_path / "items.json", json.dumps(items))

    result = load_articles([path])

    assert [article.title for article in result.articles] == ["A"]
    assert [problem.reason for problem in result.problems] == [
        "item 2: missing text",
        "item 3: expected a JSON object, got a string",
    ]


def test_duplicate_ids_are_reported_and_the_first_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dupes.jsonl",
        jsonl(
            {"id": "same", "title": "First", "text": "One."},
            {"id": "same", "title": "Second", "text": "Two."},
        ),
    )

    result = load_articles([path])

    assert [article.title for article in result.articles] == ["First"]
    problem = problem_for(result, 2)
    assert problem.reason == f"duplicate id 'same' (already used by {path}:1); skipped"


def test_a_single_path_and_a_file_named_twice_load_once(tmp_path: Path) -> None:
    path = write(tmp_path / "one.md", "Body.")

    assert len(load_articles(str(path)).articles) == 1
    assert load_articles([path, tmp_path]).files == [str(path)]


def test_an_unknown_time_zone_is_reported_with_its_line_and_the_article_kept_undated(
    tmp_path: Path,
) -> None:
    front = write(
        tmp_path / "c" / "recall.md",
        "---\ntitle: Recall widens\npublished: Nov. 29, 2024 5:03 PM XYZ\n---\nBody text.",
    )
    feed = write(
        tmp_path / "c" / "feed.jsonl",
        jsonl(
            {"id": "a", "title": "Placed", "text": "T.", "published": "Nov. 29, 2024 5:03 PM ET"},
            {"id": "b", "title": "Unplaced", "text": "T.", "published": "Nov. 29, 2024 5 PM QQT"},
        ),
    )
    array = write(
        tmp_path / "c" / "list.json",
        json.dumps([{"title": "In a list", "text": "T.", "published": "2024-11-29 17:03 QQT"}]),
    )

    result = load_articles([tmp_path / "c"])

    published = {article.title: article.published for article in result.articles}
    assert published == {
        "Recall widens": None,
        "Placed": datetime(2024, 11, 29, 22, 3, tzinfo=UTC),
        "Unplaced": None,
        "In a list": None,
    }
    reasons = {(Path(p.path).name, p.line): p.reason for p in result.problems}
    assert reasons == {
        (front.name, 3): "front matter: unknown time zone 'XYZ' in date "
        "'Nov. 29, 2024 5:03 PM XYZ': kept the article without a date",
        (feed.name, 2): "unknown time zone 'QQT' in date 'Nov. 29, 2024 5 PM QQT': "
        "kept the article without a date",
        (array.name, None): "item 1: unknown time zone 'QQT' in date '2024-11-29 17:03 QQT': "
        "kept the article without a date",
    }
    # Such files keep their earlier articles in the index (nothing is pruned from them).
    assert {str(front), str(feed), str(array)} == result.problem_paths


def test_load_problem_str() -> None:
    assert str(LoadProblem("feed.jsonl", 3, "invalid JSON")) == "feed.jsonl:3: invalid JSON"
    assert str(LoadProblem("a.md", None, "empty text")) == "a.md: empty text"


# ---------------------------------------------------------------------------------------------
# Dates


def test_parse_published_is_the_dates_module_reader() -> None:
    # index.dates owns date parsing (tests/index/test_dates.py); the loader re-exports it.
    from index import dates

    assert parse_published is dates.parse_published


# ---------------------------------------------------------------------------------------------
# Stable ids and hashes


def make_collection(root: Path) -> None:
    write(root / "md" / "no-id.md", "# Headline\nBody.")
    write(root / "page.html", NEWS_PAGE.replace('<link rel="canonical"', '<link rel="x"'))
    write(
        root / "feed.jsonl",
        jsonl(
            {"title": "Plain", "text": "No id, no url."},
            {"title": "Linked", "text": "Has a url.", "url": "https://Example.com/a/#top"},
            {"title": "Given", "text": "Has an id.", "id": "given-1"},
        ),
    )


def test_ids_do_not_depend_on_cwd_or_where_the_collection_lives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_home = tmp_path / "one" / "news"
    make_collection(first_home)
    monkeypatch.chdir(tmp_path / "one")
    before = load_articles(["news"])

    second_home = tmp_path / "elsewhere" / "deeper" / "news"
    second_home.parent.mkdir(parents=True)
    shutil.move(first_home, second_home)
    monkeypatch.chdir(tmp_path)
    after = load_articles([second_home])

    ids = sorted(article.id for article in before.articles)
    assert before.problems == after.problems == []
    assert ids == sorted(article.id for article in after.articles)
    assert ids == sorted(
        [
            "given-1",
            "path:news/feed.jsonl#1",
            "path:news/md/no-id.md",
            "path:news/page.html",
            "url:" + ids[-1].removeprefix("url:"),
        ]
    )
    assert sorted(a.content_hash for a in before.articles) == sorted(
        a.content_hash for a in after.articles
    )


def test_url_ids_ignore_case_fragment_and_trailing_slash(tmp_path: Path) -> None:
    path = write(
        tmp_path / "urls.jsonl",
        jsonl(
            {"title": "A", "text": "a", "url": "HTTPS://Example.COM/story/#comments"},
            {"title": "B", "text": "b", "url": "https://example.com/other?page=2"},
        ),
    )
    same = write(
        tmp_path / "same.jsonl",
        jsonl({"title": "A", "text": "a", "url": "https://example.com/story"}),
    )

    first, other = load_articles([path]).articles
    (again,) = load_articles([same]).articles

    assert first.id == again.id
    assert first.id.startswith("url:") and len(first.id) == len("url:") + 16
    assert other.id != first.id


def test_content_hash_tracks_every_indexed_field() -> None:
    base = Article(
        id="a",
        title="Title",
        text="Text.",
        url="https://example.com",
        source="CNN",
        published=datetime(2024, 1, 1, tzinfo=UTC),
        authors=("A",),
        origin="x.md",
        origin_path="/x.md",
    )
    same = Article(**{**_fields(base), "id": "other", "origin": "y.md", "origin_path": "/y.md"})

    assert base.content_hash == same.content_hash
    assert len(base.content_hash) == 64
    for change in (
        {"title": "Title!"},
        {"text": "Text!"},
        {"url": None},
        {"source": "BBC"},
        {"published": datetime(2024, 1, 2, tzinfo=UTC)},
        {"authors": ("A", "B")},
    ):
        assert Article(**{**_fields(base), **change}).content_hash != base.content_hash, change


def test_content_hash_changes_when_a_file_title_is_edited(tmp_path: Path) -> None:
    path = write(tmp_path / "edit.md", "---\ntitle: Before\n---\nBody.")
    original = only_article(load_articles([path])).content_hash

    assert only_article(load_articles([path])).content_hash == original
    write(path, "---\ntitle: After\n---\nBody.")
    assert only_article(load_articles([path])).content_hash != original


def test_text_hash_detects_identical_texts() -> None:
    one = Article(id="1", title="One", text="Same words.\nSecond line.")
    two = Article(id="2", title="Two", text="Same words.\n\nSecond   line.  ")
    three = Article(id="3", title="One", text="Different words.")

    assert one.text_hash == two.text_hash
    assert one.text_hash != three.text_hash
    assert one.content_hash != two.content_hash


def _fields(article: Article) -> dict[str, object]:
    return {name: getattr(article, name) for name in Article.__slots__}


# ---------------------------------------------------------------------------------------------
# Directories


def test_directories_are_read_recursively_skipping_hidden_and_unknown_files(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.md", "B.")
    write(root / "a" / "z.txt", "AZ.")
    write(root / "a" / "deep" / "c.jsonl", jsonl({"id": "c", "title": "C", "text": "C."}))
    write(root / ".hidden.md", "Hidden file.")
    write(root / ".git" / "x.md", "Hidden directory.")
    write(root / "a" / ".drafts" / "y.md", "Hidden nested directory.")
    write(root / "image.png", b"\x89PNG")
    write(root / "README", "No extension.")

    listed = list(iter_source_files([root]))
    result = load_articles([root])

    expected = [root / "a" / "deep" / "c.jsonl", root / "a" / "z.txt", root / "b.md"]
    assert listed == expected
    assert result.files == [str(path) for path in expected]
    assert result.problems == []
    assert [article.text for article in result.articles] == ["C.", "AZ.", "B."]
    assert [article.id for article in result.articles] == [
        "c",
        "path:corpus/a/z.txt",
        "path:corpus/b.md",
    ]


def test_iter_source_files_lists_only_readable_candidates(tmp_path: Path) -> None:
    named = write(tmp_path / "named.md", "Body.")
    unsupported = write(tmp_path / "named.pdf", b"%PDF")

    assert list(iter_source_files([named, unsupported, tmp_path / "missing"])) == [named]


# ---------------------------------------------------------------------------------------------
# Real data


def test_sample_corpus_has_the_zelenskyy_article() -> None:
    result = load_articles([REPO / "data" / "articles"])

    assert result.problems == []
    by_id = {article.id: article for article in result.articles}
    article = by_id["zelenskyy-nato-sky-news"]
    assert article.title == (
        "Zelenskyy would consider ceasefire in exchange for NATO cover of territory Kyiv controls"
    )
    assert article.published == datetime(2024, 11, 29, tzinfo=UTC)
    assert article.authors == ()
    assert article.source is None and article.url is None
    if not SEED.is_file():
        pytest.skip(f"../shared is not present: cannot compare with the seed file {SEED}")
    assert article.text == SEED.read_bytes().decode("utf-8")


def test_realtimeqa_eval_set_loads_cleanly() -> None:
    if not REALTIMEQA.is_file():
        pytest.skip(f"../shared/eval not present: {REALTIMEQA} is missing")

    result = load_articles([REALTIMEQA])

    assert result.problems == []
    assert len(result.articles) == 5000
    assert len({article.id for article in result.articles}) == 5000
    assert all(article.published is not None for article in result.articles)
