"""The PostgreSQL store: a collection in PostgreSQL + pgvector behind :mod:`index.storage`.

- :mod:`.connection`: locations (``postgresql://...?collection=NAME``) and the one place where
  connections are made (:func:`~.connection.connect`, a small pool for readers).
- :mod:`.schema`: the tables, created and migrated by the product (a ``schema_version`` table and
  ordered migrations).
- :mod:`.store`: :class:`~.store.PostgresStore` (the Store) and its writer (transactions of
  whole articles).
- :mod:`.collection`: the read view (the Collection: pgvector HNSW for the dense side,
  ``tsvector`` + ``ts_rank`` for the keyword side, filters as SQL conditions).
- :mod:`.replica`: reads from a streaming replica (``?replica=``, ``NEWSDESK_STORE_REPLICA``),
  and a process that wrote reading its own writes from the primary until the replica has them.
- :mod:`.feeds`: the feed state of a collection (what ``feeds.sqlite`` holds for a directory).
- :mod:`.leader`: leader election by advisory lock: one process polls a collection's feeds.

psycopg is imported only when a ``postgresql://`` location is used: the embedded store never
pays for it.
"""
