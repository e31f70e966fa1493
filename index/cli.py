"""The command line: ``python -m index build|add|remove|search|ask|quotes|stats|eval|feeds|watch``.

Exit codes scripts can rely on: 0 success; 1 an error the message explains (no index, model
mismatch, a build already running, unreadable question file...); 2 bad usage; 3 a ``--strict``
build that skipped bad input (everything else was still indexed). ``--json`` prints one JSON
object on stdout; human output and progress bars go to stderr/stdout as usual.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from .config import IndexSettings, settings_problem
from .dates import DateError, parse_moment
from .errors import NewsdeskError
from .storage import LocationError, check_location, is_url, open_store, shown

log = logging.getLogger("index")
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG
        if args.verbose
        else logging.INFO
        if not args.quiet
        else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("sentence_transformers", "httpx", "huggingface_hub", "bm25s", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = IndexSettings()
    except ValidationError as error:
        Console(stderr=True).print(
            f"[red]error:[/red] invalid settings: {settings_problem(error)}", highlight=False
        )
        return EXIT_USAGE
    index_dir = args.index or settings.index_dir
    if index_dir is None and args.command != "copy":
        parser.error(
            "no index: pass --index DIR (or a postgresql:// URL) or set NEWSDESK_INDEX_DIR"
        )
    try:
        args.index = check_location(index_dir)
        if args.command == "copy":
            args.source, args.target = check_location(args.source), check_location(args.target)
        if args.replica:
            if not is_url(args.replica.strip()):
                parser.error(f"--replica must be a postgresql:// URL, not {shown(args.replica)!r}")
            check_location(args.replica)
    except LocationError as error:
        parser.error(str(error))
    if args.replica and not is_url(args.index):
        parser.error("--replica reads a collection in PostgreSQL: give --index a postgresql:// URL")
    replica = args.replica or settings.store_replica
    if replica and is_url(args.index):
        from .postgres.replica import with_replica

        args.index = with_replica(args.index, replica)
    args.model = args.model or settings.model
    args.precision = args.precision or settings.precision
    try:
        return args.run(args)
    except LocationError as error:  # found only when connecting (?sslmode=bogus)
        Console(stderr=True).print(f"[red]error:[/red] {error}", highlight=False)
        return EXIT_USAGE
    except NewsdeskError as error:
        Console(stderr=True).print(f"[red]error:[/red] {error}", highlight=False)
        return EXIT_ERROR
    except KeyboardInterrupt:
        Console(stderr=True).print(_interrupted(args), highlight=False)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _words(text: str) -> str:
    """An argparse type: text with at least one word (an empty question is bad usage, not a
    question the articles cannot answer)."""
    if not text.strip():
        raise argparse.ArgumentTypeError('is empty: give it in words, e.g. "Who won?"')
    return text.strip()


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 ("-k 0" and "-k -1" are bad usage)."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _interrupted(args) -> str:
    """What Ctrl-C left: an embedded index changes only when a build finishes; a collection in
    PostgreSQL keeps (and serves) the whole articles committed so far."""
    if args.command == "copy" and is_url(args.target):
        return (
            f"interrupted; the articles copied so far are kept in {shown(args.target)}, "
            "which a copy now refuses as not empty"
        )
    if args.command in ("build", "add") and is_url(args.index):
        return "interrupted; articles committed so far are kept and served; build again to finish"
    if args.command == "watch" and is_url(args.index):
        return "interrupted; articles committed so far are kept and served"
    return "interrupted; the index is unchanged unless a build finished"


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index",
        help="index directory or postgresql://... URL (default: $NEWSDESK_INDEX_DIR)",
    )
    common.add_argument(
        "--replica",
        metavar="URL",
        help="a postgresql:// streaming replica of the index's database to read from "
        "(default: $NEWSDESK_STORE_REPLICA)",
    )
    common.add_argument("--model", help="sentence-transformers model name or path")
    common.add_argument("--precision", choices=["auto", "bf16", "fp32"], default=None)
    common.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    common.add_argument("-v", "--verbose", action="store_true")
    common.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")

    parser = argparse.ArgumentParser(
        prog="python -m index", description="Build, search and evaluate a Newsdesk index."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(run=run)
        return sub

    for name, help_text in (
        ("build", "ingest files/directories (incremental; --full re-embeds everything)"),
        ("add", "ingest files/directories or article page URLs without pruning anything"),
    ):
        sub = command(name, _build if name == "build" else _add, help_text)
        sub.add_argument("paths", nargs="+", metavar="PATH" if name == "build" else "PATH|URL")
        sub.add_argument("--full", action="store_true", help="re-chunk and re-embed everything")
        if name == "build":
            sub.add_argument(
                "--prune",
                action="store_true",
                help="remove indexed articles these paths no longer contain",
            )
        sub.add_argument(
            "--strict", action="store_true", help="exit 3 if any input was skipped as bad"
        )
        sub.add_argument(
            "--index-type",
            choices=["flat", "hnsw"],
            default=None,
            help="FAISS index: exact (flat, default) or approximate (hnsw)",
        )
        sub.add_argument("--target-tokens", type=_positive, default=None, help="chunk size target")
        sub.add_argument(
            "--no-title",
            action="store_true",
            help="do not prepend the title to passages when embedding",
        )

    feeds = commands.add_parser(
        "feeds", help="follow news feeds (add, list, remove, check)", description=_FEEDS_HELP
    )
    feed_commands = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")

    def feed_command(name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = feed_commands.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        sub.set_defaults(run=run)
        return sub

    sub = feed_command("add", _feeds_add, "follow a feed (or the feed a homepage advertises)")
    sub.add_argument("url", metavar="URL")
    sub.add_argument("--source", help="the outlet's name (default: the feed's title)")
    sub.add_argument(
        "--every", type=_interval, default=None, help="poll interval: 90s, 15m, 2h (default 15m)"
    )
    sub.add_argument(
        "--force", action="store_true", help="follow it even if it cannot be fetched now"
    )
    sub = feed_command("list", _feeds_list, "each followed feed and its health")
    sub = feed_command("remove", _feeds_remove, "stop following a feed (its articles stay)")
    sub.add_argument("url", metavar="URL")
    sub = feed_command("check", _feeds_check, "fetch a feed once: what would be added (no change)")
    sub.add_argument("url", metavar="URL")
    sub.add_argument("--no-pages", action="store_true", help="do not fetch the entries' pages")
    sub.add_argument(
        "--limit", type=_positive, default=10, help="pages to read at most (default 10)"
    )

    sub = command("watch", _watch, "poll due feeds into the index until stopped (Ctrl-C)")
    sub.add_argument("--once", action="store_true", help="poll the due feeds once and exit")
    sub.add_argument(
        "--workers", type=_positive, default=4, help="feeds fetched at once (default 4)"
    )
    sub.add_argument(
        "--max-wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="longest wait between looks at the feeds and, on PostgreSQL, between a standby's "
        "attempts to take over (default 60)",
    )

    sub = command("remove", _remove, "remove articles by id")
    sub.add_argument("ids", nargs="+", metavar="ID")

    for name, run, help_text in (
        ("search", _search, "search the index"),
        ("ask", _ask, "answer a question from the articles, with citations"),
    ):
        sub = command(name, run, help_text)
        sub.add_argument("query", type=_words, metavar="QUERY" if name == "search" else "QUESTION")
        sub.add_argument("--source", action="append", help="only this outlet (repeatable)")
        sub.add_argument("--since", type=_date, help="published on or after (YYYY-MM-DD)")
        sub.add_argument("--until", type=_until, help="published on or before (YYYY-MM-DD)")
        sub.add_argument("--as-of", type=_date, help="ask as of this moment (default: now)")
        sub.add_argument("-k", type=_positive, default=5, help="number of articles (default 5)")
        if name == "search":
            sub.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
            sub.add_argument(
                "--latest",
                action="store_true",
                help="newest relevant coverage first (ask reads this from the question)",
            )

    sub = command("quotes", _quotes, "list a person's quotations across the collection")
    sub.add_argument(
        "speaker", type=_words, metavar="SPEAKER", help='a name or title ("Zelensky", "the mayor")'
    )
    sub.add_argument("--about", metavar="TOPIC", help="only quotations about this (by meaning)")
    sub.add_argument("--source", action="append", help="only this outlet (repeatable)")
    sub.add_argument("--since", type=_date, help="published on or after (YYYY-MM-DD)")
    sub.add_argument("--until", type=_until, help="published on or before (YYYY-MM-DD)")
    sub.add_argument(
        "--latest", action="store_true", help="newest first even when --about is given"
    )
    sub.add_argument("-n", type=_positive, default=10, help="how many quotations (default 10)")

    command("stats", _stats, "show what the index holds")

    sub = command(
        "copy",
        _copy,
        "copy a collection to another store (directory or postgresql:// URL), keeping its vectors",
    )
    sub.add_argument("source", metavar="SRC", help="index directory or postgresql://... URL")
    sub.add_argument("target", metavar="DST", help="an empty directory or collection")

    sub = command("eval", _eval, "measure retrieval on labelled questions (JSONL)")
    sub.add_argument("questions", type=Path, metavar="QUESTIONS.jsonl")
    sub.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    sub.add_argument("--no-dates", action="store_true", help="ignore question_date")
    sub.add_argument(
        "--answers",
        action="store_true",
        help="also compose answers and measure answer_shown_in_answer",
    )
    return parser


def _date(value: str, end_of_day: bool = False) -> datetime:
    """A date or date-time with its offset or zone honoured (index.dates.parse_moment)."""
    try:
        return parse_moment(value, end_of_day=end_of_day)
    except DateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _until(value: str) -> datetime:
    """A date-only ``--until`` means the end of that day ("on or before")."""
    return _date(value, end_of_day=True)


def _engine(args, require_index: bool = True):
    from .embedding import Embedder
    from .engine import Engine

    store = open_store(args.index)
    if require_index and store.current_version() is None:
        store.open()  # the store's precise error, before spending seconds on loading the model
    with _status("loading the model and index"):
        return Engine(
            args.index,
            embedder=Embedder(args.model, precision=args.precision),
            require_index=require_index,
        )


def _build(args) -> int:
    from .build import Builder
    from .chunking import ChunkingParams
    from .embedding import Embedder

    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing and len(missing) == len(args.paths):
        raise NewsdeskError(f"no such file or directory: {', '.join(missing)}")
    manifest = open_store(args.index).manifest()
    params = ChunkingParams(**manifest.chunking) if manifest and not args.full else ChunkingParams()
    overrides = {}
    if args.target_tokens:
        overrides["target_tokens"] = args.target_tokens
    if args.no_title:
        overrides["prepend_title"] = False
    params = ChunkingParams(**{**asdict(params), **overrides})
    index_type = args.index_type or (manifest.index_type if manifest else "flat")
    builder = Builder(
        args.index,
        lambda: Embedder(args.model, precision=args.precision),
        params,
        index_type,
        model_name=args.model,
    )
    with _progress("embedding articles", args.json) as progress, _problems_shown_by_summary():
        summary = builder.build(
            args.paths, full=args.full, prune=getattr(args, "prune", False), progress=progress
        )
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        for problem in summary.problems:
            print(f"skipped {problem}", file=sys.stderr)
        state = (
            f"generation {summary.generation} is live" if summary.generation else "nothing changed"
        )
        print(
            f"{state}: {summary.added} added, {summary.updated} updated, "
            f"{summary.removed} removed, {summary.unchanged} unchanged, {summary.failed} failed, "
            f"{summary.duplicates} duplicates; {summary.articles} articles, {summary.chunks} "
            f"chunks ({summary.embedded_chunks} embedded) in {summary.seconds:.1f} s"
        )
    return EXIT_SKIPPED if args.strict and summary.failed else EXIT_OK


@contextmanager
def _problems_shown_by_summary():
    """Hold back the log lines of skipped input while building: the summary lists every problem
    (on stderr, or in the JSON), so each is reported once."""
    from .articles import LoadProblem

    def not_a_problem(record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not any(isinstance(arg, LoadProblem) for arg in args)

    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(not_a_problem)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(not_a_problem)


def _remove(args) -> int:
    from .build import Builder
    from .chunking import ChunkingParams
    from .embedding import Embedder

    store = open_store(args.index)
    manifest = store.manifest()
    if manifest is None:
        store.open()  # raises the store's "nothing built" error
    builder = Builder(
        args.index,
        lambda: Embedder(args.model, precision=args.precision),
        ChunkingParams(**manifest.chunking),
        manifest.index_type,
        model_name=args.model,
    )
    summary = builder.remove(args.ids)
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        for problem in summary.problems:
            print(f"not removed: {problem.reason}", file=sys.stderr)
        print(f"{summary.removed} removed; {summary.articles} articles remain")
    return EXIT_ERROR if summary.failed else EXIT_OK


def _search(args) -> int:
    engine = _engine(args)
    hits = engine.search(
        args.query,
        k=args.k,
        sources=args.source,
        since=args.since,
        until=args.until,
        as_of=args.as_of,
        mode=args.mode,
        latest=args.latest,
    )
    # Hits do not carry partial and updated; the catalog does (one query for all of them).
    stored = engine.generation.articles(h.article_row for h in hits)
    if args.json:
        found = [_hit_json(h, stored.get(h.article_row)) for h in hits]
        print(json.dumps({"query": args.query, "hits": found}))
        return EXIT_OK
    if not hits:
        print("no matching articles")
    for rank, hit in enumerate(hits, start=1):
        date = hit.published.date().isoformat() if hit.published else "undated"
        meta = stored.get(hit.article_row)
        flags = _flags(meta.partial, meta.updated, hit.published) if meta else ""
        print(
            f"{rank}. {hit.title} — {hit.source or 'unknown outlet'}, {date}{flags} "
            f"[{hit.article_id}] score {hit.score:.4f}"
        )
        if hit.url:
            print(f"   {hit.url}")
        passage = " ".join(hit.passage.text.split())
        print(f"   “{passage[:300]}{'…' if len(passage) > 300 else ''}”")
    return EXIT_OK


def _hit_json(hit, meta) -> dict:
    return {
        "article_id": hit.article_id,
        "title": hit.title,
        "source": hit.source,
        "url": hit.url,
        "published": hit.published.isoformat() if hit.published else None,
        "partial": bool(meta and meta.partial),
        "updated": meta.updated.isoformat() if meta and meta.updated else None,
        "score": hit.score,
        "passages": [
            {"start": p.start, "end": p.end, "text": p.text, "score": p.score} for p in hit.passages
        ],
    }


def _ask(args) -> int:
    engine = _engine(args)
    answer = engine.ask(
        args.query,
        sources=args.source,
        since=args.since,
        until=args.until,
        as_of=args.as_of,
        k=args.k,
    )
    if args.json:
        print(json.dumps(answer.as_dict()))
    else:
        print(answer.render_plain())
    return EXIT_OK


def _quotes(args) -> int:
    engine = _engine(args)
    found = engine.quotes(
        args.speaker,
        about=args.about,
        sources=args.source,
        since=args.since,
        until=args.until,
        newest_first=args.latest,
        limit=args.n,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "speaker": args.speaker,
                    "about": args.about,
                    "quotes": [quote.as_dict() for quote in found],
                }
            )
        )
        return EXIT_OK
    if not found:
        about = f" about {args.about}" if args.about else ""
        print(f"no quotations from {args.speaker}{about} in the collection")
    for number, quote in enumerate(found, start=1):
        date = quote.published.date().isoformat() if quote.published else "undated"
        shown = quote.shown[0]
        words = f"“{shown}”" if quote.own_words else shown
        cue = f" ({quote.cue})" if quote.cue else ""
        print(f"{number}. {quote.label}{cue}: {' '.join(words.split())}")
        flags = _flags(quote.partial, quote.updated, quote.published)
        print(f"   {quote.title} — {quote.source or 'unknown outlet'}, {date}{flags}")
        if quote.url:
            print(f"   {quote.url}")
    return EXIT_OK


def _flags(partial: bool, updated: datetime | None, published: datetime | None) -> str:
    """``, updated 2024-11-30, partial: feed summary only`` as citations show them, or ""."""
    from .answer import coverage_flags

    return "".join(f", {flag}" for flag in coverage_flags(partial, updated, published))


def _stats(args) -> int:
    stats = open_store(args.index).open().stats()
    if args.json:
        data = asdict(stats)
        data["built_at"] = stats.built_at.isoformat() if stats.built_at else None
        for source in data["sources"]:
            source["newest"] = source["newest"].isoformat() if source["newest"] else None
        print(json.dumps(data))
        return EXIT_OK
    built = stats.built_at.strftime("%Y-%m-%d %H:%M UTC") if stats.built_at else "never"
    print(
        f"{_count(stats.articles, 'article')} ({_count(stats.duplicates, 'duplicate')} stored "
        f"once), {_count(stats.chunks, 'chunk')}; model {stats.model} (dim {stats.dimension}), "
        f"{stats.index_type} index, generation {stats.generation}, built {built}"
    )
    for source in stats.sources:
        newest = source.newest.date().isoformat() if source.newest else "undated"
        print(f"  {source.name}: {_count(source.articles, 'article')}, newest {newest}")
    return EXIT_OK


def _copy(args) -> int:
    from .copying import copy_collection

    source, target = args.source, args.target
    with _progress("copying articles", args.json) as progress:
        summary = copy_collection(source, target, progress=progress)
    if args.json:
        print(json.dumps({"source": shown(source), "target": shown(target), **asdict(summary)}))
    else:
        print(
            f"copied {_count(summary.articles, 'article')} "
            f"({_count(summary.duplicates, 'duplicate')}), {_count(summary.chunks, 'chunk')} "
            f"and {_count(summary.quotes, 'quotation')} with their vectors"
            + (f", and {_count(summary.feeds, 'followed feed')}" if summary.feeds else "")
            + f" in {summary.seconds:.1f} s"
        )
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _eval(args) -> int:
    from .evaluate import evaluate, load_questions

    try:
        questions = load_questions(args.questions)
    except OSError as error:
        raise NewsdeskError(f"cannot read {args.questions}: {error.strerror}") from None
    except ValueError as error:
        raise NewsdeskError(str(error)) from None
    engine = _engine(args)
    with _progress("questions", args.json) as progress:
        metrics = evaluate(
            engine,
            questions,
            mode=args.mode,
            use_dates=not args.no_dates,
            with_answers=args.answers,
            progress=progress,
        )
    if args.json:
        print(json.dumps(metrics))
    else:
        for key, value in metrics.items():
            print(
                f"{key:>24}: {value if isinstance(value, int) or value is None else f'{value:.3f}'}"
            )
    return EXIT_OK


@contextmanager
def _progress(label: str, quiet: bool):
    """Yield a ``progress(done, total)`` callback drawing a bar on stderr (a TTY only)."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def _status(message: str):
    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(message):
        yield


