"""PostgreSQL + pgvector at >= 1,000,000 chunks: loading, HNSW build, the bare query, recall.

Run: ``python benchmarks/bench_postgres.py [--min-chunks 1000000] [--queries 200]``.

The floor of issue 11's query-latency target, and the engine's raw capacity, measured on a real
PostgreSQL 18 + pgvector 0.8 server (``tests/pgserver.py``, the one the tests start).

The vectors. Embedding a million chunks would take ~16 h here, so they are constructed: the
chunk vectors of ``benchmarks/bench_query.py``'s benchmark index built with
``--min-chunks 1000000`` (``.cache/bench/index1m``: the real RealTimeQA index's 80,192 chunk
vectors, then copy after copy of every article with Gaussian noise sigma 0.01, re-normalised;
see that script). The same index is what the store-level comparison loads later, so the floor
and the engine see the same chunks. It is constructed here (by that script, in a child process)
if missing.

The server keeps its data in ``.cache/bench/pg1m/`` (``PostgresServer(root=...)``), so a rerun
reuses the loaded tables and the built indexes; ``bench.json`` there records how each was made
(rows, load method and time, HNSW parameters and build time). ``--rebuild-index`` drops and
rebuilds the indexes, ``--reload`` reloads the tables too. Settings for every run:
``shared_buffers`` (``--shared-buffers``, default 11GB; the tables and indexes the queries read
are read into it with pg_prewarm before measuring, so queries are measured warm; the report
warns when they do not all fit, as with 4GB at 1M chunks, where the floor table's prewarm
evicted the store's pages and its keyword side ran 7 ms instead of 4.5), ``jit=off``, and
``huge_pages`` (``--huge-pages``, default ``try`` as PostgreSQL's own: huge pages are used
when the kernel has them reserved, ``vm.nr_hugepages``, 6,000 x 2 MB for 11GB; the header
says which it got).

Measured:

1. Loading: on a 50,000-row sample, interleaved and repeated, four ways of loading
   ``(id int4, embedding vector(384))``: psycopg ``COPY ... (FORMAT BINARY)`` with
   ``write_row`` and pgvector's binary dumper; the same COPY stream built with numpy and sent
   by ``copy.write`` (one connection, and two in parallel, each half the rows); text COPY with
   ``write_row``. The whole table is loaded with the fastest, and its rate is reported.
2. HNSW build (``vector_ip_ops``: the vectors are unit length, so inner product is cosine),
   ``m``, ``ef_construction``, ``maintenance_work_mem``, parallel maintenance workers: first on
   the table's first 100,000 rows (a probe: its time times (N log N)/(n log n) is the
   extrapolation printed before the big build starts), then on all of them.
3. Sizes: table, index, database.
4. Queries: ~200 real questions (``bench_query.load_queries``: RealTimeQA questions, cycled, and
   BBC headlines), encoded once with ``index.embedding.Embedder.encode_query`` (cached). Per
   query, in an order that rotates: ``encode_query`` (timed; the engine pays it too), and
   ``SELECT id FROM t ORDER BY embedding <#> %s LIMIT 100`` at each ``hnsw.ef_search`` value
   (one connection per value; ``ef_search`` >= 100, as pgvector returns at most ``ef_search``
   rows). p50/p99/mean of each; HNSW recall@10 and recall@100 against exact search (FAISS
   ``IndexFlatIP`` over the same vectors, cached) for each ``ef_search``; the same on the 100k
   probe table.

5. ``--store``: the constructed index copied into the PostgreSQL store (database ``store1m`` of
   the same server, ``copy_collection`` as ``python -m index copy`` runs it; by default the
   collection's HNSW index is built after the rows, ``--store-load as-shipped`` keeps the
   store's order; cached: copied again only if it does not hold every chunk), then per query,
   interleaved: ``engine.search(q, k=5)`` on the store; its floor (``encode_query`` + the bare
   query on the floor table at the store's ``ef_search``, 200 for its 100 candidates); the
   store's dense and keyword sides alone; with ``--embedded``, ``engine.search`` on the
   embedded index of the same chunks and its floor (``encode_query`` + exact FAISS). Target:
   store search p50 <= 1.5 x floor p50.
6. ``--ingest N``: the first N RealTimeQA articles built into a fresh embedded index and a
   fresh PostgreSQL collection with one loaded model, alternating which goes first
   (``--ingest-repeats``); target: PostgreSQL articles/s >= 0.9 x embedded.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import numpy as np  # noqa: E402

from benchmarks.bench_query import (  # noqa: E402
    cached,
    load_queries,
    mb,
    percentiles,
    source_description,
)

PROBE_ROWS = 100_000
SAMPLE_ROWS = 50_000
TABLE = "bench_vectors"
PROBE_TABLE = "bench_vectors_100k"
STATE = "bench.json"


# --------------------------------------------------------------------------- data


def constructed_segment(args) -> Path:
    """The benchmark index's one segment, constructing the index if needed.

    An existing construction with enough chunks is used as it is, even when the source's live
    generation has changed since (a migration or a copy out of it rewrites the generation, not
    the chunks): the PostgreSQL tables and the store were loaded from it. ``--reconstruct``
    makes a new one (then reload: ``--reload``, and drop the store's database).
    """
    try:
        current = (args.index / "CURRENT").read_text().strip()
        manifest = json.loads((args.index / current / "manifest.json").read_text())
        usable = manifest.get("format", 1) >= 2 and manifest["chunks"] >= args.min_chunks
    except (OSError, ValueError, KeyError):
        usable = False
    if args.reconstruct or not (
        usable or cached(args.index, source_description(args.source), args.min_chunks)
    ):
        print(f"constructing {args.index} with bench_query.py (child process) ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "bench_query.py"),
                "--construct-only",
                "--source",
                str(args.source),
                "--out",
                str(args.index),
                "--min-chunks",
                str(args.min_chunks),
            ],
            check=True,
        )
    current = (args.index / "CURRENT").read_text().strip()
    manifest = json.loads((args.index / current / "manifest.json").read_text())
    (segment,) = manifest["segments"]
    return args.index / "segments" / segment["name"]


def original_chunks(segment: Path, cache: Path) -> np.ndarray:
    """For each chunk position, the position of the real chunk it copies (itself if real).

    The copies' article ids are the original's + ``#copy``/``#copyN``; a copy's chunk has its
    original's ordinal. Cached in ``cache`` (keyed by the segment's size).
    """
    import sqlite3

    path = cache / "originals.npy"
    vectors = np.load(segment / "vectors.npy", mmap_mode="r")
    if path.exists():
        originals = np.load(path)
        if len(originals) == len(vectors):
            return originals
    db = sqlite3.connect(f"file:{segment / 'catalog.sqlite'}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT c.position, a.id, c.ordinal FROM chunks c JOIN articles a ON a.row = c.article_row"
    ).fetchall()
    db.close()
    first: dict[tuple[str, int], int] = {}
    originals = np.empty(len(vectors), dtype=np.int64)
    for position, article_id, ordinal in sorted(rows):  # originals come first
        key = (article_id.split("#copy")[0], ordinal)
        originals[position] = first.setdefault(key, position)
    np.save(path, originals)
    return originals


def collapsed_truth(ids: np.ndarray, originals: np.ndarray, k: int = 10) -> list[np.ndarray]:
    """Per query, the first ``k`` distinct real chunks in the exact ranking (a chunk ranked by
    its best copy), from the exact top ``ids.shape[1]``."""
    result = []
    for row in ids:
        _, first = np.unique(originals[row], return_index=True)
        result.append(originals[row][np.sort(first)][:k])
    return result


def query_vectors(args, cache: Path) -> tuple[list[str], np.ndarray]:
    """The queries' texts and their ``encode_query`` vectors (cached by the texts' hash)."""
    texts = [q for _, q in load_queries(args.shared, args.queries)]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = cache / f"queries-{key}.npy"
    if path.exists():
        return texts, np.load(path)
    from index.embedding import Embedder

    embedder = Embedder()
    vectors = np.concatenate([embedder.encode_query(t) for t in texts]).astype(np.float32)
    np.save(path, vectors)
    return texts, vectors


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int, path: Path) -> np.ndarray:
    """Exact top-k row ids by inner product (FAISS IndexFlatIP), cached in ``path``."""
    if path.exists():
        cached_ids = np.load(path)
        if cached_ids.shape == (len(queries), k):
            return cached_ids
    import faiss

    flat = faiss.IndexFlatIP(vectors.shape[1])
    for start in range(0, len(vectors), 200_000):
        flat.add(np.ascontiguousarray(vectors[start : start + 200_000], dtype=np.float32))
    _, ids = flat.search(queries, k)
    del flat
    np.save(path, ids)
    return ids


# --------------------------------------------------------------------------- loading

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
COPY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def binary_rows(ids: np.ndarray, vectors: np.ndarray) -> bytes:
    """COPY BINARY tuples (int4 id, pgvector vector) built with numpy, no header/trailer."""
    dim = vectors.shape[1]
    row = np.dtype(
        [
            ("fields", ">i2"),
            ("id_len", ">i4"),
            ("id", ">i4"),
            ("vec_len", ">i4"),
            ("dim", ">i2"),
            ("unused", ">i2"),
            ("values", ">f4", (dim,)),
        ]
    )
    out = np.empty(len(ids), dtype=row)
    out["fields"] = 2
    out["id_len"] = 4
    out["id"] = ids
    out["vec_len"] = 4 + 4 * dim
    out["dim"] = dim
    out["unused"] = 0
    out["values"] = vectors
    return out.tobytes()


def load_numpy_copy(url: str, table: str, vectors: np.ndarray, first_id: int, batch=20_000):
    import psycopg

    with (
        psycopg.connect(url, autocommit=True) as conn,
        conn.cursor() as cur,
        cur.copy(f"COPY {table} (id, embedding) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(COPY_HEADER)
        for start in range(0, len(vectors), batch):
            part = np.asarray(vectors[start : start + batch], dtype=np.float32)
            ids = np.arange(first_id + start, first_id + start + len(part), dtype=np.int32)
            copy.write(binary_rows(ids, part))
        copy.write(COPY_TRAILER)


def load_numpy_copy_parallel(url: str, table: str, vectors: np.ndarray, first_id: int, jobs=2):
    bounds = np.linspace(0, len(vectors), jobs + 1).astype(int)
    errors: list[BaseException] = []

    def run(lo: int, hi: int) -> None:
        try:
            load_numpy_copy(url, table, vectors[lo:hi], first_id + lo)
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(int(lo), int(hi)))
        for lo, hi in itertools.pairwise(bounds)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def load_write_row(url: str, table: str, vectors: np.ndarray, first_id: int, binary: bool):
    import psycopg
    from pgvector.psycopg import register_vector

    fmt = "(FORMAT BINARY)" if binary else ""
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        sql = f"COPY {table} (id, embedding) FROM STDIN {fmt}"
        with conn.cursor() as cur, cur.copy(sql) as copy:
            if binary:
                copy.set_types(["int4", "vector"])
            for i in range(len(vectors)):
                copy.write_row((first_id + i, np.asarray(vectors[i], dtype=np.float32)))


LOADERS = {
    "COPY BINARY, write_row + pgvector dumper": lambda u, t, v, f: load_write_row(u, t, v, f, True),
    "COPY BINARY, numpy-built stream, 1 connection": load_numpy_copy,
    "COPY BINARY, numpy-built stream, 2 connections": load_numpy_copy_parallel,
    "COPY text, write_row + pgvector dumper": lambda u, t, v, f: load_write_row(u, t, v, f, False),
}


def create_table(conn, table: str, dim: int) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} (id int4 PRIMARY KEY, embedding vector({dim}) NOT NULL)")


def compare_loaders(url: str, conn, vectors: np.ndarray, repeats: int) -> dict[str, float]:
    """Rows per second of each loader on the same sample, interleaved (rotating order)."""
    sample = np.ascontiguousarray(vectors[:SAMPLE_ROWS], dtype=np.float32)
    names = list(LOADERS)
    times: dict[str, list[float]] = {name: [] for name in names}
    for repeat in range(repeats):
        order = names[repeat % len(names) :] + names[: repeat % len(names)]
        for name in order:
            create_table(conn, "bench_load_sample", sample.shape[1])
            conn.execute("CHECKPOINT")
            started = time.perf_counter()
            LOADERS[name](url, "bench_load_sample", sample, 0)
            times[name].append(time.perf_counter() - started)
            count = conn.execute("SELECT count(*) FROM bench_load_sample").fetchone()[0]
            assert count == len(sample), (name, count)
    conn.execute("DROP TABLE IF EXISTS bench_load_sample")
    return {name: len(sample) / float(np.median(t)) for name, t in times.items()}


# --------------------------------------------------------------------------- server side


def relation_sizes(conn, table: str) -> dict[str, int]:
    row = conn.execute(
        "SELECT pg_table_size(%s::regclass), pg_indexes_size(%s::regclass), "
        "pg_database_size(current_database())",
        (table, table),
    ).fetchone()
    hnsw = conn.execute(
        "SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        "WHERE i.indrelid = %s::regclass AND a.amname = 'hnsw'",
        (table,),
    ).fetchone()[0]
    return {"table": row[0], "indexes": row[1], "hnsw": int(hnsw), "database": row[2]}


def build_hnsw(conn, table: str, params: dict) -> tuple[float, list[str]]:
    conn.execute(f"DROP INDEX IF EXISTS {table}_hnsw")
    notices: list[str] = []
    conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
    conn.execute(f"SET maintenance_work_mem = '{params['maintenance_work_mem']}'")
    conn.execute(f"SET max_parallel_maintenance_workers = {params['parallel_workers']}")
    started = time.perf_counter()
    conn.execute(
        f"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding vector_ip_ops) "
        f"WITH (m = {params['m']}, ef_construction = {params['ef_construction']})"
    )
    seconds = time.perf_counter() - started
    conn.execute("RESET maintenance_work_mem")
    conn.execute("RESET max_parallel_maintenance_workers")
    return seconds, notices


def has_hnsw(conn, table: str) -> bool:
    return bool(
        conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{table}_hnsw",)).fetchone()[0]
    )


def row_count(conn, table: str) -> int:
    if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0]:
        return -1
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def prewarm(conn, *relations: str) -> int:
    """Read ``relations`` into shared_buffers (pg_prewarm); returns the bytes read."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    blocks = sum(
        conn.execute("SELECT pg_prewarm(%s::regclass)", (name,)).fetchone()[0] for name in relations
    )
    return blocks * int(conn.execute("SELECT current_setting('block_size')").fetchone()[0])


