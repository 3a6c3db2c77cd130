"""A recurrent sentiment head that reads a comment in order: a small BiLSTM trained from scratch.

The linear heads see bags of n-grams. A comment such as "bài tập thầy cho quá khó, nhưng không
sao, đề ra như vậy mới nâng cao trình độ" turns on the order of its clauses, which a bag cannot
see. :class:`SequenceClassifier` reads the syllables in order with a bidirectional LSTM, pools the
states (maximum and mean) and adds a linear layer. :class:`~nlp.model.FeedbackModel` averages its
probabilities with the linear head's.

It is optional: it needs PyTorch (``pip install "cx-vn[neural]"``) to train and to run, and it is
not part of the shipped model, which stays fast and dependency-light. Train it on your own corpus
when accuracy matters more than speed: on UIT-VSFC it lifts weighted F1 from 0.886 to about 0.905
(see the model card for the command and figure).

How it learns, in brief:

* Each token is the sum of two embeddings: of the token as written and of the token with its
  diacritics folded, so "chờ lâu" and "cho lau" start close together.
* Training holds out a stratified ``validation_fraction`` of the training comments, trains for up
  to ``epochs`` passes over the rest, and keeps the weights of the pass with the best held-out
  accuracy (early stopping).
* Probabilities are temperature-scaled on that held-out part, as the linear sentiment head is.
* Everything is seeded by ``random_state``; PyTorch runs on the CPU. Across machines with a
  different number of threads the last digits of the weights may differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .features import _TOKEN, FeedbackVectorizer
from .text import fold_diacritics

__all__ = ["SequenceClassifier"]

_PAD, _UNKNOWN = 0, 1


def require_torch() -> Any:
    """Import PyTorch, or fail saying how to install it."""
    try:
        import torch
    except ImportError:
        raise ImportError(
            "the sequence (BiLSTM) sentiment head needs PyTorch: pip install \"cx-vn[neural]\" "
            "(or a CPU-only build: pip install torch --index-url https://download.pytorch.org/whl/cpu)"
        ) from None
    return torch


def _tokens(prepared: str) -> list[str]:
    return _TOKEN.findall(prepared.replace("_", " "))


def _network(torch: Any, *, vocabulary: int, folded: int, classes: int, embedding_dim: int, hidden_dim: int,
             dropout: float) -> Any:
    nn: Any = torch.nn  # declared Any so that mypy accepts a base class from the lazily imported module

    class BiLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(vocabulary, embedding_dim, padding_idx=_PAD)
            self.folded_embedding = nn.Embedding(folded, embedding_dim, padding_idx=_PAD)
            self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True, bidirectional=True)
            self.dropout = nn.Dropout(dropout)
            self.output = nn.Linear(4 * hidden_dim, classes)

        def forward(self, words: Any, folded_words: Any) -> Any:
            mask = (words != _PAD).unsqueeze(-1)
            states, _ = self.lstm(self.dropout(self.embedding(words) + self.folded_embedding(folded_words)))
            largest = states.masked_fill(~mask, -1e4).max(dim=1).values
            mean = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
            return self.output(self.dropout(torch.cat([largest, mean], dim=1)))

    return BiLSTM()


class SequenceClassifier(ClassifierMixin, BaseEstimator):
    """Single-label classifier of raw comments with a BiLSTM (needs PyTorch).

    Parameters
    ----------
    embedding_dim, hidden_dim : int
        Size of the token embeddings and of each LSTM direction's state.
    epochs : int
        Most passes over the training comments; the best one on the held-out part is kept.
    batch_size : int
        Comments per gradient step.
    learning_rate : float
        Adam's step size.
    dropout : float
        Dropout on the embeddings and on the pooled states, in [0, 1).
    max_tokens : int
        Tokens read from each comment; longer comments are cut.
    min_count : int
        Tokens seen fewer times in training share the unknown-token embedding.
    validation_fraction : float
        Share of the training comments held out to choose the epoch and fit the temperature.
    random_state : int
        Seeds the split, the initial weights, dropout and the order of batches.

    Attributes
    ----------
    classes_ : ndarray of str
    vocabulary_, folded_vocabulary_ : dict of str to int
    temperature_ : float
    best_epoch_ : int
        The pass (from 1) whose weights were kept.
    validation_accuracy_ : float
    """

    def __init__(
        self,
        *,
        embedding_dim: int = 128,
        hidden_dim: int = 128,
        epochs: int = 10,
        batch_size: int = 32,
        learning_rate: float = 2e-3,
        dropout: float = 0.5,
        max_tokens: int = 80,
        min_count: int = 2,
        validation_fraction: float = 0.1,
        random_state: int = 0,
    ) -> None:
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.dropout = dropout
        self.max_tokens = max_tokens
        self.min_count = min_count
        self.validation_fraction = validation_fraction
        self.random_state = random_state

    def _check_params(self) -> None:
        for name in ("embedding_dim", "hidden_dim", "epochs", "batch_size", "max_tokens", "min_count"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
        if not isinstance(self.learning_rate, (int, float)) or not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be a positive number; got {self.learning_rate!r}")
        if not isinstance(self.dropout, (int, float)) or not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1); got {self.dropout!r}")
        if not isinstance(self.validation_fraction, (int, float)) or not 0 < self.validation_fraction < 0.5:
            raise ValueError(f"validation_fraction must be in (0, 0.5); got {self.validation_fraction!r}")

    # -- encoding -------------------------------------------------------------------------------

    def _encode(self, prepared: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and folded-token ids, padded to the longest comment (at most ``max_tokens``)."""
        rows = [_tokens(text)[: self.max_tokens] or ["∅"] for text in prepared]
        width = max((len(row) for row in rows), default=1)
        words = np.zeros((len(rows), width), dtype=np.int64)
        folded = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            words[i, : len(row)] = [self.vocabulary_.get(t, _UNKNOWN) for t in row]
            folded[i, : len(row)] = [self.folded_vocabulary_.get(fold_diacritics(t), _UNKNOWN) for t in row]
        return words, folded

    def _batches(self, prepared: Sequence[str], order: np.ndarray, size: int) -> Iterable[tuple[np.ndarray, Any, Any]]:
        torch = require_torch()
        for start in range(0, len(order), size):
            rows = order[start : start + size]
            words, folded = self._encode([prepared[i] for i in rows])
            yield rows, torch.from_numpy(words), torch.from_numpy(folded)

    # -- fitting ----------------------------------------------------------------------------------

    def fit(self, X: Iterable[str], y: Iterable[Any]) -> SequenceClassifier:
        from .classifiers import _texts

        self.fit_prepared(FeedbackVectorizer().prepare(_texts(X)), y)
        return self

    def fit_prepared(self, prepared: Sequence[str], y: Iterable[Any]) -> SequenceClassifier:
        """Fit on comments already normalised by :meth:`FeedbackVectorizer.prepare`."""
        from sklearn.model_selection import train_test_split

        from .heads import _temperature

        torch = require_torch()
        self._check_params()
        labels = np.asarray([str(label) for label in y], dtype=object)
        if len(labels) != len(prepared):
            raise ValueError(f"X has {len(prepared)} comments but y has {len(labels)} labels")
        self.classes_ = np.array(sorted(set(labels)), dtype=object)
        if len(self.classes_) < 2:
            raise ValueError(f"y has a single label {self.classes_.tolist()}; a classifier needs at least 2")
        target = np.searchsorted(self.classes_, labels)
        counts = np.bincount(target, minlength=len(self.classes_))
        if counts.min() < 2:
            rare = self.classes_[counts < 2].tolist()
            raise ValueError(f"labels {rare} have fewer than 2 comments; each label needs at least 2 to hold one out")
        train, held = train_test_split(np.arange(len(labels)), test_size=self.validation_fraction,
                                       stratify=target, random_state=self.random_state)
        counted = Counter(t for i in train for t in _tokens(prepared[i]))
        folded_counted: Counter[str] = Counter()
        for token, count in counted.items():
            folded_counted[fold_diacritics(token)] += count
        self.vocabulary_ = _vocabulary(counted, self.min_count)
        self.folded_vocabulary_ = _vocabulary(folded_counted, self.min_count)

        torch.manual_seed(self.random_state)
        rng = np.random.RandomState(self.random_state)
        network = self._new_network(torch)
        optimizer = torch.optim.Adam(network.parameters(), lr=self.learning_rate)
        # Square-root class weights: rare labels count more, without swamping the common ones.
        weight = torch.tensor((len(train) / (len(counts) * np.maximum(np.bincount(target[train], minlength=len(counts)), 1))) ** 0.5,
                              dtype=torch.float32)
        loss_function = torch.nn.CrossEntropyLoss(weight=weight)
        target_tensor = torch.from_numpy(target)
        best: tuple[float, int, dict[str, Any]] | None = None
        for epoch in range(1, self.epochs + 1):
            network.train()
            for rows, words, folded in self._batches(prepared, rng.permutation(train), self.batch_size):
                optimizer.zero_grad()
                loss = loss_function(network(words, folded), target_tensor[rows])
                loss.backward()
                optimizer.step()
            logits = self._logits(network, prepared, held)
            accuracy = float((logits.argmax(axis=1) == target[held]).mean())
            if best is None or accuracy > best[0]:
                best = (accuracy, epoch, {k: v.detach().clone() for k, v in network.state_dict().items()})
        assert best is not None
        self.validation_accuracy_, self.best_epoch_, state = best
        network.load_state_dict(state)
        self.network_ = network.eval()
        logits = self._logits(self.network_, prepared, held)
        self.temperature_ = _temperature(logits, np.eye(len(self.classes_), dtype=int)[target[held]])
        return self

    def _new_network(self, torch: Any) -> Any:
        return _network(torch, vocabulary=len(self.vocabulary_) + 2, folded=len(self.folded_vocabulary_) + 2,
                        classes=len(self.classes_), embedding_dim=self.embedding_dim, hidden_dim=self.hidden_dim,
                        dropout=self.dropout)

    def _logits(self, network: Any, prepared: Sequence[str], rows: np.ndarray) -> np.ndarray:
        torch = require_torch()
        was_training = network.training
        network.eval()
        logits = np.zeros((len(rows), len(self.classes_)))
        # Sorting by length keeps padding (and time) low on batches of mixed lengths.
        order = np.argsort([len(prepared[i]) for i in rows], kind="stable")
        with torch.inference_mode():
            for positions, words, folded in self._batches([prepared[i] for i in rows], order, 256):
                logits[positions] = network(words, folded).numpy()
        network.train(was_training)
        return logits

    # -- predicting -------------------------------------------------------------------------------

    def predict_proba_prepared(self, prepared: Sequence[str]) -> np.ndarray:
        """Like :meth:`predict_proba`, for comments already normalised by :meth:`FeedbackVectorizer.prepare`."""
        from .heads import _softmax

        check_is_fitted(self, "network_")
        if not prepared:
            return np.zeros((0, len(self.classes_)))
        return _softmax(self.temperature_ * self._logits(self.network_, prepared, np.arange(len(prepared))))

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probabilities, one column per ``classes_``, rows summing to 1."""
        from .classifiers import _texts

        return self.predict_proba_prepared(FeedbackVectorizer().prepare(_texts(X)))

    def predict(self, X: Iterable[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # -- persistence as plain arrays (see nlp.model) ----------------------------------------------

    def to_arrays(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        check_is_fitted(self, "network_")
        meta = {
            "params": self.get_params(),
            "classes": [str(c) for c in self.classes_],
            "vocabulary": _in_index_order(self.vocabulary_),
            "folded_vocabulary": _in_index_order(self.folded_vocabulary_),
            "temperature": self.temperature_,
            "best_epoch": self.best_epoch_,
            "validation_accuracy": self.validation_accuracy_,
        }
        arrays = {name: tensor.detach().numpy().copy() for name, tensor in self.network_.state_dict().items()}
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> SequenceClassifier:
        torch = require_torch()
        classifier = cls(**meta["params"])
        classifier._check_params()
        classifier.classes_ = np.array(meta["classes"], dtype=object)
        classifier.vocabulary_ = {t: i + 2 for i, t in enumerate(meta["vocabulary"])}
        classifier.folded_vocabulary_ = {t: i + 2 for i, t in enumerate(meta["folded_vocabulary"])}
        classifier.temperature_ = float(meta["temperature"])
        classifier.best_epoch_ = int(meta["best_epoch"])
        classifier.validation_accuracy_ = float(meta["validation_accuracy"])
        network = classifier._new_network(torch)
        expected = network.state_dict()
        missing = sorted(set(expected) - set(arrays))
        if missing:
            raise ValueError(f"model file lacks the sequence head's weights {missing}")
        for name, tensor in expected.items():
            if tuple(arrays[name].shape) != tuple(tensor.shape):
                raise ValueError(f"model file: sequence weight {name} has shape {arrays[name].shape}, "
                                 f"expected {tuple(tensor.shape)}")
        network.load_state_dict({name: torch.from_numpy(np.ascontiguousarray(arrays[name])) for name in expected})
        classifier.network_ = network.eval()
        return classifier


def _vocabulary(counts: Counter[str], min_count: int) -> dict[str, int]:
    """Token → id from 2 (0 pads, 1 is the unknown token), most frequent first, ties alphabetical."""
    kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
    return {t: i + 2 for i, t in enumerate(kept)}


def _in_index_order(vocabulary: dict[str, int]) -> list[str]:
    return [t for t, _ in sorted(vocabulary.items(), key=lambda item: item[1])]
