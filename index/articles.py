"""Loading news articles from files on disk into :class:`Article` records.

This module owns everything between "a list of paths the user named" and "a list of clean
articles plus a list of problems": walking directories, reading JSONL / JSON / Markdown / text /
HTML files (decoding legacy charsets as browsers do), parsing front matter, extracting the main
text of HTML pages, and giving every article a stable id that does not depend on where the
collection lives on disk. Dates are read by :mod:`index.dates`, page furniture is recognised by
:mod:`index.furniture`.

Loading never raises for bad input. Each bad item (broken JSON, undecodable bytes, an empty text,
an unparseable date, invalid front matter, an unreadable file...) becomes a :class:`LoadProblem`
naming the file, the line where that makes sense, and a human-readable reason; the item is skipped
and loading goes on. A date whose time zone abbreviation is unknown is reported the same way, but
costs only the date: the article is kept undated. :attr:`LoadResult.problem_paths` tells the
indexer which files must not have their previously indexed articles pruned, since their contents
could not be fully read.

Article text is kept exactly as read, apart from turning Windows line endings into ``"\\n"`` and
dropping a byte-order mark, and, for HTML pages, leaving out whole lines of page furniture
(paywall prompts, adverts, captions...) that the extractor kept: answers quote articles verbatim
by character offset, so this module never reflows or rewrites text.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from .dates import DateError, UnknownTimezoneError, parse_published
from .furniture import is_furniture

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})
TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = JSONL_SUFFIXES | JSON_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES

PathArg = str | os.PathLike[str]
Paths = Iterable[PathArg] | PathArg

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL | re.M)
_ATX_HEADING = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as loaded from disk.

    Attributes
    ----------
    id : str
        Stable id: the one given in the data, else derived from the URL, else from the file's path
        relative to the collection root (never from the absolute location or the cwd).
    title : str
        Headline, on one line.
    text : str
        Body text exactly as read (after HTML extraction), never empty.
    url, source : str or None
        Link to the original and the outlet that published it, when known.
    published : datetime or None
        Publication time, timezone-aware at the UTC offset the outlet wrote it in (UTC when it
        gave none), so ``published.date()`` is the outlet's own date for the story.
    authors : tuple of str
        Bylines, in the order given.
    origin : str
        Where it came from, for messages: ``"path"``, ``"path:line"`` (JSONL) or
        ``"path#item"`` (JSON array).
    origin_path : str
        Absolute path of the file it came from, matching :attr:`LoadResult.files` and
        :attr:`LoadProblem.path`.
    partial : bool
        The text is not the whole article: its page could not be fetched or read, was short or
        behind a paywall, and the feed's summary or teaser stands in (``index.feeds``).
    updated : datetime or None
        When the outlet last changed the story (its own modified date, or when a changed feed
        entry was noticed); never the publication time.
    """

    id: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    origin: str = ""
    origin_path: str = ""
    partial: bool = False
    updated: datetime | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 (hex) over every indexed field; changes when any of them changes.

        Covers title, text, url, source, published and authors, but not id or origin: moving a
        file does not make its articles look edited. ``partial`` and ``updated`` count only when
        set, so the hash of an article without them is what it always was.
        """
        payload = [
            self.title,
            self.text,
            self.url,
            self.source,
            self.published.isoformat() if self.published else None,
            list(self.authors),
        ]
        if self.partial or self.updated is not None:
            payload += [self.partial, self.updated.isoformat() if self.updated else None]
        encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()

    @property
    def text_hash(self) -> str:
        """SHA-256 (hex) of the text with runs of whitespace collapsed, for exact-duplicate checks.

        The same story saved twice often differs only in line wrapping or trailing blanks.
        """
        normalised = " ".join(self.text.split())
        return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A file or item that could not be loaded, and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class LoadResult:
    """What :func:`load_articles` found.

    Attributes
    ----------
    articles : list of Article
        Every article that loaded, in file order.
    problems : list of LoadProblem
        Every item or file that was skipped, in file order.
    files : list of str
        Absolute path of every file that was read or attempted (including missing paths and
        unsupported files named explicitly).
    """

    articles: list[Article] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def problem_paths(self) -> set[str]:
        """Files with at least one problem: their already-indexed articles must not be pruned."""
        return {problem.path for problem in self.problems}


# A problem that does not cost the article (an unknown time zone): (line or None, reason).
_Note = tuple[int | None, str]


class _Invalid(ValueError):
    """An item is unusable; carries the human reason (and optionally a line within the file)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True, slots=True)