# --------------------------------------------------------------------------------------------
# Article pages and feeds

_FEEDS_HELP = (
    "Follow news feeds (RSS, Atom, JSON Feed; a homepage finds its feed). State lives in "
    "INDEX/feeds.sqlite; `python -m index watch` polls the due feeds."
)


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _interval(value: str) -> float:
    """``90s``, ``15m``, ``2h``, ``1h30m`` or a bare number of minutes, in seconds (>= 1 min)."""
    import re

    text = value.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        seconds = float(text) * 60
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)\w*", text)
        if not parts or re.sub(r"[\d.\s]|s|sec|m|min|h|hr|d|ours?|inutes?|econds?|ays?", "", text):
            raise argparse.ArgumentTypeError(f"not an interval: {value!r} (try 15m, 2h, 90s)")
        unit = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
        seconds = sum(float(number) * unit[name] for number, name in parts)
    if seconds < 60:
        raise argparse.ArgumentTypeError(f"an interval of at least 1 minute, not {value!r}")
    return seconds


def _every(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g}h"
    if seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


def _fetcher():
    from .feeds.fetch import FetchConfig, Fetcher

    contact = IndexSettings().contact_url
    if not contact:
        log.info("NEWSDESK_CONTACT_URL is not set: requests name the bot but give no contact")
    return Fetcher(FetchConfig(contact_url=contact))


