"""A feedback model: one vectorizer shared by a sentiment head and a causes head, saved as arrays.

:func:`classify_feedback` is the entry point most users need::

    >>> from nlp import classify_feedback
    >>> df = classify_feedback(["Chờ 2 tiếng mà nhân viên còn quát khách 😡",
    ...                         "Nhân viên hỗ trợ nhiệt tình, cảm ơn chị!"])
    >>> df[["sentiment", "causes"]].values.tolist()
    [['negative', 'wait_time,rude_staff'], ['positive', '']]

Saving and loading (a folder of ``model.json`` and ``arrays.npz``, never code) live in
:mod:`nlp.persist`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .classifiers import CauseClassifier, SentimentClassifier
from .errors import DataError, ModelFileError
from .evidence import is_content_phrase
from .features import (
    CAUSE_PREFIX,
    FOLDED_PREFIX,
    LEXICON_PREFIX,
    NEGATED_PREFIX,
    VECTORIZER,
    Clauses,
    FeedbackVectorizer,
    _bare,
    _from_negator,
)
from .heads import Units
from .normalize import EMOJI
from .sequence import SequenceClassifier
from .text import fold_diacritics

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LABELS_SEPARATOR",
    "FeedbackModel",
    "FeedbackPrediction",
    "ModelFileError",
    "classify_feedback",
    "default_model_path",
    "train_feedback_model",
]

FORMAT = "cx-feedback-model/1"
#: What joins several labels in one cell of the output (``causes``: ``wait_time,unresolved``) and what
#: readers of classified files split on; so no label of the several-labels head may contain it.
LABELS_SEPARATOR = ","
_LETTER_OR_EMOJI = re.compile(rf"[^\W\d_]|[{EMOJI}]")
_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}<>-–—/…“”‘’\ufe0f\u200d"


def check_cause_labels(labels: Iterable[str], where: str = "") -> None:
    """Refuse labels of the several-labels head that contain :data:`LABELS_SEPARATOR` (``,``): in the
    output they are joined by it, so ``a, b`` could not be told from the two labels ``a`` and ``b``.

    >>> check_cause_labels(["wait_time", "giao hàng, vận chuyển"])
    Traceback (most recent call last):
    ...
    nlp.errors.DataError: the label 'giao hàng, vận chuyển' contains ','; several labels are written in one cell joined by ',', so a label cannot contain it: rename it (e.g. with '/' or '_') and train again
    """
    for label in labels:
        if LABELS_SEPARATOR in str(label):
            raise DataError(f"{where}the label {str(label)!r} contains {LABELS_SEPARATOR!r}; several labels are "
                            f"written in one cell joined by {LABELS_SEPARATOR!r}, so a label cannot contain it: "
                            "rename it (e.g. with '/' or '_') and train again")


def default_model_path() -> Path:
    """The model shipped with the package (``models/feedback-vi`` in the repository)."""
    packaged = Path(__file__).parent / "_models" / "feedback-vi"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "models" / "feedback-vi"


@dataclass
class FeedbackModel:
    """A fitted vectorizer with an optional single-label head and an optional multi-label head.

    ``sentiment_name`` and ``causes_name`` name the heads' output columns (``sentiment`` and
    ``causes`` for the default model; a researcher's codebook may use others). Causes are left empty
    for comments whose predicted sentiment is in ``no_causes_for`` (by the codebook, a positive
    comment carries no cause of a bad experience).

    With a ``sequence`` head (:class:`~nlp.sequence.SequenceClassifier`), the single-label
    probabilities are the mean of the linear head's and the sequence head's. Explanations still
    come from the linear head's weights.
    """

    vectorizer: FeedbackVectorizer
    sentiment: SentimentClassifier | None = None
    causes: CauseClassifier | None = None
    sentiment_name: str = "sentiment"
    causes_name: str = "causes"
    no_causes_for: tuple[str, ...] = ()
    manifest: dict[str, Any] = field(default_factory=dict)
    sequence: SequenceClassifier | None = None

    def __post_init__(self) -> None:
        if self.sentiment is None and self.causes is None:
            raise ValueError("a FeedbackModel needs a sentiment head, a causes head, or both")
        if self.sequence is not None:
            if self.sentiment is None:
                raise ValueError("a sequence head joins a single-label (sentiment) head; this model has none")
            if list(self.sequence.classes_) != list(self.sentiment.classes_):
                raise ValueError(f"the sequence head's labels {list(self.sequence.classes_)} differ from the "
                                 f"sentiment head's {list(self.sentiment.classes_)}")
        if self.causes is not None:
            check_cause_labels(self.cause_labels)

    @property
    def cause_labels(self) -> list[str]:
        return [] if self.causes is None else [str(c) for c in self.causes.classes_]

    @property
    def sentiment_labels(self) -> list[str]:
        return [] if self.sentiment is None else [str(c) for c in self.sentiment.classes_]

    def predict(self, texts: Iterable[Any]) -> FeedbackPrediction:
        """Run both heads once over a batch; :meth:`classify` and the spaCy component build on this."""
        if isinstance(texts, str):
            raise TypeError(f"texts must be a list of comments, not a single string; wrap it: [{texts!r:.40}]")
        values = list(texts)
        status = [text_status(v) for v in values]
        keep = [i for i, s in enumerate(status) if s == "ok"]
        prepared = self.vectorizer.prepare([values[i] for i in keep])
        # A batch with no usable comment (a chunk of empty cells) has no features to compute.
        units = where = None
        if keep:
            docs, clauses, where = self.vectorizer.transform_clauses(prepared)
            units = Units(docs, clauses, where.doc)
        sentiment_proba = sentiment = cause_proba = causes_on = None
        if self.sentiment is not None:
            sentiment_proba = (self.sentiment.head_.predict_proba(units.docs) if units is not None
                               else np.zeros((0, len(self.sentiment_labels))))
            if self.sequence is not None and keep:
                sentiment_proba = (sentiment_proba + self.sequence.predict_proba_prepared(prepared)) / 2
            sentiment = self.sentiment.classes_[sentiment_proba.argmax(axis=1)]
        if self.causes is not None:
            cause_proba = (self.causes.head_.predict_proba(units.docs, clauses=units.clauses, clause_owner=units.owner)
                           if units is not None else np.zeros((0, len(self.cause_labels))))
            causes_on = cause_proba >= self.causes.thresholds_
            if sentiment is not None and self.no_causes_for:
                causes_on &= ~np.isin(sentiment, self.no_causes_for)[:, None]
        return FeedbackPrediction(status, keep, prepared, units, where, sentiment_proba, sentiment, cause_proba,
                                  causes_on)

    def classify(self, texts: Iterable[Any], *, explain: bool = False) -> pd.DataFrame:
        """Classify comments; see :func:`classify_feedback`."""
        import pandas as pd

        index = texts.index if isinstance(texts, pd.Series) else None
        result = self.predict(texts)
        n, keep = len(result.status), result.keep
        data: dict[str, Any] = {}

        def spread(values: Any, fill: Any, dtype: Any = object) -> np.ndarray:
            column = np.full(n, fill, dtype=dtype)
            column[keep] = values
            return column

        if result.sentiment is not None and result.sentiment_proba is not None:
            data[self.sentiment_name] = spread(result.sentiment, "")
            data[f"{self.sentiment_name}_confidence"] = spread(result.sentiment_proba.max(axis=1), np.nan, float)
        if result.causes_on is not None and result.cause_proba is not None:
            names = np.array(self.cause_labels, dtype=object)
            data[self.causes_name] = spread([LABELS_SEPARATOR.join(names[row]) for row in result.causes_on], "")
            for j, label in enumerate(self.cause_labels):
                data[f"p_{label}"] = spread(result.cause_proba[:, j], np.nan, float)
        if explain:
            decisions = [self._decisions(result, k, top_sentiment=5, top_cause=4) for k in range(len(keep))]
            if self.sentiment is not None:
                data[f"{self.sentiment_name}_evidence"] = spread(
                    ["; ".join(p for p, _ in sentiment[1]) if sentiment is not None else ""
                     for sentiment, _ in decisions], "")
            if self.causes is not None:
                data[f"{self.causes_name}_evidence"] = spread(
                    [" | ".join(_cause_evidence(label, evidence) for label, evidence in causes)
                     for _, causes in decisions], "")
        data["text_status"] = result.status
        return pd.DataFrame(data, index=index)

    def explain(self, text: str, *, top: int = 5) -> dict[str, Evidence]:
        """The phrases that pushed each decision, strongest first, with their weight.

        Keys are the predicted sentiment and each predicted cause. A phrase's weight is its TF-IDF
        value times the label's SVM coefficient (its share of the decision score). Phrases are
        content words and phrases, never a lone function word (:func:`nlp.evidence.is_content_phrase`).
        A cause's :class:`Evidence` also names the clause it was found in (``.clause``). An empty or
        non-text comment has no decisions and gives ``{}``.

        Examples
        --------
        >>> from nlp import load_model
        >>> explained = load_model().explain("Phở ngon, giá ổn, mỗi tội đợi lên món hơi lâu")
        >>> explained["wait_time"].clause
        'mỗi tội đợi lên món hơi lâu'
        """
        result = self.predict([text])
        if not result.keep:
            return {}
        sentiment, causes = self._decisions(result, 0, top_sentiment=top, top_cause=top)
        return dict(([sentiment] if sentiment is not None else []) + causes)

    def _decisions(self, result: FeedbackPrediction, k: int, *, top_sentiment: int, top_cause: int) -> tuple[
        tuple[str, Evidence] | None, list[tuple[str, Evidence]]
    ]:
        """The k-th classified comment's (label, evidence): its sentiment, and each cause it got."""
        units, where = result.units, result.clauses
        if units is None or where is None:
            raise IndexError(f"comment {k} of the batch was not classified: the batch has no usable comment")
        prepared = result.prepared[k]
        sentiment = None
        if self.sentiment is not None and result.sentiment_proba is not None:
            j = int(result.sentiment_proba[k].argmax())
            sentiment = (self.sentiment_labels[j],
                         Evidence(self._phrases(prepared, units.docs[k], self.sentiment.coef_[j], top_sentiment)))
        causes = []
        if self.causes is not None and result.causes_on is not None:
            first, last = int(units.first[k]), int(units.first[k + 1])
            for j in np.flatnonzero(result.causes_on[k]).tolist():
                coef = self.causes.coef_[j]
                scores = np.asarray(units.clauses[first:last] @ coef).ravel()
                doc = units.docs[k]
                whole = last - first == 1 or float(np.asarray(doc @ coef).ravel()[0]) > float(scores.max())
                if whole:
                    # The whole comment scored higher than any clause (the cause is spread over several):
                    # name the clause whose words carry most of the comment's score, explain with the comment.
                    weight = dict(zip(doc.indices.tolist(), (doc.data * coef[doc.indices]).tolist(), strict=True))
                    share = [sum(weight.get(f, 0.0) for f in set(units.clauses[c].indices.tolist()))
                             for c in range(first, last)]
                    best = first + int(np.argmax(share))
                    row, words = doc, prepared
                else:
                    best = first + int(np.argmax(scores))
                    row, words = units.clauses[best], where.text(best)
                evidence = Evidence(self._phrases(words, row, coef, top_cause))
                evidence.clause = where.text(best).strip(_EDGE_PUNCTUATION + " ")
                causes.append((self.cause_labels[j], evidence))
        return sentiment, causes

    def _phrases(self, prepared: str, row: Any, coef: np.ndarray, top: int) -> list[tuple[str, float]]:
        names = self.vectorizer.get_feature_names_out()
        weights = row.data * coef[row.indices]
        tokens, marked, _ = self.vectorizer.tokens(prepared)
        folded = None
        seen: dict[str, float] = {}
        for k in np.argsort(-weights):
            if weights[k] <= 0 or len(seen) >= top:
                break
            feature = str(names[row.indices[k]])
            if feature.startswith(FOLDED_PREFIX):
                if folded is None:
                    folded = [fold_diacritics(t) for t in marked]
                feature = _as_written(feature[len(FOLDED_PREFIX):].split(" "), tokens, folded)
            elif feature.startswith((LEXICON_PREFIX, CAUSE_PREFIX)):  # the comment's lexicon terms of that kind
                causes = feature.startswith(CAUSE_PREFIX)
                category = feature[len(CAUSE_PREFIX if causes else LEXICON_PREFIX):]
                terms = self.vectorizer.lexicon_terms(prepared, causes=causes)
                feature = ", ".join(dict.fromkeys(term for term, p in terms if p == category))
            elif NEGATED_PREFIX in feature:
                feature = _as_written(feature.split(" "), tokens, marked)
            phrase = feature.replace("_", " ").strip(_EDGE_PUNCTUATION).strip()
            if not phrase or not is_content_phrase(phrase):
                continue
            if any(phrase in kept for kept in seen):
                continue
            for kept in [k for k in seen if k in phrase]:  # a longer phrase replaces its parts
                del seen[kept]
            seen[phrase] = round(float(weights[k]), 4)
        return list(seen.items())


