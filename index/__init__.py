"""Newsdesk's engine: articles in, cited answers out. No Discord here.

The pipeline, one module per step: :mod:`~index.articles` (load files) →
:mod:`~index.chunking` (sentence-aware passages, via :mod:`~index.sentences`) →
:mod:`~index.embedding` (sentence-transformers) → :mod:`~index.store` (generations of SQLite
catalog + :mod:`~index.vectors` FAISS + :mod:`~index.keyword` BM25), written by
:mod:`~index.build` → :mod:`~index.search` (hybrid retrieval) → :mod:`~index.answer` (extractive,
cited answers, with :mod:`~index.quotes` for who said what). :mod:`~index.engine` ties them
together for the CLI (:mod:`~index.cli`) and the bot; :mod:`~index.evaluate` measures retrieval.
"""