def _builder(args):
    """A builder for the index with its own chunking and model (loaded only to embed)."""
    from .build import Builder
    from .chunking import ChunkingParams
    from .embedding import Embedder

    manifest = open_store(args.index).manifest()
    return Builder(
        args.index,
        lambda: Embedder(args.model, precision=args.precision),
        ChunkingParams(**manifest.chunking) if manifest else ChunkingParams(),
        manifest.index_type if manifest else "flat",
        model_name=args.model,
    )


def _add(args) -> int:
    """``add``: files and directories as ``build`` (without pruning), and article page URLs."""
    from .feeds.fetch import FetchError
    from .feeds.pages import ExtractionError, fetch_article

    urls = [p for p in args.paths if _is_url(p)]
    if not urls:
        return _build(args)
    paths = [p for p in args.paths if not _is_url(p)]
    code = EXIT_OK
    if paths:
        args.paths = paths
        code = _build(args)
    pages, failed = [], []
    with _fetcher() as fetcher, _status(f"reading {len(urls)} page(s)"):
        for url in urls:
            try:
                pages.append(fetch_article(fetcher, url))
            except (FetchError, ExtractionError) as error:
                failed.append(f"{url}: {error}")
    summary = _builder(args).add_articles([p.article for p in pages]) if pages else None
    if args.json:
        print(
            json.dumps(
                {
                    **(summary.as_dict() if summary else {}),
                    "pages": [
                        {
                            "url": p.article.url,
                            "id": p.article.id,
                            "title": p.article.title,
                            "text_chars": len(p.article.text),
                            "text_from": p.text_from,
                            "partial": p.article.partial,
                            "published": p.article.published.isoformat()
                            if p.article.published
                            else None,
                            "notes": p.notes,
                        }
                        for p in pages
                    ],
                    "failed_pages": failed,
                }
            )
        )
    else:
        for problem in failed:
            print(f"skipped {problem}", file=sys.stderr)
        for page in pages:
            article = page.article
            date = article.published.isoformat() if article.published else "undated"
            flag = " (partial)" if article.partial else ""
            print(
                f"read {article.url}: {article.title!r}, "
                f"{len(article.text)} characters{flag}, {date}"
            )
            for note in page.notes:
                print(f"  {note}", file=sys.stderr)
        if summary is not None:
            print(
                f"{summary.added} added, {summary.updated} updated, {summary.unchanged} "
                f"unchanged; {summary.articles} articles in the index"
            )
    if failed and not pages:
        return EXIT_ERROR
    if args.strict and failed:
        return EXIT_SKIPPED
    return code


