"""Sentence-aware chunking of articles into passages that fit the embedding model.

A chunk is a run of whole sentences, ``article.text[start:end]``, so any passage can be quoted
exactly. Chunks aim at ``target_tokens``, prefer to end at a paragraph boundary, overlap the
previous chunk by one sentence, and never exceed ``max_tokens`` as counted by the model's own
tokenizer: a sentence too long for the model on its own is cut at word boundaries rather than
silently truncated by the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .sentences import Span, split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One passage of an article: ``text == article_text[start:end]``."""

    ordinal: int
    start: int
    end: int
    text: str
    tokens: int


@dataclass(frozen=True, slots=True)
class ChunkingParams:
    """How articles are cut into passages; recorded in the index manifest."""

    target_tokens: int = 200
    max_tokens: int = 254
    overlap_sentences: int = 1
    prepend_title: bool = True
    max_title_tokens: int = 32


class Chunker:
    """Cut article texts into token-bounded, sentence-aligned chunks.

    Parameters
    ----------
    count_tokens : callable
        Returns the token count of each of a batch of texts (the embedding model's tokenizer,
        without special tokens).
    params : ChunkingParams
        ``max_tokens`` is the budget for the passage itself (the title, when prepended, has
        been taken off already by the caller).
    """

    def __init__(self, count_tokens: TokenCounter, params: ChunkingParams):
        if not 0 < params.target_tokens <= params.max_tokens:
            raise ValueError("need 0 < target_tokens <= max_tokens")
        self.count_tokens = count_tokens
        self.params = params

    def chunk_many(self, texts: Sequence[str]) -> list[list[Chunk]]:
        """Chunk several texts, counting tokens in one batch for speed.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        list[list[Chunk]]
            The chunks of each text, in order.
        """
        sentences = [split_sentences(text) for text in texts]
        flat = [
            span.of(text) for text, spans in zip(texts, sentences, strict=True) for span in spans
        ]
        counts = iter(self.count_tokens(flat))
        per_text = [[next(counts) for _ in spans] for spans in sentences]
        drafts = [
            self._group(text, spans, tokens)
            for text, spans, tokens in zip(texts, sentences, per_text, strict=True)
        ]
        # Verify with the tokenizer: sums of sentence counts can differ from the joined text's.
        flat_drafts = [
            text[s:e] for text, spans in zip(texts, drafts, strict=True) for s, e in spans
        ]
        verified = iter(self.count_tokens(flat_drafts))
        result = []
        for text, spans in zip(texts, drafts, strict=True):
            chunks: list[Chunk] = []
            for start, end in spans:
                tokens = next(verified)
                pieces = (
                    [(start, end, tokens)]
                    if tokens <= self.params.max_tokens
                    else self._split_long(text, start, end)
                )
                for piece_start, piece_end, piece_tokens in pieces:
                    chunks.append(
                        Chunk(
                            len(chunks),
                            piece_start,
                            piece_end,
                            text[piece_start:piece_end],
                            piece_tokens,
                        )
                    )
            result.append(chunks)
        return result

    def chunk(self, text: str) -> list[Chunk]:
        """Chunk one text; see :meth:`chunk_many`."""
        return self.chunk_many([text])[0]

    def _group(self, text: str, spans: list[Span], tokens: list[int]) -> list[tuple[int, int]]:
        """Greedily pack sentences into chunks near ``target_tokens``."""
        params = self.params
        paragraph_ends = {
            i for i in range(len(spans) - 1) if "\n" in text[spans[i].end : spans[i + 1].start]
        }
        chunks: list[tuple[int, int]] = []
        first = 0
        while first < len(spans):
            last, total = first, tokens[first]
            while last + 1 < len(spans):
                grown = total + tokens[last + 1]
                if grown > params.target_tokens:
                    break
                # A paragraph end past half the target is a better place to stop than mid-paragraph.
                if (
                    last in paragraph_ends
                    and total >= params.target_tokens // 2
                    and grown > params.target_tokens * 3 // 4
                ):
                    break
                last, total = last + 1, grown
            chunks.append((spans[first].start, spans[last].end))
            if last + 1 >= len(spans):
                break
            overlap_start = max(first + 1, last + 1 - params.overlap_sentences)
            overlap = sum(tokens[overlap_start : last + 1])
            first = overlap_start if overlap <= params.target_tokens // 2 else last + 1
        return chunks

    def _split_long(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        """Cut an over-long span at word boundaries into pieces within ``max_tokens``."""
        words: list[tuple[int, int]] = []
        position = start
        for word in text[start:end].split():
            word_start = text.index(word, position)
            words.append((word_start, word_start + len(word)))
            position = word_start + len(word)
        counts = self.count_tokens([text[s:e] for s, e in words])
        pieces: list[tuple[int, int, int]] = []
        piece_start, total = 0, 0
        for i, count in enumerate(counts):
            if total and total + count > self.params.max_tokens - 2:
                pieces.append((words[piece_start][0], words[i - 1][1], total))
                piece_start, total = i, 0
            total += count
        pieces.append((words[piece_start][0], words[-1][1], total))
        # Words are counted apart; re-count joined pieces and halve any that still overflow.
        verified = self.count_tokens([text[s:e] for s, e, _ in pieces])
        result: list[tuple[int, int, int]] = []
        for (s, e, _), count in zip(pieces, verified, strict=True):
            if count <= self.params.max_tokens or e - s < 2:
                result.append((s, e, count))
            else:
                middle = text.rfind(" ", s, (s + e) // 2) + 1 or (s + e) // 2
                result.extend(self._split_long(text, s, middle) + self._split_long(text, middle, e))
        return result


def embedding_text(title: str, passage: str, prepend_title: bool) -> str:
    """The text actually embedded for a passage: the title on its own line, then the passage."""
    return f"{title}\n{passage}" if prepend_title and title else passage