def measure_queries(
    url: str,
    table: str,
    texts: list[str],
    queries: np.ndarray,
    truth: np.ndarray,
    ef_values: list[int],
    originals: np.ndarray,
    embedder=None,
) -> dict:
    """Interleaved per query: encode_query (if an embedder) and the bare query at each ef."""
    import psycopg
    from pgvector.psycopg import register_vector

    sql = f"SELECT id FROM {table} ORDER BY embedding <#> %s LIMIT 100"
    connections = {}
    for ef in ef_values:
        conn = psycopg.connect(url, autocommit=True)
        register_vector(conn)
        conn.execute(f"SET hnsw.ef_search = {ef}")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, (queries[0],)))
        if f"{table}_hnsw" not in plan:
            raise SystemExit(f"error: the query does not use the HNSW index:\n{plan}")
        connections[ef] = conn
    names: list = list(ef_values) + (["encode"] if embedder is not None else [])
    times: dict = {name: [] for name in names}
    found: dict[int, list[np.ndarray]] = {ef: [] for ef in ef_values}

    def run(name, i: int, record: bool) -> None:
        started = time.perf_counter()
        if name == "encode":
            embedder.encode_query(texts[i])
            result = None
        else:
            result = connections[name].execute(sql, (queries[i],), prepare=True).fetchall()
        elapsed = time.perf_counter() - started
        if record:
            times[name].append(elapsed)
            if result is not None:
                found[name].append(np.array([r[0] for r in result], dtype=np.int64))

    for i in range(min(5, len(queries))):  # warm-up
        for name in names:
            run(name, i, record=False)
    for i in range(len(queries)):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            run(name, i, record=True)
    for conn in connections.values():
        conn.close()

    results = {"times": times, "recall": {}}
    for ef in ef_values:
        pairs = list(zip(found[ef], truth, strict=True))
        r10 = [len(np.intersect1d(f[:10], t[:10])) / 10 for f, t in pairs]
        r100 = [len(np.intersect1d(f, t[:100])) / 100 for f, t in pairs]
        wanted = collapsed_truth(truth, originals)
        chunk10 = [
            len(np.intersect1d(originals[f], w)) / len(w)
            for f, w in zip(found[ef], wanted, strict=True)
        ]
        short = sum(1 for f in found[ef] if len(f) < 100)
        results["recall"][ef] = (
            float(np.mean(r10)),
            float(np.mean(r100)),
            float(np.mean(chunk10)),
            short,
        )
    return results