def _feeds_add(args) -> int:
    from datetime import UTC

    from .feeds.fetch import FetchError
    from .feeds.parse import FeedParseError
    from .feeds.poller import feed_to_follow
    from .feeds.state import DEFAULT_INTERVAL, FeedStore

    interval = args.every or DEFAULT_INTERVAL
    store = FeedStore(args.index)
    feed_url, title, entries, discovered_on = args.url, None, None, None
    with _fetcher() as fetcher:
        try:
            feed_url, parsed, discovered_on = feed_to_follow(fetcher, args.url)
            title, entries = parsed.title, len(parsed.entries)
        except (FetchError, FeedParseError) as error:
            if not args.force:
                raise NewsdeskError(
                    f"cannot follow {args.url}: {error}; nothing added (--force adds it anyway)"
                ) from None
            print(f"warning: {error}; following it anyway", file=sys.stderr)
    state = store.add(
        feed_url, now=datetime.now(UTC), source=args.source, title=title, interval=interval
    )
    if args.json:
        print(json.dumps({**state.as_dict(), "discovered_on": discovered_on, "entries": entries}))
        return EXIT_OK
    found = f" (found on {discovered_on})" if discovered_on else ""
    count = f"; {entries} entries in it now" if entries is not None else ""
    print(f"following {feed_url}{found} as {state.outlet!r} every {_every(interval)}{count}")
    print(f"`python -m index watch --index {shown(args.index)}` polls it")
    return EXIT_OK