class Evidence(list):
    """The phrases behind one decision, strongest first, as ``(phrase, weight)`` pairs.

    For a cause, ``clause`` is the clause of the comment the cause was found in (normalised: lower
    case, teencode expanded); for the sentiment it is ``None``.
    """

    clause: str | None = None


def _cause_evidence(label: str, evidence: Evidence) -> str:
    phrases = "; ".join(p for p, _ in evidence)
    return f"{label}: «{evidence.clause}»" + (f" ({phrases})" if phrases else "")


@dataclass(frozen=True)
class FeedbackPrediction:
    """What :meth:`FeedbackModel.predict` found for a batch.

    ``status`` covers every input; the other fields cover only the classified (``"ok"``) inputs,
    whose positions are ``keep``. Heads the model lacks are ``None``.
    """

    status: list[str]
    keep: list[int]
    prepared: list[str]
    units: Units | None  # TF-IDF rows of the classified comments and of their clauses
    clauses: Clauses | None  # where each clause row's tokens are
    sentiment_proba: np.ndarray | None  # rows sum to 1, columns in the sentiment head's classes_
    sentiment: np.ndarray | None
    cause_proba: np.ndarray | None
    causes_on: np.ndarray | None  # after thresholds and no_causes_for


def _as_written(grams: list[str], tokens: list[str], view: list[str]) -> str:
    """The words of the comment behind an n-gram of one of its feature views (folded, negation-marked).

    A negated word's phrase reaches back to its negator: ``¬tình`` in "không nhiệt tình" reads
    "không nhiệt tình".
    """
    n = len(grams)
    for i in range(len(view) - n + 1):
        if view[i : i + n] == grams:
            return " ".join(tokens[_from_negator(view, i) : i + n])
    return " ".join(_bare(g) for g in grams)