class _Source:
    """A file to read: where it is, and the root-relative name that path-derived ids use."""

    path: Path  # absolute
    id_path: str  # posix, relative to (and including the name of) the root argument


# --------------------------------------------------------------------------------------------
# Public entry points


def iter_source_files(paths: Paths) -> Iterator[Path]:
    """Yield the files a load of ``paths`` would read.

    Directories are walked recursively (symlinked directories are not followed), skipping hidden
    files and directories and files with unsupported extensions; their files come out sorted by
    relative path. Files named explicitly are yielded when they exist and have a supported
    extension. A file reached twice is yielded once.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        Files and directories, as given by the user. A single path is accepted too.

    Yields
    ------
    pathlib.Path
        Absolute (but not symlink-resolved) paths, spelled as in :attr:`Article.origin_path`.
    """
    seen: set[Path] = set()
    for root in _as_path_list(paths):
        for source, problem in _expand_root(root):
            if problem is None and source.path not in seen:
                seen.add(source.path)
                yield source.path


def load_articles(paths: Paths) -> LoadResult:
    """Load every article under ``paths``, collecting problems instead of raising.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        Files and directories (read recursively). Supported: ``.jsonl``/``.ndjson`` (one object
        per line), ``.json`` (an array of objects), ``.md``/``.markdown``/``.txt`` (optional YAML
        front matter) and ``.html``/``.htm`` (main text extracted with trafilatura). Inside
        directories other files are skipped silently; named explicitly, they are a problem.

    Returns
    -------
    LoadResult
        The articles, the problems (each with file, line where relevant, and reason) and the
        files read. An article whose id was already used earlier in the same load is skipped and
        reported, since downstream stores are keyed by id.
    """
    result = LoadResult()
    seen_files: set[Path] = set()
    first_origin_by_id: dict[str, str] = {}
    for root in _as_path_list(paths):
        for source, problem in _expand_root(root):
            if source.path in seen_files:
                continue
            seen_files.add(source.path)
            result.files.append(str(source.path))
            if problem is not None:
                result.problems.append(problem)
                continue
            articles, problems = _load_file(source)
            result.problems.extend(problems)
            for article in articles:
                earlier = first_origin_by_id.get(article.id)
                if earlier is not None:
                    line, item = _position(article)
                    reason = (
                        f"{item}duplicate id {article.id!r} (already used by {earlier}); skipped"
                    )
                    result.problems.append(LoadProblem(article.origin_path, line, reason))
                    continue
                first_origin_by_id[article.id] = article.origin
                result.articles.append(article)
    return result


# --------------------------------------------------------------------------------------------
# Finding files


def _as_path_list(paths: Paths) -> list[Path]:
    # A bare string is iterable too; without this, "data" would be read as "d", "a", "t", "a".
    if isinstance(paths, str | os.PathLike):
        return [Path(paths)]
    return [Path(path) for path in paths]


def _absolute(path: Path) -> Path:
    # Not resolve(): symlinks stay as the user laid them out, and missing paths still work.
    return Path(os.path.abspath(path))


