"""The real embedding model: normalised vectors, batching, queries, tokens and precision."""

from __future__ import annotations

import threading

import numpy as np

from index.embedding import DEFAULT_MODEL, cpu_supports_bf16, default_model_path, resolve_model

TEXTS = [
    "The Federal Reserve cut interest rates by a quarter point.",
    "Dockworkers walked off the job at every East Coast port on Sunday after talks collapsed, "
    "leaving container ships anchored offshore and cranes idle from Maine to Texas.",
    "Storm",
    "Zelenskyy said he would consider a ceasefire in exchange for NATO cover.",
    "A chat app outage left gaming communities unable to talk for three hours.",
]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_vectors_are_normalised_float32_of_the_model_dimension(embedder):
    vectors = embedder.encode(TEXTS)
    assert embedder.dimension == 384
    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32 and vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_batch_gives_the_same_vectors_as_one_text_at_a_time(embedder):
    # Texts of very different lengths share a padded batch; padding must not leak in.
    batched = embedder.encode(TEXTS)
    for text, vector in zip(TEXTS, batched, strict=True):
        assert cosine(embedder.encode([text])[0], vector) > 0.9999, text


def test_batches_larger_than_the_batch_size_keep_their_order(embedder):
    texts = [f"Report number {n} about the harbour budget." for n in range(embedder.batch_size + 3)]
    texts[-1] = TEXTS[0]
    vectors = embedder.encode(texts)
    assert vectors.shape == (len(texts), embedder.dimension)
    assert cosine(vectors[-1], embedder.encode([TEXTS[0]])[0]) > 0.9999


def test_encode_query_equals_encode(embedder):
    for query in ("who cut interest rates?", TEXTS[1], "x"):
        vector = embedder.encode_query(query)
        assert vector.shape == (1, embedder.dimension) and vector.dtype == np.float32
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
        assert cosine(vector[0], embedder.encode([query])[0]) > 0.9999, query


def test_an_over_long_query_is_truncated_like_a_passage(embedder):
    query = " ".join(f"word{n}" for n in range(400))
    assert embedder.count_tokens([query])[0] > embedder.max_tokens
    assert cosine(embedder.encode_query(query)[0], embedder.encode([query])[0]) > 0.9999


def test_the_vectors_carry_meaning(embedder):
    query = embedder.encode_query("Which central bank lowered borrowing costs?")[0]
    scores = embedder.encode(TEXTS) @ query
    assert int(np.argmax(scores)) == 0, scores


def test_nothing_to_encode_gives_an_empty_matrix(embedder):
    vectors = embedder.encode([])
    assert vectors.shape == (0, embedder.dimension) and vectors.dtype == np.float32


def test_precision_is_reported_and_matches_the_cpu(embedder):
    assert embedder.precision == ("bf16" if cpu_supports_bf16() else "fp32")


def test_model_and_token_limits(embedder):
    assert embedder.model_name == DEFAULT_MODEL
    assert resolve_model(None) == resolve_model(DEFAULT_MODEL) == default_model_path()
    assert resolve_model("/some/model/dir") == "/some/model/dir"
    assert embedder.max_tokens == 256
    assert embedder.special_tokens == 2  # [CLS] and [SEP]
    assert embedder.count_tokens([]) == []
    texts = ["Hello world", "", "Zelenskyy’s ceasefire offer", "word " * 300]
    counts = embedder.count_tokens(texts)
    assert counts[:2] == [2, 0]
    assert counts == [len(embedder.tokenizer.tokenize(t)) for t in texts]
    assert counts[3] == 300  # counted in full, not truncated at the model's limit


def test_clip_cuts_after_that_many_tokens(embedder):
    title = "Council approves new riverside park after a four year fight over the old rail yard"
    clipped = embedder.clip(title, 5)
    assert title.startswith(clipped) and clipped != title
    assert embedder.count_tokens([clipped]) == [5]
    assert embedder.clip("Short title", 5) == "Short title"


def test_queries_can_be_encoded_while_a_batch_is_being_encoded(embedder):
    """A build (encode) and the bot's questions (encode_query) share one model across threads."""
    passages = [f"Passage {n} on the dockworkers strike at the ports." for n in range(16)]
    queries = [f"question {n} about the port strike" for n in range(8)]
    expected = {q: embedder.encode([q])[0] for q in queries}
    errors: list[BaseException] = []
    results: dict[str, np.ndarray] = {}
    start = threading.Barrier(5)

    def build() -> None:
        try:
            start.wait()
            results["batch"] = embedder.encode(passages)
        except BaseException as error:  # reported below
            errors.append(error)

    def ask(offset: int) -> None:
        try:
            start.wait()
            for query in queries[offset::4]:
                results[query] = embedder.encode_query(query)[0]
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=build)] + [
        threading.Thread(target=ask, args=(n,)) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert results["batch"].shape == (len(passages), embedder.dimension)
    for query, vector in expected.items():
        assert cosine(results[query], vector) > 0.9999, query
