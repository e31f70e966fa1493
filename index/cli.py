"""The command line: ``python -m index build|add|remove|search|ask|quotes|stats|eval``.

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

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from .config import IndexSettings
from .dates import DateError, parse_moment
from .errors import NewsdeskError

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
    settings = IndexSettings()
    index_dir = args.index or settings.index_dir
    if index_dir is None:
        parser.error("no index directory: pass --index DIR or set NEWSDESK_INDEX_DIR")
    args.index = Path(index_dir)
    args.model = args.model or settings.model
    args.precision = args.precision or settings.precision
    try:
        return args.run(args)
    except NewsdeskError as error:
        Console(stderr=True).print(f"[red]error:[/red] {error}", highlight=False)
        return EXIT_ERROR
    except KeyboardInterrupt:
        Console(stderr=True).print("interrupted; the index is unchanged unless a build finished")
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", type=Path, help="index directory (default: $NEWSDESK_INDEX_DIR)")
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
        ("add", "ingest files/directories without pruning anything"),
    ):
        sub = command(name, _build, help_text)
        sub.add_argument("paths", nargs="+", metavar="PATH")
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
        sub.add_argument("--target-tokens", type=int, default=None, help="chunk size target")
        sub.add_argument(
            "--no-title",
            action="store_true",
            help="do not prepend the title to passages when embedding",
        )

    sub = command("remove", _remove, "remove articles by id")
    sub.add_argument("ids", nargs="+", metavar="ID")

    for name, run, help_text in (
        ("search", _search, "search the index"),
        ("ask", _ask, "answer a question from the articles, with citations"),
    ):
        sub = command(name, run, help_text)
        sub.add_argument("query", metavar="QUERY" if name == "search" else "QUESTION")
        sub.add_argument("--source", action="append", help="only this outlet (repeatable)")
        sub.add_argument("--since", type=_date, help="published on or after (YYYY-MM-DD)")
        sub.add_argument("--until", type=_until, help="published on or before (YYYY-MM-DD)")
        sub.add_argument("--as-of", type=_date, help="ask as of this moment (default: now)")
        sub.add_argument("-k", type=int, default=5, help="number of articles (default 5)")
        if name == "search":
            sub.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
            sub.add_argument(
                "--latest",
                action="store_true",
                help="newest relevant coverage first (ask reads this from the question)",
            )

    sub = command("quotes", _quotes, "list a person's quotations across the collection")
    sub.add_argument("speaker", metavar="SPEAKER", help='a name or title ("Zelensky", "the mayor")')
    sub.add_argument("--about", metavar="TOPIC", help="only quotations about this (by meaning)")
    sub.add_argument("--source", action="append", help="only this outlet (repeatable)")
    sub.add_argument("--since", type=_date, help="published on or after (YYYY-MM-DD)")
    sub.add_argument("--until", type=_until, help="published on or before (YYYY-MM-DD)")
    sub.add_argument(
        "--latest", action="store_true", help="newest first even when --about is given"
    )
    sub.add_argument("-n", type=int, default=10, help="how many quotations (default 10)")

    command("stats", _stats, "show what the index holds")

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
    from .errors import IndexNotFoundError
    from .store import IndexDirectory

    if require_index and IndexDirectory(args.index).current() is None:
        raise IndexNotFoundError(args.index)  # before spending seconds on loading the model
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
    from .store import IndexDirectory, Manifest

    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing and len(missing) == len(args.paths):
        raise NewsdeskError(f"no such file or directory: {', '.join(missing)}")
    current = IndexDirectory(args.index).current()
    manifest = Manifest.read(current / "manifest.json") if current else None
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
    from .errors import IndexNotFoundError
    from .store import IndexDirectory, Manifest

    current = IndexDirectory(args.index).current()
    if current is None:
        raise IndexNotFoundError(args.index)
    manifest = Manifest.read(current / "manifest.json")
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
    if args.json:
        print(json.dumps({"query": args.query, "hits": [_hit_json(h) for h in hits]}))
        return EXIT_OK
    if not hits:
        print("no matching articles")
    for rank, hit in enumerate(hits, start=1):
        date = hit.published.date().isoformat() if hit.published else "undated"
        print(
            f"{rank}. {hit.title} — {hit.source or 'unknown outlet'}, {date} "
            f"[{hit.article_id}] score {hit.score:.4f}"
        )
        if hit.url:
            print(f"   {hit.url}")
        passage = " ".join(hit.passage.text.split())
        print(f"   “{passage[:300]}{'…' if len(passage) > 300 else ''}”")
    return EXIT_OK


def _hit_json(hit) -> dict:
    return {
        "article_id": hit.article_id,
        "title": hit.title,
        "source": hit.source,
        "url": hit.url,
        "published": hit.published.isoformat() if hit.published else None,
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
        print(f"   {quote.title} — {quote.source or 'unknown outlet'}, {date}")
        if quote.url:
            print(f"   {quote.url}")
    return EXIT_OK


def _stats(args) -> int:
    from .store import Generation

    stats = Generation.open_current(args.index).stats()
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