def _expand_root(root: Path) -> Iterator[tuple[_Source, LoadProblem | None]]:
    """The files under one path argument, each with the problem that stops it being read."""
    absolute = _absolute(root)
    if absolute.is_dir():
        prefix = PurePosixPath(absolute.name) if absolute.name else PurePosixPath()
        found: list[tuple[tuple[str, ...], Path]] = []
        unlistable: list[OSError] = []
        for directory, dirnames, filenames in os.walk(absolute, onerror=unlistable.append):
            dirnames[:] = [name for name in dirnames if not name.startswith(".")]
            for name in filenames:
                if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                file_path = Path(directory, name)
                found.append((file_path.relative_to(absolute).parts, file_path))
        for parts, file_path in sorted(found):
            yield _Source(file_path, str(prefix.joinpath(*parts))), None
        # A directory that cannot be listed hides its files; say so rather than load nothing.
        for error in unlistable:
            where = Path(error.filename or absolute)
            reason = error.strerror.lower() if error.strerror else str(error)
            yield (
                _Source(where, ""),
                LoadProblem(str(where), None, f"cannot read directory: {reason}"),
            )
        return
    source = _Source(absolute, absolute.name)
    if not os.path.lexists(absolute):
        yield source, LoadProblem(str(absolute), None, "no such file or directory")
    elif absolute.suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        yield (
            source,
            LoadProblem(
                str(absolute),
                None,
                f"unsupported file type {absolute.suffix or '(none)'!r} (supported: {supported})",
            ),
        )
    else:
        yield source, None


# --------------------------------------------------------------------------------------------
# Reading files


def _load_file(source: _Source) -> tuple[list[Article], list[LoadProblem]]:
    path = str(source.path)
    try:
        data = source.path.read_bytes()
    except OSError as error:
        reason = error.strerror.lower() if error.strerror else str(error)
        return [], [LoadProblem(path, None, f"cannot read file: {reason}")]
    suffix = source.path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _load_jsonl(source, data)
    if suffix in JSON_SUFFIXES:
        return _load_json(source, data)
    loader = _load_text_file if suffix in TEXT_SUFFIXES else _load_html
    notes: list[_Note] = []
    try:
        article = loader(source, data, notes)
    except _Invalid as invalid:
        return [], [LoadProblem(path, invalid.line, invalid.reason)]
    return [article], [LoadProblem(path, line, reason) for line, reason in notes]