def _feeds_list(args) -> int:
    from .feeds.state import FeedStore

    feeds = FeedStore(args.index).feeds()
    if args.json:
        print(json.dumps({"feeds": [f.as_dict() for f in feeds]}))
        return EXIT_OK
    if not feeds:
        print("no feeds followed; add one with: python -m index feeds add URL")
    for feed in feeds:
        health = "disabled" if not feed.enabled else "ok" if not feed.failures else "failing"
        print(f"{feed.url}  [{health}]")
        print(
            f"  {feed.outlet}, every {_every(feed.interval)}; "
            f"last success {_when(feed.last_success)}"
            f"; {feed.failures} failure{'s' * (feed.failures != 1)}; next attempt "
            f"{_when(feed.next_due) if feed.enabled else 'none (disabled)'}; "
            f"{feed.entries_seen} entries seen"
        )
        if feed.last_error:
            print(f"  last error: {feed.last_error}")
    return EXIT_OK


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"


def _feeds_remove(args) -> int:
    from .feeds.state import FeedStore

    FeedStore(args.index).remove(args.url)
    if args.json:
        print(json.dumps({"removed": args.url}))
    else:
        print(f"no longer following {args.url}; its articles stay in the index")
    return EXIT_OK


def _feeds_check(args) -> int:
    from .feeds.fetch import FetchError
    from .feeds.parse import FeedParseError
    from .feeds.poller import Poller
    from .feeds.state import FeedStore

    class _NoIndex:
        def add_articles(self, articles):  # check never indexes
            raise AssertionError("feeds check must not index")

    if not FeedStore.exists(args.index):
        # Nothing followed yet: read a throwaway state so that nothing is created here.
        import tempfile

        scratch = tempfile.TemporaryDirectory()
        index_dir = Path(scratch.name)
    else:
        scratch, index_dir = None, args.index
    try:
        with _fetcher() as fetcher:
            poller = Poller(index_dir, _NoIndex(), fetcher=fetcher)
            try:
                found = poller.check(args.url, pages=not args.no_pages, limit=args.limit)
            except (FetchError, FeedParseError) as error:
                raise NewsdeskError(f"cannot read {args.url}: {error}") from None
    finally:
        if scratch is not None:
            scratch.cleanup()
    if args.json:
        print(json.dumps(found.as_dict()))
        return EXIT_OK
    where = f" (found on {found.discovered_on})" if found.discovered_on else ""
    print(
        f"{found.url}{where}: {found.kind}, {found.title or 'untitled'}, "
        f"{len(found.entries)} entries"
    )
    for problem in found.problems:
        print(f"  problem: {problem}")
    new = sum(e.status != "seen" for e in found.entries)
    print(f"{new} would be added or updated ({found.requests} requests; nothing was changed):")
    for entry in found.entries:
        line = f"  {entry.status:<7} {entry.title or '(untitled)'}"
        if entry.extracted is not None:
            article = entry.extracted.article
            date = article.published.isoformat() if article.published else "undated"
            partial = ", partial" if article.partial else ""
            source = entry.extracted.text_from
            line += f" — {len(article.text)} characters from the {source}{partial}, {date}"
        elif entry.problem:
            line += f" — {entry.problem}"
        print(line)
    return EXIT_OK