# --------------------------------------------------------------------------- the store

STORE_DATABASE = "store1m"


def load_store_child(url: str, index_dir: Path, deferred: bool, params: dict) -> dict:
    """``copy_collection(index_dir, url)`` (what ``python -m index copy`` runs); with
    ``deferred`` the collection's HNSW index is created after the rows, with ``params``'
    maintenance_work_mem and workers, instead of before them (the store creates it with the
    collection). Runs in a child process; returns the timings."""
    import psycopg

    from index import copying
    from index.postgres import schema

    real = schema.hnsw_index_sql
    if deferred:
        schema.hnsw_index_sql = lambda collection_id, dimension: "SELECT 1"
    last = [time.perf_counter(), 0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 60 or done == total:
            print(f"  copy: {done:,}/{total:,} articles", flush=True)
            last[0] = now

    summary = copying.copy_collection(str(index_dir), url, progress=progress)
    result = {
        "copy_seconds": summary.seconds,
        "articles": summary.articles,
        "duplicates": summary.duplicates,
        "chunks": summary.chunks,
        "quotes": summary.quotes,
        "deferred_hnsw": deferred,
    }
    with psycopg.connect(url, autocommit=True) as conn:
        collection, dimension = conn.execute(
            "SELECT id, dimension FROM collections WHERE key = 'default'"
        ).fetchone()
        if deferred:
            schema.hnsw_index_sql = real
            conn.execute(f"SET maintenance_work_mem = '{params['maintenance_work_mem']}'")
            conn.execute(f"SET max_parallel_maintenance_workers = {params['parallel_workers']}")
            started = time.perf_counter()
            conn.execute(real(collection, dimension))
            result["hnsw_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        result["vacuum_analyze_seconds"] = time.perf_counter() - started
    return result


def store_sizes(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        sizes = dict(
            conn.execute(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
            ).fetchall()
        )
        sizes["chunks (total)"] = conn.execute(
            "SELECT pg_total_relation_size('chunks')"
        ).fetchone()[0]
        sizes["database"] = conn.execute("SELECT pg_database_size(current_database())").fetchone()[
            0
        ]
    return sizes


def ensure_store(args, server, state: dict, params: dict, chunks: int) -> tuple[str, dict]:
    """The benchmark index copied into the store (database ``store1m`` of the same server),
    cached: copied again only if it does not hold all the chunks."""
    import psycopg

    from index.storage import open_store

    url = f"postgresql://{server.url.split('://', 1)[1].rsplit('/', 1)[0]}/{STORE_DATABASE}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (STORE_DATABASE,)
        ).fetchone():
            conn.execute(f"CREATE DATABASE {STORE_DATABASE}")
    store = open_store(url)
    manifest = store.manifest() if store.current_version() is not None else None
    entry = state.get("store", {})
    if manifest is not None and manifest.chunks == chunks and entry.get("chunks") == chunks:
        return url, entry
    if manifest is not None:
        raise SystemExit(
            f"error: {url} holds a partial collection ({manifest.chunks:,} chunks): drop "
            f"database {STORE_DATABASE} and run again"
        )
    deferred = args.store_load == "deferred"
    print(
        f"copying {args.index} into {url} (python -m index copy's copy_collection; HNSW "
        f"{'after the rows' if deferred else 'as the store creates it, before the rows'}) ...",
        flush=True,
    )
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--load-store-child",
            url,
            "--index",
            str(args.index),
            "--store-load",
            args.store_load,
            "--maintenance-work-mem",
            args.maintenance_work_mem,
            "--parallel-workers",
            str(args.parallel_workers),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    print(output.rstrip(), flush=True)
    entry = json.loads(output.strip().splitlines()[-1])
    entry["load_average_after"] = os.getloadavg()[0]
    return url, entry


def base_id(article_id: str) -> str:
    return article_id.split("#copy")[0]


def compare_store(args, server, store_url: str, texts: list[str], queries, embedder) -> dict:
    """Interleaved per query: search on the PostgreSQL store, its floor (encode_query + the
    bare query on the floor table at the store's ef_search), the store's two retrievers
    alone, and, with --embedded, search on the embedded store and its floor (encode_query +
    exact FAISS)."""
    import faiss
    import psycopg
    from pgvector.psycopg import register_vector

    from index.engine import Engine

    candidates = 100  # SearchParams.candidates: what search asks each retriever for
    ef = min(max(2 * candidates, 100), 1000)  # what the store sets for that k
    pg = Engine(store_url, embedder=embedder, background_merge=False)
    with psycopg.connect(store_url, autocommit=True) as conn:
        # Warm, as the floor's table is: the HNSW index, and what the keyword side and the
        # fetches after retrieval read (the chunks' rows hold their tsvectors).
        relations = [
            name
            for (name,) in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'chunks' AND indexname LIKE "
                "'chunks_hnsw_%'"
            ).fetchall()
        ]
        relations += ["chunks", "chunks_keywords", "chunks_pkey", "articles", "articles_pkey"]
        relations += ["title_vectors", "title_vectors_pkey", "lexeme_stats", "lexeme_stats_pkey"]
        warmed = prewarm(conn, *relations)
        buffers = conn.execute(
            "SELECT pg_size_bytes(current_setting('shared_buffers'))"
        ).fetchone()[0]
    with psycopg.connect(server.url, autocommit=True) as conn:
        warmed += prewarm(conn, TABLE, f"{TABLE}_hnsw")
    floor_conn = psycopg.connect(server.url, autocommit=True)
    register_vector(floor_conn)
    floor_conn.execute(f"SET hnsw.ef_search = {ef}")
    floor_sql = f"SELECT id FROM {TABLE} ORDER BY embedding <#> %s LIMIT {candidates}"

    calls: dict = {}
    times: dict[str, list[float]] = {}
    overlap: list[float] = []

    def pg_floor(i: int):
        started = time.perf_counter()
        vector = embedder.encode_query(texts[i])
        encoded = time.perf_counter()
        floor_conn.execute(floor_sql, (vector[0],), prepare=True).fetchall()
        done = time.perf_counter()
        return {"pg floor: encode": encoded - started, "pg floor: bare query": done - encoded}

    calls["pg search"] = lambda i: pg.search(texts[i], k=5)
    calls["pg floor"] = pg_floor
    calls["pg dense alone"] = lambda i: pg.generation.vectors.search(queries[i], candidates)
    calls["pg keyword alone"] = lambda i: pg.generation.keywords.search(texts[i], candidates)
    emb = None
    if args.embedded:
        emb = Engine(args.index, embedder=embedder, background_merge=False)
        vectors = np.load(constructed_segment(args) / "vectors.npy")
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        del vectors
        faiss.omp_set_num_threads(1)

        def emb_floor(i: int):
            started = time.perf_counter()
            vector = embedder.encode_query(texts[i])
            encoded = time.perf_counter()
            flat.search(vector, candidates)
            done = time.perf_counter()
            return {"emb floor: encode": encoded - started, "emb floor: FAISS": done - encoded}

        calls["emb search"] = lambda i: emb.search(texts[i], k=5)
        calls["emb floor"] = emb_floor

    def run(name: str, i: int, record: bool):
        started = time.perf_counter()
        result = calls[name](i)
        elapsed = time.perf_counter() - started
        if record:
            times.setdefault(name, []).append(elapsed)
            if isinstance(result, dict):
                for part, seconds in result.items():
                    times.setdefault(part, []).append(seconds)
        return result

    # Untimed rounds first: each pooled connection's server process maps the shared-buffer
    # pages it reads on first touch (one page fault per 4 KB page without huge pages).
    rounds = min(args.warm_queries or len(texts), len(texts))
    for i in range(rounds):
        for name in calls:
            run(name, i, record=False)
    names = list(calls)
    started = time.perf_counter()
    for i in range(len(texts)):
        order = names[i % len(names) :] + names[: i % len(names)]
        results = {name: run(name, i, record=True) for name in order}
        if emb is not None:
            a = {base_id(h.article_id) for h in results["pg search"]}
            b = {base_id(h.article_id) for h in results["emb search"]}
            overlap.append(len(a & b) / max(len(b), 1))
    seconds = time.perf_counter() - started
    floor_conn.close()
    return {
        "times": times,
        "overlap": overlap,
        "ef_search": ef,
        "seconds": seconds,
        "warm_queries": rounds,
        "prewarmed_bytes": warmed,
        "shared_buffers_bytes": buffers,
    }


def print_store(entry: dict, sizes: dict, result: dict, embedded: bool) -> None:
    print()
    how = "HNSW after the rows" if entry["deferred_hnsw"] else "HNSW before the rows"
    print(
        f"store: {entry['chunks']:,} chunks, {entry['articles']:,} articles, "
        f"{entry['quotes']:,} quotations copied in {entry['copy_seconds']:.0f} s "
        f"({entry['chunks'] / entry['copy_seconds']:,.0f} chunks/s; {how}"
        + (f", HNSW build {entry['hnsw_seconds']:.0f} s" if "hnsw_seconds" in entry else "")
        + f"); VACUUM ANALYZE {entry['vacuum_analyze_seconds']:.0f} s"
    )
    big = sorted(((v, k) for k, v in sizes.items() if k != "database"), reverse=True)[:6]
    print(
        f"  database {mb(sizes['database'])}; largest: " + ", ".join(f"{k} {mb(v)}" for v, k in big)
    )
    print(
        f"  queries: {len(result['times']['pg search'])} interleaved in {result['seconds']:.0f} s; "
        f"floor and store at hnsw.ef_search {result['ef_search']}; "
        f"after {result['warm_queries']} untimed rounds"
    )
    warmed, buffers = result["prewarmed_bytes"], result["shared_buffers_bytes"]
    if warmed <= buffers:
        print(f"  prewarmed {mb(warmed)} of the store and the floor table: fits shared_buffers")
    else:
        # Prewarming the floor table then evicts the store's pages: its keyword side reads
        # ~2,500 heap pages a query, then from the OS page cache (measured: keyword side
        # 7 ms instead of 4.5 ms warm).
        print(
            f"  WARNING: prewarmed {mb(warmed)} (the store and the floor table) exceed "
            f"shared_buffers {mb(buffers)}: the store is measured partly cold; see --help"
        )
    print()
    print(f"{'measure (ms)':<52} {'p50':>8} {'p99':>8} {'mean':>8}")
    print("-" * 80)
    for name, values in result["times"].items():
        p50, p99, mean = percentiles(values)
        print(f"{name:<52} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f} {mean * 1000:>8.1f}")
    print()
    times = result["times"]
    ratio = percentiles(times["pg search"])[0] / percentiles(times["pg floor"])[0]
    verdict = "PASS" if ratio <= 1.5 else "FAIL"
    print(f"{'pg search p50 / pg floor p50':<52} {ratio:>8.3f}x  <= 1.5x  {verdict}")
    if embedded:
        emb_ratio = percentiles(times["pg search"])[0] / percentiles(times["emb search"])[0]
        print(f"{'pg search p50 / embedded search p50':<52} {emb_ratio:>8.2f}x")
        emb_floor = percentiles(times["emb search"])[0] / percentiles(times["emb floor"])[0]
        print(f"{'embedded search p50 / its floor p50':<52} {emb_floor:>8.2f}x")
        print(
            f"{'top-5 articles shared with the embedded store':<52} "
            f"{np.mean(result['overlap']):>8.3f}  (copies counted as their original)"
        )


# --------------------------------------------------------------------------- ingest


INGEST_DATABASE = "ingest"


def compare_ingest(args, server) -> dict:
    """The same articles built into a fresh embedded index and a fresh PostgreSQL collection
    with the same embedder (one model, loaded once), alternating which goes first."""
    import shutil
    import tempfile

    import psycopg

    from benchmarks.bench_ingest import write_subset
    from index.build import Builder
    from index.embedding import Embedder

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {INGEST_DATABASE}")
        conn.execute(f"CREATE DATABASE {INGEST_DATABASE}")
    base = server.url.rsplit("/", 1)[0] + "/" + INGEST_DATABASE
    scratch = Path(tempfile.mkdtemp(prefix="ingest-", dir=args.server.parent))
    try:
        articles_file = scratch / "articles.jsonl"
        count = write_subset(
            args.shared / "eval/realtimeqa/articles.jsonl", articles_file, args.ingest
        )
        embedder = Embedder(precision=args.precision)
        embedder.encode(["warm-up sentence"] * 16)
        runs: dict[str, list[tuple[float, int, int]]] = {"embedded": [], "postgres": []}

        def build(kind: str, number: int) -> None:
            if kind == "embedded":
                location = str(scratch / f"index-{number}")
            else:
                location = f"{base}?collection=ingest{number}"
            builder = Builder(location, embedder)
            started = time.perf_counter()
            summary = builder.build([articles_file])
            seconds = time.perf_counter() - started
            if summary.failed:
                print(f"warning: {summary.failed} load problems: {summary.problems[:3]}")
            runs[kind].append((seconds, summary.added, summary.embedded_chunks))
            print(
                f"  {kind:<9} {seconds:7.1f} s  {summary.added / seconds:5.2f} articles/s  "
                f"{summary.embedded_chunks / seconds:6.1f} chunks/s",
                flush=True,
            )

        for repeat in range(args.ingest_repeats):
            order = ("embedded", "postgres") if repeat % 2 == 0 else ("postgres", "embedded")
            for kind in order:
                build(kind, repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "articles": count,
        "precision": embedder.precision,
        "runs": runs,
    }


def print_ingest(result: dict) -> None:
    print()
    print(
        f"ingest: {result['articles']} RealTimeQA articles built from a JSONL file into a fresh "
        f"index / collection, precision {result['precision']}, the same loaded model; "
        f"{len(result['runs']['embedded'])} builds each, alternating which goes first"
    )
    print(f"{'store':<12} {'seconds (mean)':>15} {'articles/s':>11} {'chunks/s':>9}  runs (s)")
    print("-" * 80)
    rates = {}
    for kind, runs in result["runs"].items():
        seconds = sum(s for s, _, _ in runs) / len(runs)
        articles, chunks = runs[0][1], runs[0][2]
        rates[kind] = articles / seconds
        print(
            f"{kind:<12} {seconds:>15.1f} {articles / seconds:>11.2f} {chunks / seconds:>9.1f}  "
            + ", ".join(f"{s:.1f}" for s, _, _ in runs)
        )
    ratio = rates["postgres"] / rates["embedded"]
    verdict = "PASS" if ratio >= 0.9 else "FAIL"
    print(f"{'postgres / embedded (articles/s)':<40} {ratio:.2f}  >= 0.9  {verdict}")


# --------------------------------------------------------------------------- main


def ensure_loaded(args, url, conn, state, table, vectors, loader_name) -> dict:
    rows = len(vectors)
    entry = state.get(table, {})
    if not args.reload and entry.get("rows") == rows and row_count(conn, table) == rows:
        return entry
    print(f"loading {rows:,} rows into {table} ({loader_name}) ...", flush=True)
    create_table(conn, table, vectors.shape[1])
    conn.execute("CHECKPOINT")
    started = time.perf_counter()
    LOADERS[loader_name](url, table, vectors, 0)
    seconds = time.perf_counter() - started
    conn.execute(f"VACUUM ANALYZE {table}")
    entry = {"rows": rows, "load_method": loader_name, "load_seconds": seconds}
    print(f"  {seconds:.1f} s, {rows / seconds:,.0f} rows/s", flush=True)
    return entry


def ensure_index(args, conn, state, table, params, probe_entry=None) -> dict:
    entry = state[table]
    if (
        not (args.rebuild_index or args.reload)
        and entry.get("hnsw") == params
        and has_hnsw(conn, table)
    ):
        return entry
    rows = entry["rows"]
    if probe_entry and probe_entry.get("hnsw") == params:
        n, seconds = probe_entry["rows"], probe_entry["build_seconds"]
        estimate = seconds * (rows * math.log(rows)) / (n * math.log(n))
        print(
            f"HNSW on {rows:,} rows: extrapolated from {n:,} rows in {seconds:.0f} s "
            f"(x N log N): ~{estimate / 60:.0f} min",
            flush=True,
        )
    print(f"building HNSW on {table} ({params}) ...", flush=True)
    load = os.getloadavg()[0]
    seconds, notices = build_hnsw(conn, table, params)
    entry.update(
        hnsw=params,
        build_seconds=seconds,
        build_notices=notices,
        build_load_average=[load, os.getloadavg()[0]],
    )
    print(f"  {seconds:.0f} s; notices: {notices or 'none'}", flush=True)
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO / ".cache/ix/rtqa5000")
    parser.add_argument("--index", type=Path, default=REPO / ".cache/bench/index1m")
    parser.add_argument("--server", type=Path, default=REPO / ".cache/bench/pg1m")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--min-chunks", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", default="100,200,400,800")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=64)
    parser.add_argument("--maintenance-work-mem", default="8GB")
    parser.add_argument("--parallel-workers", type=int, default=1, help="besides the leader")
    parser.add_argument(
        "--shared-buffers",
        default="11GB",
        help="the server's shared_buffers (default 11GB: the store's relations a search reads, "
        "~5.2 GB at 1M chunks, and the floor table with its index, ~3.5 GB, both fit; with "
        "less, prewarming the floor table evicts the store's pages and the store is measured "
        "partly cold: the report says so)",
    )
    parser.add_argument(
        "--huge-pages",
        default="try",
        choices=("try", "on", "off"),
        help="the server's huge_pages (on: fail unless the kernel has them reserved)",
    )
    parser.add_argument(
        "--warm-queries",
        type=int,
        default=5,
        help="with --store: untimed rounds of every call before measuring (default 5; 0: all "
        "the queries, as a long-running server's connections have touched the pages they read)",
    )
    parser.add_argument("--load-repeats", type=int, default=2)
    parser.add_argument("--probe-only", action="store_true", help="stop after the 100k probe")
    parser.add_argument("--reload", action="store_true", help="reload the tables, rebuild")
    parser.add_argument("--rebuild-index", action="store_true", help="rebuild the indexes")
    parser.add_argument(
        "--reconstruct", action="store_true", help="construct the 1M-chunk index again"
    )
    parser.add_argument(
        "--store", action="store_true", help="engine.search on the PostgreSQL store too"
    )
    parser.add_argument(
        "--embedded", action="store_true", help="with --store: the embedded store as well"
    )
    parser.add_argument(
        "--store-load",
        choices=("deferred", "as-shipped"),
        default="deferred",
        help="copy into the store with its HNSW index built after the rows (default) or as "
        "the store does it (the index first)",
    )
    parser.add_argument("--load-store-child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument(
        "--ingest", type=int, default=0, help="build N articles into both stores (0: skip)"
    )
    parser.add_argument("--ingest-repeats", type=int, default=2)
    parser.add_argument("--precision", default="auto", choices=("auto", "bf16", "fp32"))
    args = parser.parse_args()
    if args.load_store_child:
        result = load_store_child(
            args.load_store_child,
            args.index,
            args.store_load == "deferred",
            {
                "maintenance_work_mem": args.maintenance_work_mem,
                "parallel_workers": args.parallel_workers,
            },
        )
        print(json.dumps(result))
        return 0

    import psycopg
    import torch
    from pgserver import PostgresServer

    ef_values = [int(x) for x in args.ef_search.split(",")]
    params = {
        "m": args.m,
        "ef_construction": args.ef_construction,
        "maintenance_work_mem": args.maintenance_work_mem,
        "parallel_workers": args.parallel_workers,
    }
    load_before = os.getloadavg()
    segment = constructed_segment(args)
    vectors = np.load(segment / "vectors.npy", mmap_mode="r")
    if len(vectors) < args.min_chunks:
        raise SystemExit(f"error: {args.index} has {len(vectors):,} vectors")
    args.server.mkdir(parents=True, exist_ok=True)
    texts, queries = query_vectors(args, args.server)
    truth_probe = exact_neighbours(
        vectors[:PROBE_ROWS], queries, 1000, args.server / f"truth-{PROBE_ROWS}.npy"
    )
    truth = exact_neighbours(vectors, queries, 1000, args.server / f"truth-{len(vectors)}.npy")
    originals = original_chunks(segment, args.server)

    state_path = args.server / STATE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}

    def save_state() -> None:
        state_path.write_text(json.dumps(state, indent=2) + "\n")

    settings = {
        "shared_buffers": args.shared_buffers,
        "jit": "off",
        "huge_pages": args.huge_pages,
    }
    with PostgresServer(root=args.server, settings=settings) as server:
        url = server.url
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            versions = conn.execute(
                "SELECT current_setting('server_version'), "
                "(SELECT extversion FROM pg_extension WHERE extname = 'vector'), "
                "current_setting('huge_pages_status')"
            ).fetchone()
            if args.reload or "loaders" not in state:
                print(f"comparing loaders on {SAMPLE_ROWS:,} rows ...", flush=True)
                state["loaders"] = compare_loaders(url, conn, vectors, args.load_repeats)
                save_state()
            loaders = state["loaders"]
            fastest = max(loaders, key=loaders.get)

            state[PROBE_TABLE] = ensure_loaded(
                args, url, conn, state, PROBE_TABLE, vectors[:PROBE_ROWS], fastest
            )
            save_state()
            state[PROBE_TABLE] = ensure_index(args, conn, state, PROBE_TABLE, params)
            save_state()
            tables = [PROBE_TABLE]
            if not args.probe_only:
                state[TABLE] = ensure_loaded(args, url, conn, state, TABLE, vectors, fastest)
                save_state()
                state[TABLE] = ensure_index(
                    args, conn, state, TABLE, params, probe_entry=state[PROBE_TABLE]
                )
                save_state()
                tables.append(TABLE)
            sizes = {table: relation_sizes(conn, table) for table in tables}

        from index.embedding import Embedder

        embedder = Embedder()
        measured = {}
        for table in tables:
            with psycopg.connect(url, autocommit=True) as conn:
                prewarm(conn, table, f"{table}_hnsw")
            table_truth = truth_probe if table == PROBE_TABLE else truth
            measured[table] = measure_queries(
                url,
                table,
                texts,
                queries,
                table_truth,
                ef_values,
                originals,
                embedder=embedder if table == tables[-1] else None,
            )
            remember(state, table, measured[table], sizes[table])
        save_state()
        if args.store:
            store_url, state["store"] = ensure_store(args, server, state, params, len(vectors))
            save_state()
            store_size = store_sizes(store_url)
            store_result = compare_store(args, server, store_url, texts, queries, embedder)
        if args.ingest:
            print(f"ingest: {args.ingest} articles into each store ...", flush=True)
            ingest_result = compare_ingest(args, server)
            state["ingest"] = ingest_result
            save_state()

    # ---------------------------------------------------------------- report
    load_after = os.getloadavg()
    print()
    print(
        f"PostgreSQL {versions[0]}, pgvector {versions[1]}; server data {args.server}; "
        f"shared_buffers {args.shared_buffers}, huge pages {versions[2]}, jit off, fsync off "
        "(benchmark server)"
    )
    print(
        f"vectors: {len(vectors):,} x {vectors.shape[1]} float32 from {args.index} "
        f"(bench_query construction: the RealTimeQA index's 80,192 chunk vectors + noisy "
        f"copies, sigma 0.01)"
    )
    print(
        f"queries: {len(queries)} (bench_query.load_queries), encode_query precision "
        f"{embedder.precision}, torch threads {torch.get_num_threads()} (encode_query uses 1)"
    )
    print()
    print(f"{'loading (50,000-row sample, median of ' + str(args.load_repeats) + ')':<60} rows/s")
    print("-" * 80)
    for name, rate in sorted(loaders.items(), key=lambda kv: -kv[1]):
        print(f"{name:<60} {rate:>10,.0f}")
    print()
    print(
        f"{'table':<22} {'rows':>10} {'load s':>8} {'rows/s':>9} {'HNSW s':>8} "
        f"{'table':>9} {'HNSW':>9} {'database':>9}"
    )
    print("-" * 90)
    for table in tables:
        entry, size = state[table], sizes[table]
        print(
            f"{table:<22} {entry['rows']:>10,} {entry['load_seconds']:>8.1f} "
            f"{entry['rows'] / entry['load_seconds']:>9,.0f} {entry['build_seconds']:>8.0f} "
            f"{mb(size['table']):>9} {mb(size['hnsw']):>9} {mb(size['database']):>9}"
        )
    print(
        f"HNSW: vector_ip_ops, m {params['m']}, ef_construction {params['ef_construction']}, "
        f"maintenance_work_mem {params['maintenance_work_mem']}, "
        f"max_parallel_maintenance_workers {params['parallel_workers']} (+ the leader)"
    )
    for table in tables:
        if state[table].get("build_notices"):
            print(f"  {table} build notices: {state[table]['build_notices']}")
    print()
    print(
        f"{'query (ms)':<44} {'p50':>7} {'p99':>7} {'mean':>7} {'R@10':>6} {'R@100':>6} "
        f"{'chunk R@10':>10}"
    )
    print("-" * 94)
    for table in tables:
        result = measured[table]
        for name, values in result["times"].items():
            p50, p99, mean = percentiles(values)
            if name == "encode":
                label, recall = "encode_query (1 thread)", ""
            else:
                r10, r100, chunk10, short = result["recall"][name]
                label = f"{table}: <#> LIMIT 100, ef_search {name}"
                recall = f"{r10:>6.3f} {r100:>6.3f} {chunk10:>10.3f}"
                recall += f" ({short} short)" if short else ""
            print(f"{label:<44} {p50 * 1000:>7.2f} {p99 * 1000:>7.2f} {mean * 1000:>7.2f} {recall}")
    print()
    print(
        f"note: 1-minute load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at "
        f"the end ({os.cpu_count()} cores); HNSW builds at load "
        + ", ".join(
            f"{state[t]['build_load_average'][0]:.1f}-{state[t]['build_load_average'][1]:.1f}"
            for t in tables
            if "build_load_average" in state[t]
        )
    )
    if args.store:
        print_store(state["store"], store_size, store_result, args.embedded)
    if args.ingest:
        print_ingest(ingest_result)
    sweep = state.get(tables[-1], {}).get("runs", {})
    if len(sweep) > 1:
        print()
        print(f"HNSW parameters tried on {tables[-1]} (each in its own run): p50 ms / chunk R@10")
        print_sweep(sweep)
    return 0


