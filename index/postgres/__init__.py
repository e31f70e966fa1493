"""The PostgreSQL store: a collection in PostgreSQL + pgvector behind :mod:`index.storage`.

- :mod:`.connection`: locations (``postgresql://...?collection=NAME``) and the one place where
  connections are made (:func:`~.connection.connect`, a small pool for readers).
- :mod:`.schema`: the tables, created and migrated by the product (a ``schema_version`` table and
  ordered migrations).
- :mod:`.store`: :class:`~.store.PostgresStore` (the Store) and its writer (transactions of
  whole articles).
- :mod:`.collection`: the read view (the Collection: pgvector HNSW for the dense side,
  ``tsvector`` + ``ts_rank_cd`` for the keyword side, filters as SQL conditions).

psycopg is imported only when a ``postgresql://`` location is used: the embedded store never
pays for it.
"""