def text_status(value: Any) -> str:
    """``"ok"``, ``"empty"`` (missing or blank) or ``"not_text"`` (a number, or no letter or emoji)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "empty"
    if not isinstance(value, str):
        return "not_text"
    if not value.strip():
        return "empty"
    if not _LETTER_OR_EMOJI.search(value):
        return "not_text"
    return "ok"


def classify_feedback(
    texts: Iterable[Any], *, model: FeedbackModel | str | Path | None = None, explain: bool = False
) -> pd.DataFrame:
    """Sentiment and causes of a bad experience for each comment.

    Parameters
    ----------
    texts : list of str or pandas.Series
        The comments. Empty and non-text values are kept and marked in ``text_status``.
    model : FeedbackModel or path, optional
        Defaults to the shipped model (``models/feedback-vi``). Load it once with :func:`~nlp.persist.load_model`
        and pass it in when you classify many batches.
    explain : bool
        Add ``sentiment_evidence`` and ``causes_evidence``: the phrases that drove each decision.

    Returns
    -------
    pandas.DataFrame
        One row per input, in order (a Series' index is kept): ``sentiment``,
        ``sentiment_confidence``, ``causes`` (comma-separated ids, empty when none), ``p_<cause>``
        for each cause, and ``text_status`` (``ok``, ``empty`` or ``not_text``).

    Examples
    --------
    >>> df = classify_feedback(["ko ai nghe máy, gọi 5 lần rồi 😤", "", None], explain=True)
    >>> df["text_status"].tolist()
    ['ok', 'empty', 'empty']
    >>> df.loc[0, "sentiment"], "unresolved" in df.loc[0, "causes"]
    ('negative', True)
    """
    if model is None or isinstance(model, (str, Path)):
        from .persist import load_model

        model = load_model(model)
    return model.classify(texts, explain=explain)


def train_feedback_model(
    texts: Sequence[str],
    *,
    sentiments: Sequence[str] | None = None,
    causes: Sequence[Sequence[str]] | None = None,
    cause_labels: Sequence[str] | None = None,
    sentiment_name: str = "sentiment",
    causes_name: str = "causes",
    no_causes_for: Sequence[str] = (),
    sentiment_C: float = 1.0,
    causes_C: float = 1.0,
    sentiment_class_weight: str | None = "balanced",
    word_ngrams: tuple[int, int] = VECTORIZER.word_ngrams,
    folded_ngrams: tuple[int, int] = VECTORIZER.folded_ngrams,
    min_df: int = VECTORIZER.min_df,
    segment: bool = VECTORIZER.segment,
    negation_scope: int = VECTORIZER.negation_scope,
    lexicon: Mapping[str, str] | None = None,
    cause_lexicon: Mapping[str, str] | None = None,
    clauses: bool = VECTORIZER.clauses,
    clause_training: bool = True,
    cause_free_weight: float = 1.0,
    min_threshold: float = 0.05,
    content_only: bool = False,
    threshold_rows: Sequence[bool] | None = None,
    sequence: bool = False,
    sequence_options: Mapping[str, Any] | None = None,
    random_state: int = 0,
    manifest: dict[str, Any] | None = None,
) -> FeedbackModel:
    """Fit a :class:`FeedbackModel` on labelled comments; training is deterministic.

    Give ``sentiments`` (one label per comment, any label set), ``causes`` (a collection of labels
    per comment, possibly empty), or both.

    ``threshold_rows`` (one boolean per comment) chooses each cause's threshold on the out-of-fold
    probabilities of those comments only, for when some training comments are closer to the data
    the model will read than the rest (the shipped model uses its corpus's rounds 11–15, written like
    real feedback, where causes are rarer).

    ``sentiment_class_weight=None`` fits the single-label head without weighting rare labels up
    (``"balanced"``, the default, does): the shipped model uses ``None``, which reads real comments
    better when, as in most feedback, the rarest label (neutral) is also the most ambiguous.

    With ``clauses=True`` (the default) the causes head scores each clause of a comment as well as
    the whole comment and keeps the highest score, so a cause stated in one clause of a long,
    mostly positive review is found; ``clause_training`` also trains it on the clause of each
    comment that states a cause (see :class:`~nlp.classifiers.CauseClassifier`). ``no_causes_for``
    blanks the causes of comments predicted with those sentiments, for a codebook that asks for it
    (the project's codebook does not: causes do not depend on sentiment).

    ``sequence=True`` adds a BiLSTM single-label head (:class:`~nlp.sequence.SequenceClassifier`,
    with ``sequence_options`` as its parameters) whose probabilities are averaged with the linear
    head's. It needs PyTorch, takes minutes instead of seconds, and is worth it on corpora where
    word order matters (see the model card).

    Examples
    --------
    >>> model = train_feedback_model(
    ...     ["chờ lâu", "đợi 2 tiếng", "cho lau qua", "tốt", "rất tốt", "tot lam"],
    ...     sentiments=["neg", "neg", "neg", "pos", "pos", "pos"], min_df=1)
    >>> model.classify(["đợi lâu quá"])["sentiment"].tolist()
    ['neg']
    """
    if sentiments is None and causes is None:
        raise ValueError("give sentiments=, causes= or both: there is nothing to learn")
    if sequence and sentiments is None:
        raise ValueError("the sequence head is a second single-label head: give single labels too "
                         "(sentiments=, or --label-column in cx train)")
    if causes is not None:
        check_cause_labels({label for labels in causes for label in labels} | set(cause_labels or ()))
    texts = list(texts)
    shared: dict[str, Any] = {"word_ngrams": word_ngrams, "folded_ngrams": folded_ngrams, "min_df": min_df,
                                  "segment": segment, "negation_scope": negation_scope, "lexicon": lexicon,
                                  "cause_lexicon": cause_lexicon, "clauses": clauses}
    vectorizer = FeedbackVectorizer(**shared)
    docs, clause_rows, where = vectorizer.fit_clauses(texts)
    shared["random_state"] = random_state
    sentiment_head = cause_head = None
    if sentiments is not None:
        sentiment_head = SentimentClassifier(C=sentiment_C, class_weight=sentiment_class_weight, **shared)
        sentiment_head.fit_features(vectorizer, docs, sentiments)
    if causes is not None:
        cause_head = CauseClassifier(labels=cause_labels, C=causes_C, clause_training=clause_training,
                                     cause_free_weight=cause_free_weight, min_threshold=min_threshold,
                                     content_only=content_only, **shared)
        cause_head.fit_features(vectorizer, docs, causes, clauses=clause_rows, clause_owner=where.doc,
                                threshold_rows=threshold_rows)
    sequence_head = None
    if sequence and sentiments is not None:  # sequence without sentiments was refused above
        options = {"random_state": random_state, **(sequence_options or {})}
        sequence_head = SequenceClassifier(**options).fit_prepared(vectorizer.prepare(texts), sentiments)
    unknown = sorted(set(no_causes_for) - set(sentiment_head.classes_ if sentiment_head is not None else []))
    if unknown:
        raise ValueError(f"no_causes_for names {unknown}, which are not sentiment labels")
    if cause_lexicon:
        known = set(cause_head.classes_) if cause_head is not None else set()
        strangers = sorted({c for c in cause_lexicon.values() if c != "none"} - known)
        if strangers:
            raise ValueError(f"the cause lexicon names {strangers}, which are not labels of the several-labels "
                             f"head ({sorted(known) or 'there is none'}); use one of them or none")
    info = {"format": FORMAT, "trained": _dt.date.today().isoformat(), "n_train": len(texts)}
    if sequence_head is not None:
        info["sequence_head"] = {"best_epoch": sequence_head.best_epoch_,
                                 "validation_accuracy": round(sequence_head.validation_accuracy_, 4)}
    info.update(manifest or {})
    return FeedbackModel(
        vectorizer=vectorizer, sentiment=sentiment_head, causes=cause_head, sentiment_name=sentiment_name,
        causes_name=causes_name, no_causes_for=tuple(no_causes_for), manifest=info, sequence=sequence_head,
    )