def params_key(params: dict) -> str:
    return (
        f"m={params['m']} ef_construction={params['ef_construction']} "
        f"workers={params['parallel_workers']} mwm={params['maintenance_work_mem']}"
    )


def remember(state: dict, table: str, result: dict, size: dict) -> None:
    """Keep this run's figures under the table's HNSW parameters (for the sweep table)."""
    entry = state[table]
    run = {
        "build_seconds": entry["build_seconds"],
        "hnsw_bytes": size["hnsw"],
        "measured_at": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "ef": {},
    }
    for ef, (r10, r100, chunk10, _short) in result["recall"].items():
        p50, p99, mean = percentiles(result["times"][ef])
        run["ef"][str(ef)] = {
            "p50": p50,
            "p99": p99,
            "mean": mean,
            "r10": r10,
            "r100": r100,
            "chunk10": chunk10,
        }
    runs = entry.setdefault("runs", {})
    key = params_key(entry["hnsw"])
    # A run measuring fewer ef_search values keeps the others' last figures.
    run["ef"] = {**runs.get(key, {}).get("ef", {}), **run["ef"]}
    runs[key] = run


def print_sweep(runs: dict) -> None:
    efs = sorted({int(ef) for run in runs.values() for ef in run["ef"]})
    header = f"{'parameters':<48} {'build s':>8} {'HNSW':>9}"
    header += "".join(f" {'ef ' + str(ef):>14}" for ef in efs)
    print(header)
    print("-" * len(header))
    for key, run in runs.items():
        line = f"{key:<48} {run['build_seconds']:>8.0f} {mb(run['hnsw_bytes']):>9}"
        for ef in efs:
            cell = run["ef"].get(str(ef))
            line += f" {cell['p50'] * 1000:>6.2f} / {cell['chunk10']:.3f}" if cell else f" {'':>14}"
        print(line)


if __name__ == "__main__":
    sys.exit(main())
