"""Sentence-aware chunking, counted with the real model's tokenizer."""

from __future__ import annotations

import json
import re
from itertools import islice, pairwise
from pathlib import Path

import pytest

from index.build import Builder
from index.chunking import Chunk, Chunker, ChunkingParams, embedding_text
from index.sentences import split_sentences
from index.store import Generation, IndexDirectory

SHARED = Path(__file__).resolve().parents[3] / "shared"
REALTIMEQA = SHARED / "eval" / "realtimeqa" / "articles.jsonl"


def sentence_text(n: int, topic: str) -> str:
    return f"Sentence {n} says that the {topic} committee met again on a quiet weekday morning."


def article(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def assert_exact(text: str, chunks: list[Chunk], count_tokens, max_tokens: int) -> None:
    """Offsets are exact, tokens are counted right and within budget, ordinals are 0..n-1."""
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    counted = count_tokens([c.text for c in chunks])
    for chunk, tokens in zip(chunks, counted, strict=True):
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.tokens == tokens
        assert tokens <= max_tokens, f"chunk {chunk.ordinal} has {tokens} > {max_tokens} tokens"


def assert_every_word_kept(text: str, chunks: list[Chunk]) -> None:
    for word in re.finditer(r"\S+", text):
        assert any(c.start <= word.start() and word.end() <= c.end for c in chunks), (
            f"{word.group()!r} at {word.start()} is in no chunk"
        )


def test_chunks_are_runs_of_whole_sentences_within_the_token_budget(embedder):
    text = article([[sentence_text(n, f"topic{p}") for n in range(6)] for p in range(4)])
    params = ChunkingParams(target_tokens=60, max_tokens=80)
    chunks = Chunker(embedder.count_tokens, params).chunk(text)
    assert len(chunks) > 4
    assert_exact(text, chunks, embedder.count_tokens, params.max_tokens)
    assert_every_word_kept(text, chunks)
    starts = {s.start for s in split_sentences(text)}
    ends = {s.end for s in split_sentences(text)}
    for chunk in chunks:
        assert chunk.start in starts and chunk.end in ends, chunk


def test_consecutive_chunks_overlap_by_one_sentence(embedder):
    text = article([[sentence_text(n, "budget") for n in range(12)]])
    chunks = Chunker(embedder.count_tokens, ChunkingParams(target_tokens=60, max_tokens=80)).chunk(
        text
    )
    sentences = split_sentences(text)
    assert len(chunks) >= 3
    for previous, following in pairwise(chunks):
        last_sentence = next(s for s in sentences if s.end == previous.end)
        assert following.start == last_sentence.start, "the next chunk must repeat one sentence"
    assert chunks[-1].end == sentences[-1].end


def test_no_overlap_when_asked_for_none(embedder):
    text = article([[sentence_text(n, "budget") for n in range(12)]])
    params = ChunkingParams(target_tokens=60, max_tokens=80, overlap_sentences=0)
    chunks = Chunker(embedder.count_tokens, params).chunk(text)
    for previous, following in pairwise(chunks):
        assert following.start > previous.end


def test_chunks_end_at_paragraph_boundaries_where_possible(embedder):
    # Three ~18-token sentences per paragraph: a 60-token target could take a fourth sentence
    # from the next paragraph, but a chunk that already holds the whole paragraph stops there.
    paragraphs = [[sentence_text(n, f"harbour{p}") for n in range(3)] for p in range(4)]
    text = article(paragraphs)
    count = embedder.count_tokens([" ".join(paragraphs[0])])[0]
    assert 30 <= count <= 60, "the test needs a paragraph between half and all of the target"
    chunks = Chunker(embedder.count_tokens, ChunkingParams(target_tokens=72, max_tokens=80)).chunk(
        text
    )
    paragraph_ends = {m.start() for m in re.finditer(r"\n\n", text)} | {len(text)}
    assert chunks[0].text == " ".join(paragraphs[0])
    for chunk in chunks:
        assert chunk.end in paragraph_ends, f"chunk ends mid-paragraph: {chunk.text[-40:]!r}"


def test_an_over_long_sentence_is_split_not_truncated(embedder):
    words = [f"word{n}" if n % 7 else "and" for n in range(600)]
    long_sentence = " ".join(words)  # 600 words and not one full stop
    text = f"A short opening sentence. {long_sentence}\n\nA short closing paragraph."
    params = ChunkingParams(target_tokens=200, max_tokens=222)
    chunks = Chunker(embedder.count_tokens, params).chunk(text)
    assert_exact(text, chunks, embedder.count_tokens, params.max_tokens)
    assert_every_word_kept(text, chunks)
    kept = " ".join(c.text for c in chunks)
    assert all(word in kept for word in ("word1", "word299", "word599"))
    assert len(chunks) >= 4  # 600 words are ~1,500 tokens: it takes several pieces


def test_an_over_long_word_is_cut_rather_than_dropped(embedder):
    blob = "QmFzZTY0" * 400  # 3,200 characters without whitespace, e.g. a pasted image
    text = f"Before the blob. {blob} After the blob."
    params = ChunkingParams(target_tokens=50, max_tokens=64)
    chunks = Chunker(embedder.count_tokens, params).chunk(text)
    assert_exact(text, chunks, embedder.count_tokens, params.max_tokens)
    blob_start = text.index(blob)
    covered = set()
    for chunk in chunks:
        covered.update(range(max(chunk.start, blob_start), min(chunk.end, blob_start + len(blob))))
    assert len(covered) == len(blob), f"{len(blob) - len(covered)} characters of the blob lost"


def test_chunk_many_equals_chunking_each_text(embedder):
    texts = [
        article([[sentence_text(n, "rail") for n in range(7)]]),
        "One sentence only.",
        article([[sentence_text(n, "port") for n in range(3)], [sentence_text(9, "port")]]),
    ]
    chunker = Chunker(embedder.count_tokens, ChunkingParams(target_tokens=50, max_tokens=70))
    assert chunker.chunk_many(texts) == [chunker.chunk(t) for t in texts]
    assert chunker.chunk_many(texts)[1] == [Chunk(0, 0, 18, "One sentence only.", 4)]


def test_target_above_max_is_refused(embedder):
    with pytest.raises(ValueError, match="target_tokens"):
        Chunker(embedder.count_tokens, ChunkingParams(target_tokens=300, max_tokens=200))


def test_embedding_text_puts_the_title_on_its_own_line():
    assert embedding_text("Title", "Passage.", True) == "Title\nPassage."
    assert embedding_text("Title", "Passage.", False) == "Passage."
    assert embedding_text("", "Passage.", True) == "Passage."


def test_indexed_chunks_fit_the_model_with_their_title(tmp_path, embedder, write_jsonl):
    """Through a real build: what is embedded (clipped title + passage) fits the model."""
    long_title = " ".join(f"Extraordinarily{n} longwinded headline" for n in range(30))
    words = " ".join(f"claim{n}" for n in range(600))
    text = (
        "The committee met on Monday. Members argued for hours.\n\n"
        f"The report said {words}\n\nThe meeting ended without a vote. Nobody was happy."
    )
    source = write_jsonl(tmp_path / "a.jsonl", [{"id": "long", "title": long_title, "text": text}])
    index_dir = tmp_path / "index"
    summary = Builder(index_dir, embedder).build([source])
    assert summary.chunks >= 4 and summary.embedded_chunks == summary.chunks

    generation = Generation(IndexDirectory(index_dir).current())
    rows = generation.query("SELECT start, end, text, tokens FROM chunks ORDER BY position")
    title = generation.query("SELECT title FROM articles")[0]["title"]
    clipped = embedder.clip(title, ChunkingParams().max_title_tokens)
    assert clipped != title and title.startswith(clipped)
    embedded = [embedding_text(clipped, row["text"], True) for row in rows]
    for count in embedder.count_tokens(embedded):
        assert count + embedder.special_tokens <= embedder.max_tokens
    chunks = [Chunk(i, r["start"], r["end"], r["text"], r["tokens"]) for i, r in enumerate(rows)]
    assert_exact(text, chunks, embedder.count_tokens, embedder.max_tokens)
    assert_every_word_kept(text, chunks)
    chunking = generation.manifest.chunking
    assert chunking["max_tokens"] + chunking["max_title_tokens"] + embedder.special_tokens == (
        embedder.max_tokens
    )
    generation.close()


@pytest.mark.skipif(
    not REALTIMEQA.is_file(), reason=f"needs the RealTimeQA articles at {REALTIMEQA} (../shared)"
)
def test_real_articles_chunk_within_budget_with_exact_offsets(embedder):
    budget = embedder.max_tokens - embedder.special_tokens - ChunkingParams().max_title_tokens
    params = ChunkingParams(target_tokens=200, max_tokens=budget)
    with REALTIMEQA.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in islice(handle, 150)]
    chunker = Chunker(embedder.count_tokens, params)
    for text, chunks in zip(texts, chunker.chunk_many(texts), strict=True):
        assert chunks
        assert_exact(text, chunks, embedder.count_tokens, budget)
        assert_every_word_kept(text, chunks)