def _decode(data: bytes) -> str:
    """Strict UTF-8 with the BOM dropped and Windows line endings normalised."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _Invalid(
            f"not valid UTF-8: byte 0x{data[error.start]:02x} at line {line}", line
        ) from error
    return text.replace("\r\n", "\n")


def _load_jsonl(source: _Source, data: bytes) -> tuple[list[Article], list[LoadProblem]]:
    articles: list[Article] = []
    problems: list[LoadProblem] = []
    path = str(source.path)
    # Split the bytes rather than the decoded text: str.splitlines() would also break on
    # U+2028 and friends, which are legal inside JSON strings; and one bad byte must only cost
    # its own line.
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise _Invalid(
                    f"not valid UTF-8: byte 0x{raw[error.start]:02x} at column {error.start + 1}"
                ) from error
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise _Invalid(f"invalid JSON: {error.msg} at column {error.colno}") from error
            notes: list[_Note] = []
            articles.append(
                _article_from_record(
                    record,
                    fallback_id=f"path:{source.id_path}#{number}",
                    origin=f"{path}:{number}",
                    origin_path=path,
                    notes=notes,
                )
            )
            problems.extend(LoadProblem(path, number, reason) for _, reason in notes)
        except _Invalid as invalid:
            problems.append(LoadProblem(path, number, invalid.reason))
    return articles, problems


def _load_json(source: _Source, data: bytes) -> tuple[list[Article], list[LoadProblem]]:
    path = str(source.path)
    try:
        document = json.loads(_decode(data))
    except _Invalid as invalid:
        return [], [LoadProblem(path, invalid.line, invalid.reason)]
    except json.JSONDecodeError as error:
        reason = f"invalid JSON: {error.msg} at column {error.colno}"
        return [], [LoadProblem(path, error.lineno, reason)]
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        reason = f"expected a JSON array of article objects, got {_json_type(document)}"
        return [], [LoadProblem(path, None, reason)]
    articles: list[Article] = []
    problems: list[LoadProblem] = []
    # Items of a JSON array have no useful line number; they are named "item N" instead.
    for number, record in enumerate(document, start=1):
        try:
            notes: list[_Note] = []
            articles.append(
                _article_from_record(
                    record,
                    fallback_id=f"path:{source.id_path}#{number}",
                    origin=f"{path}#{number}",
                    origin_path=path,
                    notes=notes,
                )
            )
            problems.extend(LoadProblem(path, None, f"item {number}: {r}") for _, r in notes)
        except _Invalid as invalid:
            problems.append(LoadProblem(path, None, f"item {number}: {invalid.reason}"))
    return articles, problems


def _article_from_record(
    record: object, *, fallback_id: str, origin: str, origin_path: str, notes: list[_Note]
) -> Article:
    """Build an article from one JSON object (unknown keys are ignored)."""
    if not isinstance(record, dict):
        raise _Invalid(f"expected a JSON object, got {_json_type(record)}")
    text = _required_text(record.get("text"), "text")
    title = _title(_optional_string(record, "title"))
    if not title:
        raise _Invalid("missing title" if record.get("title") is None else "empty title")
    url = _optional_string(record, "url")
    published = _published(record.get("published"), notes)
    return Article(
        id=_stable_id(_given_id(record.get("id")), url, fallback_id),
        title=title,
        text=text,
        url=url,
        source=_optional_string(record, "source"),
        published=published,
        authors=_authors(record.get("authors")),
        origin=origin,
        origin_path=origin_path,
    )


def _load_text_file(source: _Source, data: bytes, notes: list[_Note]) -> Article:
    """A Markdown or plain-text article with optional YAML front matter."""
    content = _decode(data)
    meta: Mapping[str, Any] = {}
    body = content
    front_matter = ""
    if content.startswith("---") and content.split("\n", 1)[0].rstrip() == "---":
        match = _FRONT_MATTER.match(content)
        if match is None:
            raise _Invalid("front matter opened with '---' on line 1 is never closed", 1)
        meta = _parse_front_matter(match.group(1))
        front_matter, body = content[: match.end()], content[match.end() :]
    text = body.strip()

    title = _title(_string_value(meta, "title"))
    if not title:
        # Without a front-matter title, a leading "# Heading" is the headline, not body text.
        first, _, rest = text.partition("\n")
        heading = _ATX_HEADING.fullmatch(first.strip())
        if heading:
            title = _title(heading.group(1))
            text = rest.strip()
    if not title:
        title = _humanise(source.path.stem)
    if not text:
        raise _Invalid("empty text")

    url = _string_value(meta, "url", "link")
    date_key = "published" if meta.get("published") is not None else "date"
    published = _published(
        meta.get(date_key), notes, _front_matter_line(front_matter, date_key), "front matter: "
    )
    return Article(
        id=_stable_id(_given_id(meta.get("id")), url, f"path:{source.id_path}"),
        title=title,
        text=text,
        url=url,
        source=_string_value(meta, "source", "outlet"),
        published=published,
        authors=_authors(_first_value(meta, "authors", "author")),
        origin=str(source.path),
        origin_path=str(source.path),
    )


def _parse_front_matter(block: str) -> Mapping[str, Any]:
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # +2: the block starts on the line after the opening "---"; marks count from 0.
        line = mark.line + 2 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        context, context_mark = (
            getattr(error, "context", None),
            getattr(error, "context_mark", None),
        )
        if context and context_mark is not None:
            # The problem is often only noticed at the end; the context says what was left open.
            reason += f" ({context} started on line {context_mark.line + 2})"
        raise _Invalid(f"invalid YAML front matter: {reason}", line) from error
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise _Invalid(f"front matter must be a mapping of keys to values, got {meta!r}", 2)
    # Keys are matched case-insensitively: "Title:" and "title:" both occur in the wild.
    return {str(key).lower(): value for key, value in meta.items()}


def _load_html(source: _Source, data: bytes, notes: list[_Note]) -> Article:
    """A saved web page: the main text and metadata, via trafilatura."""
    html = _decode_html(data)
    # Imported here: trafilatura pulls in lxml and friends, which JSONL-only loads don't need.
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,  # reader comments are not the article
            include_tables=True,
            # Only the page's own markup may date it: the default extensive search also picks up
            # any date mentioned in the prose.
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as error:  # trafilatura/lxml failures on odd markup are bad input, not bugs
        raise _Invalid(f"HTML extraction failed: {type(error).__name__}: {error}") from error
    text = (getattr(document, "text", None) or "").replace("\r\n", "\n").strip()
    if not text:
        raise _Invalid("no article text found in the HTML")

    title = _title(getattr(document, "title", None)) or _humanise(source.path.stem)
    first, _, rest = text.partition("\n")
    if rest.strip() and _title(first) == title:
        # trafilatura keeps the page's <h1> as the first line; the headline is the title field.
        text = rest.strip()
    text = _without_furniture(text)
    if not text:
        raise _Invalid("no article text found in the HTML (only page furniture)")

    url = _clean_string(getattr(document, "url", None))
    try:
        published = parse_published(getattr(document, "date", None))
    except ValueError:
        published = None  # extractor guesswork, not user data: drop it rather than the article
    author = _clean_string(getattr(document, "author", None))
    return Article(
        id=_stable_id(None, url, f"path:{source.id_path}"),
        title=title,
        text=text,
        url=url,
        source=_clean_string(getattr(document, "sitename", None)),
        published=published,
        # trafilatura joins multiple bylines with "; ".
        authors=_authors(author.split(";") if author else None),
        origin=str(source.path),
        origin_path=str(source.path),
    )


def _without_furniture(text: str) -> str:
    """The extracted text less paywall prompts, adverts, captions... (``index.furniture``).

    trafilatura keeps one paragraph a line; whole lines are dropped, the others kept as they are.
    """
    return "\n".join(line for line in text.split("\n") if not is_furniture(line)).strip()


def decode_html(data: bytes, charset: str | None = None) -> str:
    """A web page's text, decoded as a browser would.

    Parameters
    ----------
    data : bytes
        The page as served.
    charset : str, optional
        The charset the server declared (HTTP ``Content-Type``); else UTF-8, else the charset
        the page declares in a ``<meta>``. Labels are read the WHATWG way (``iso-8859-1`` is
        windows-1252).

    Returns
    -------
    str
        With Windows line endings normalised; undecodable bytes, if any remain, replaced.
    """
    if charset and charset.strip().lower() not in ("utf-8", "utf8"):
        try:
            return _decode_legacy(data, charset).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return _decode_html(data)
    except _Invalid:
        return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def _decode_html(data: bytes) -> str:
    try:
        return _decode(data)
    except _Invalid:
        # Saved pages legitimately use a declared legacy charset (windows-1252, latin-1...).
        declared = _DECLARED_CHARSET.search(data[:4096])
        if declared is None:
            raise
        charset = declared.group(1).decode("ascii")
        try:
            return _decode_legacy(data, charset).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError) as error:
            raise _Invalid(f"cannot decode HTML as its declared charset {charset!r}") from error


# Labels browsers decode with another encoding than the one they name (WHATWG Encoding Standard,
# https://encoding.spec.whatwg.org/#names-and-labels): pages labelled latin-1 or ASCII are really
# windows-1252, so bytes 0x80-0x9F are curly quotes and dashes, not C1 control characters.
_WHATWG_LABELS = {
    label: encoding
    for encoding, labels in {
        "windows-1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100"
        " iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 latin-1 us-ascii windows-1252"
        " x-cp1252",
        "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9"
        " iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254",
        "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
        "gb18030": "chinese csgb2312 gb2312 gb_2312 gb_2312-80 gbk x-gbk",
        "cp949": "cseuckr euc-kr korean ks_c_5601-1987 ks_c_5601-1989 windows-949",
        "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j",
    }.items()
    for label in labels.split()
}


def _decode_legacy(data: bytes, label: str) -> str:
    """``data`` in the encoding a browser would use for the declared ``label``."""
    encoding = _WHATWG_LABELS.get(label.strip().lower(), label)
    if encoding in {"windows-1252", "cp1254", "cp874"}:
        # WHATWG's single-byte tables map the five bytes Python's codecs leave undefined
        # (0x81, 0x8D...) to the C1 code point of the same number instead of failing.
        return data.decode(encoding, errors="c1-passthrough")
    return data.decode(encoding)


def _c1_passthrough(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if any(not 0x80 <= byte <= 0x9F for byte in chunk):
        raise error
    return "".join(map(chr, chunk)), error.end


codecs.register_error("c1-passthrough", _c1_passthrough)


# --------------------------------------------------------------------------------------------
# Field helpers


def _published(
    value: object, notes: list[_Note], line: int | None = None, where: str = ""
) -> datetime | None:
    """The publication date, or ``None`` noted as a problem when its zone is unknown.

    A date whose time zone abbreviation is unknown cannot be placed within a day, and reading it
    as UTC would be hours off; the article is kept undated (it still answers questions, and date
    filters leave it out) and the problem is reported. A value that is no date at all is bad
    input: the item is skipped, as before.
    """
    try:
        return parse_published(value)
    except UnknownTimezoneError as error:
        notes.append((line, f"{where}{error}: kept the article without a date"))
        return None
    except DateError as error:
        raise _Invalid(f"{where}{error}", line) from error


def _front_matter_line(front_matter: str, key: str) -> int | None:
    """The line (1-based, in the file) where ``key:`` stands in the front matter, if it does."""
    match = re.search(rf"^{re.escape(key)}[ \t]*:", front_matter, re.I | re.M)
    return front_matter.count("\n", 0, match.start()) + 1 if match else None


def _stable_id(given: str | None, url: str | None, fallback: str) -> str:
    if given:
        return given
    if url:
        return url_article_id(url)
    return fallback


def url_article_id(url: str) -> str:
    """The id of an article known only by its URL: the same for a saved page, a page fetched by
    URL and a feed entry linking to it (scheme and host case, fragment and a trailing slash
    do not matter).

    Parameters
    ----------
    url : str

    Returns
    -------
    str
        ``"url:"`` and 16 hex digits.
    """
    return "url:" + hashlib.sha1(_normalise_url(url).encode("utf-8")).hexdigest()[:16]


def _normalise_url(url: str) -> str:
    """Case-fold scheme and host, drop the fragment and any trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _given_id(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Invalid(f"id must be a string or an integer, got {value!r}")
    return str(value).strip() or None


def _required_text(value: object, key: str) -> str:
    if value is None:
        raise _Invalid(f"missing {key}")
    if not isinstance(value, str):
        raise _Invalid(f"{key} must be a string, got {_json_type(value)}")
    if not value.strip():
        raise _Invalid(f"empty {key}")
    return value.replace("\r\n", "\n")


def _optional_string(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise _Invalid(f"{key} must be a string, got {_json_type(value)}")
    return _clean_string(value)


def _first_value(meta: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if meta.get(key) is not None:
            return meta[key]
    return None


def _string_value(meta: Mapping[str, Any], *keys: str) -> str | None:
    """A front-matter scalar as a string (YAML turns `title: 1984` into an int)."""
    value = _first_value(meta, *keys)
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise _Invalid(f"front matter: {keys[0]} must be a single value, got {value!r}")
    return _clean_string(str(value))


def _clean_string(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.replace("\r\n", "\n").strip()
    return cleaned or None


def _title(value: str | None) -> str:
    # A headline is shown on one line in citations; stray line breaks in it are layout.
    return " ".join(value.split()) if value else ""


def _authors(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise _Invalid(f"authors must be a list of strings or a single string, got {value!r}")
    return tuple(name for name in (" ".join(item.split()) for item in items) if name)


def _humanise(stem: str) -> str:
    """ "zelenskyy-nato-sky-news" -> "Zelenskyy nato sky news" (other capitals are kept)."""
    words = " ".join(re.sub(r"[-_]+", " ", stem).split())
    return words[:1].upper() + words[1:] if words else stem


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _position(article: Article) -> tuple[int | None, str]:
    """(line, "item N: " prefix) of an article within its file, as its origin spells them."""
    suffix = article.origin.removeprefix(article.origin_path)
    if suffix.startswith(":") and suffix[1:].isdigit():
        return int(suffix[1:]), ""
    if suffix.startswith("#"):
        return None, f"item {suffix[1:]}: "
    return None, ""