def _watch(args) -> int:
    import signal
    import threading

    from .feeds.poller import Poller
    from .feeds.scheduler import poller_lock
    from .feeds.state import is_database_url as is_url

    stop = threading.Event()
    console = Console(stderr=True)

    def request_stop(signum, frame) -> None:
        console.print("stopping after the current poll (Ctrl-C again to abort)")
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def show(report) -> None:
        print(f"{datetime.now().strftime('%H:%M:%S')} {report.line()}", flush=True)
        for result in report.failed:
            print(f"  failed {result.feed.url}: {result.error}", flush=True)
        if report.index_error:
            print(f"  not indexed (retried next poll): {report.index_error}", flush=True)

    with _fetcher() as fetcher:
        poller = Poller(args.index, _builder(args), fetcher=fetcher, workers=args.workers)
        if args.once:
            with poller_lock(args.index):
                report = poller.poll()
            if args.json:
                print(json.dumps(report.as_dict()))
            else:
                show(report)
            return EXIT_OK
        feeds = poller.store.feeds()
        enabled = sum(f.enabled for f in feeds)
        watching = [
            f"watching {enabled} feed{'s' * (enabled != 1)} of {poller.where} (Ctrl-C stops)"
            + ("; add one with: python -m index feeds add URL" if not feeds else "")
        ]

        def status(state: str, message: str) -> None:
            # Said once the lock is taken or standing by begins: a second watcher of a
            # directory fails before claiming to watch. Only a shared (PostgreSQL) collection
            # has standbys, so only there are the turns told.
            while watching:
                print(watching.pop(), flush=True)
            if is_url(args.index):
                print(f"{datetime.now().strftime('%H:%M:%S')} {message}", flush=True)

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            polls = poller.follow(stop, on_report=show, on_status=status, max_wait=args.max_wait)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    print(f"stopped after {polls} poll{'s' * (polls != 1)}", flush=True)
    return EXIT_OK
