"""Sentiment and cause classifiers: scikit-learn estimators over raw Vietnamese comments.

Each is a :class:`~nlp.features.FeedbackVectorizer` (``vectorizer_``) and a head on its features
(``head_``, from :mod:`nlp.heads`):

* :class:`SentimentClassifier` — one label per comment: linear SVMs, calibrated by temperature
  scaling (one scale for all classes, then softmax), so the predicted class stays the SVMs' own
  choice. (Platt-scaling each class separately was tried: it learns the training corpus's class
  mix into per-class offsets and cost 2–4 points of zero-shot accuracy on real comments, where that
  mix differs.)
* :class:`CauseClassifier` — any number of labels per comment: Platt scaling per label, then one
  threshold per label, the one that maximises that label's F1 on out-of-fold probabilities.

They follow the scikit-learn estimator contract (``fit`` returns ``self``, learned state ends in
``_``, tags that say the input is text) and work in ``Pipeline``, ``cross_validate`` and
``GridSearchCV``. The heads, which take feature matrices, pass scikit-learn's own estimator checks.
A :class:`~nlp.model.FeedbackModel` shares one vectorizer between two text classifiers through
:meth:`SentimentClassifier.fit_features` and :meth:`CauseClassifier.fit_features`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .features import VECTORIZER, FeedbackVectorizer
from .heads import OneVsRestHead, SoftmaxHead, check_head_params, require_examples

__all__ = ["CauseClassifier", "SentimentClassifier", "label_indicator", "single_labels"]


def _texts(X: Any, name: str = "X") -> list[str]:
    if isinstance(X, str):
        raise TypeError(f"{name} must be a list of comments, not a single string; wrap it: [{X!r:.40}]")
    texts = list(X)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"{name}[{position}] is {type(text).__name__} ({text!r:.60}), not a str; "
                "drop or fill empty comments before fitting"
            )
    return texts


def single_labels(y: Iterable[Any], n: int) -> np.ndarray:
    """``y`` as one label (a ``str``) per comment, or a ``ValueError`` naming the empty ones."""
    labels = np.asarray(list(y), dtype=object)
    if len(labels) != n:
        raise ValueError(f"X has {n} comments but y has {len(labels)} labels")
    missing = [i for i, label in enumerate(labels)
               if label is None or (isinstance(label, float) and math.isnan(label)) or label == ""]
    if missing:
        raise ValueError(f"y has empty labels at positions {missing[:10]}{' …' if len(missing) > 10 else ''}")
    classes = sorted({str(label) for label in labels})
    if len(classes) < 2:
        raise ValueError(f"y has a single label {classes}; a classifier needs at least 2")
    return np.array([str(label) for label in labels], dtype=object)


def label_indicator(y: Any, n: int, labels: Sequence[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """``y`` (a 0/1 indicator matrix or one collection of label names per comment) as an indicator
    matrix, with its columns' names: ``labels`` when given, else the sorted names found in ``y`` (or
    ``0..k-1`` for an unnamed matrix)."""
    rows = list(y) if not hasattr(y, "shape") else y
    if len(rows) != n:
        raise ValueError(f"X has {n} comments but y has {len(rows)} rows")
    first = rows[0] if n else []
    if isinstance(first, str):
        raise TypeError(
            "y must hold one collection of labels per comment (e.g. [['wait_time'], []]) or an "
            f"indicator matrix; row 0 is the string {first!r}: split multi-label strings first"
        )
    matrix = np.asarray(rows) if hasattr(y, "shape") else _as_indicator(rows)
    if matrix is not None and matrix.ndim == 2 and set(np.unique(matrix)) <= {0, 1}:
        names = list(labels) if labels is not None else [str(i) for i in range(matrix.shape[1])]
        if len(names) != matrix.shape[1]:
            raise ValueError(f"labels has {len(names)} names but y has {matrix.shape[1]} columns")
        indicator = matrix.astype(int)
    else:
        found = sorted({str(label) for row in rows for label in row})
        names = list(labels) if labels is not None else found
        unknown = sorted(set(found) - set(names))
        if unknown:
            raise ValueError(f"y has labels {unknown} that are not in labels={names}")
        index = {name: j for j, name in enumerate(names)}
        indicator = np.zeros((n, len(names)), dtype=int)
        for i, row in enumerate(rows):
            for label in row:
                indicator[i, index[str(label)]] = 1
    if indicator.shape[1] == 0:
        raise ValueError("y has no labels at all; a multi-label classifier needs at least one")
    return indicator, names


class _TextClassifier(ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        *,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        word_ngrams: tuple[int, int] = VECTORIZER.word_ngrams,
        folded_ngrams: tuple[int, int] = VECTORIZER.folded_ngrams,
        min_df: int = VECTORIZER.min_df,
        segment: bool = VECTORIZER.segment,
        negation_scope: int = VECTORIZER.negation_scope,
        lexicon: Mapping[str, str] | None = None,
        cause_lexicon: Mapping[str, str] | None = None,
        clauses: bool = VECTORIZER.clauses,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.word_ngrams = word_ngrams
        self.folded_ngrams = folded_ngrams
        self.min_df = min_df
        self.segment = segment
        self.negation_scope = negation_scope
        self.lexicon = lexicon
        self.cause_lexicon = cause_lexicon
        self.clauses = clauses
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # a list of comments, not a matrix
        tags.input_tags.string = True
        return tags

    def _make_vectorizer(self) -> FeedbackVectorizer:
        return FeedbackVectorizer(
            word_ngrams=self.word_ngrams, folded_ngrams=self.folded_ngrams, min_df=self.min_df, segment=self.segment,
            negation_scope=self.negation_scope, lexicon=self.lexicon, cause_lexicon=self.cause_lexicon,
            clauses=self.clauses,
        )

    @classmethod
    def _vectorizer_params(cls, vectorizer: FeedbackVectorizer) -> dict[str, Any]:
        mine = set(cls().get_params())
        return {k: v for k, v in vectorizer.get_params().items() if k in mine}

    def _features(self, X: Any) -> Any:
        check_is_fitted(self)
        return self.vectorizer_.transform(_texts(X))

    # The head's learned arrays, under the names a fitted text classifier has always had.
    @property
    def coef_(self) -> np.ndarray:
        return self.head_.coef_

    @property
    def intercept_(self) -> np.ndarray:
        return self.head_.intercept_

    @property
    def calibration_(self) -> np.ndarray:
        return self.head_.calibration_


class SentimentClassifier(_TextClassifier):
    """Single-label classifier of raw comments (sentiment by default; any label set).

    Parameters
    ----------
    C : float
        Inverse regularisation strength of each linear SVM.
    class_weight : {"balanced", None}
        ``"balanced"`` weighs rare labels up.
    word_ngrams, folded_ngrams, min_df, segment, negation_scope, lexicon, cause_lexicon, clauses
        Passed to :class:`~nlp.features.FeedbackVectorizer`.
    random_state : int
        Seed of the cross-validation folds used for calibration: fixed, so training is repeatable.

    Attributes
    ----------
    classes_ : ndarray of str
    vectorizer_ : FeedbackVectorizer
    head_ : :class:`~nlp.heads.SoftmaxHead`
        The classifier on the vectorizer's features.
    coef_, intercept_, calibration_ : ndarray
        The head's: one row per class, SVM weights, bias, and calibration (the temperature, and 0).

    Examples
    --------
    >>> texts = ["chờ lâu quá", "nhân viên thô lỗ", "tệ", "rất hài lòng", "tuyệt vời", "cảm ơn shop",
    ...          "cho hỏi giờ mở cửa", "phí bao nhiêu vậy", "chi nhánh ở đâu"]
    >>> labels = ["negative"] * 3 + ["positive"] * 3 + ["neutral"] * 3
    >>> clf = SentimentClassifier(min_df=1).fit(texts, labels)
    >>> clf.predict(["rat hai long, cam on"]).tolist()
    ['positive']
    """

    def fit(self, X: Iterable[str], y: Iterable[Any]) -> SentimentClassifier:
        texts = _texts(X)
        labels = single_labels(y, len(texts))  # bad labels fail before the slower features
        check_head_params(self.C, self.class_weight)  # before the slower features
        vectorizer = self._make_vectorizer()
        return self.fit_features(vectorizer, vectorizer.fit_transform(texts), labels)

    def fit_features(self, vectorizer: FeedbackVectorizer, features: Any, y: Iterable[Any]) -> SentimentClassifier:
        """Fit the head on ``features``, computed by ``vectorizer`` (fitted) for the training comments.

        :func:`~nlp.model.train_feedback_model` computes one feature matrix and fits both heads on it.
        """
        labels = single_labels(y, features.shape[0])
        self.vectorizer_ = vectorizer
        self.head_ = SoftmaxHead(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        self.head_.fit(features, labels)
        self.classes_ = self.head_.classes_
        return self

    @classmethod
    def from_parts(cls, vectorizer: FeedbackVectorizer, head: SoftmaxHead) -> SentimentClassifier:
        """A fitted classifier from a fitted vectorizer and a fitted head (how a model file is loaded)."""
        check_is_fitted(head)
        clf = cls(**cls._vectorizer_params(vectorizer), C=head.C, class_weight=head.class_weight,
                  random_state=head.random_state)
        clf.vectorizer_, clf.head_, clf.classes_ = vectorizer, head, head.classes_
        return clf

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probabilities, one column per ``classes_``, rows summing to 1."""
        features = self._features(X)
        return self.head_.predict_proba(features)

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """The SVMs' decision values (see :meth:`nlp.heads.SoftmaxHead.decision_function`)."""
        features = self._features(X)
        return self.head_.decision_function(features)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        features = self._features(X)
        return self.head_.predict(features)


class CauseClassifier(_TextClassifier):
    """Multi-label classifier of raw comments: each comment gets zero, one or several labels.

    ``fit`` takes ``y`` as a 0/1 indicator matrix (one column per label, named by ``labels``) or as
    one collection of label names per comment (``[["wait_time"], [], ["rude_staff", "unresolved"]]``).
    ``predict`` returns the indicator matrix, scikit-learn's multi-label convention, so
    ``f1_score(Y, clf.predict(X), average="macro")`` and ``cross_validate`` work unchanged.

    Parameters
    ----------
    labels : sequence of str, optional
        Label names in column order; by default sorted names found in ``y``, or ``0..k-1`` for an
        unnamed indicator matrix.
    C, class_weight, word_ngrams, folded_ngrams, min_df, segment, negation_scope, lexicon, random_state
        As for :class:`SentimentClassifier`.
    clauses : bool
        Score each clause of a comment as well as the whole comment, and take the highest score: a
        cause stated in one clause of a long review is found there, whatever the rest says.
    clause_training : bool
        Also learn from the clause of each training comment that states the label, and from every
        clause of the comments that do not have it (see :meth:`nlp.heads.OneVsRestHead.fit`).

    Attributes
    ----------
    classes_ : ndarray of str
        The labels, in column order.
    vectorizer_ : FeedbackVectorizer
    head_ : :class:`~nlp.heads.OneVsRestHead`
        The classifier on the vectorizer's features (and its clauses').
    coef_, intercept_, calibration_ : ndarray
        The head's: one row per label, SVM weights, bias, and Platt slope and offset.
    thresholds_ : ndarray
        Per-label probability thresholds chosen on out-of-fold predictions.

    Examples
    --------
    >>> texts = ["chờ 2 tiếng", "đợi lâu quá", "chờ mãi không tới lượt", "bạn ấy quát khách",
    ...          "nhân viên cáu gắt", "thái độ hỗn láo", "chờ lâu mà còn bị quát", "ngon", "sạch sẽ"]
    >>> y = [["wait"], ["wait"], ["wait"], ["rude"], ["rude"], ["rude"], ["wait", "rude"], [], []]
    >>> clf = CauseClassifier(min_df=1).fit(texts, y)
    >>> clf.classes_.tolist()
    ['rude', 'wait']
    >>> clf.predict(["cho lau qua", "ngon"]).shape
    (2, 2)
    """

    def __init__(
        self,
        *,
        labels: Sequence[str] | None = None,
        C: float = 1.0,
        class_weight: str | None = "balanced",
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
        random_state: int = 0,
    ) -> None:
        super().__init__(
            C=C, class_weight=class_weight, word_ngrams=word_ngrams, folded_ngrams=folded_ngrams,
            min_df=min_df, segment=segment, negation_scope=negation_scope, lexicon=lexicon,
            cause_lexicon=cause_lexicon, clauses=clauses, random_state=random_state,
        )
        self.labels = labels
        self.clause_training = clause_training
        self.cause_free_weight = cause_free_weight
        self.min_threshold = min_threshold
        self.content_only = content_only

    @property
    def thresholds_(self) -> np.ndarray:
        return self.head_.thresholds_

    def fit(self, X: Iterable[str], y: Any) -> CauseClassifier:
        texts = _texts(X)
        label_indicator(y, len(texts), self.labels)  # bad labels fail before the slower features
        check_head_params(self.C, self.class_weight)  # before the slower features
        vectorizer = self._make_vectorizer()
        docs, clauses, where = vectorizer.fit_clauses(texts)
        return self.fit_features(vectorizer, docs, y, clauses=clauses, clause_owner=where.doc)

    def fit_features(self, vectorizer: FeedbackVectorizer, features: Any, y: Any, *, clauses: Any = None,
                     clause_owner: Any = None, threshold_rows: Any = None) -> CauseClassifier:
        """Fit the head on ``features`` (and the comments' ``clauses``), computed by ``vectorizer``.

        ``threshold_rows`` (one boolean per comment) chooses each label's threshold on those
        comments' out-of-fold probabilities only (see :meth:`nlp.heads.OneVsRestHead.fit`).
        """
        indicator, names = label_indicator(y, features.shape[0], self.labels)
        require_examples(indicator, names)
        if self.content_only:  # learn causes from content words only (nlp.evidence.content_features)
            from .evidence import content_features

            keep = content_features(vectorizer.get_feature_names_out())
            features = _masked(features, keep)
            clauses = None if clauses is None else _masked(clauses, keep)
        self.vectorizer_ = vectorizer
        self.head_ = OneVsRestHead(C=self.C, class_weight=self.class_weight, clause_training=self.clause_training,
                                   cause_free_weight=self.cause_free_weight, min_threshold=self.min_threshold,
                                   multilabel=True,
                                   random_state=self.random_state)
        self.head_.fit(features, indicator, clauses=clauses, clause_owner=clause_owner, threshold_rows=threshold_rows)
        self.classes_ = np.array(names, dtype=object)
        return self

    @classmethod
    def from_parts(cls, vectorizer: FeedbackVectorizer, head: OneVsRestHead, classes: Sequence[str], *,
                   content_only: bool = False) -> CauseClassifier:
        """A fitted classifier from a fitted vectorizer, a fitted head and its labels' names."""
        check_is_fitted(head)
        if len(classes) != head.coef_.shape[0]:
            raise ValueError(f"{len(classes)} label names for a head of {head.coef_.shape[0]} labels")
        clf = cls(**cls._vectorizer_params(vectorizer), C=head.C, class_weight=head.class_weight,
                  clause_training=head.clause_training, cause_free_weight=head.cause_free_weight,
                  min_threshold=head.min_threshold, content_only=content_only, random_state=head.random_state)
        clf.vectorizer_, clf.head_, clf.classes_ = vectorizer, head, np.array(list(classes), dtype=object)
        return clf

    def _clause_features(self, X: Any) -> dict[str, Any]:
        check_is_fitted(self)
        vectorizer = self.vectorizer_
        docs, clauses, where = vectorizer.transform_clauses(vectorizer.prepare(_texts(X)))
        return {"X": docs, "clauses": clauses, "clause_owner": where.doc}

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probability of each label (columns in ``classes_`` order), independently."""
        features = self._clause_features(X)
        return self.head_.predict_proba(**features)

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """The pooled SVM decision value of each label (the highest of the comment's and its clauses')."""
        features = self._clause_features(X)
        return self.head_.svm_decision(**features)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """0/1 indicator matrix: a label is on when its probability reaches its threshold."""
        features = self._clause_features(X)
        return self.head_.predict(**features)

    def predict_labels(self, X: Iterable[str]) -> list[tuple[str, ...]]:
        """The predicted label names of each comment, in ``classes_`` order."""
        return [tuple(self.classes_[row.astype(bool)].tolist()) for row in self.predict(X)]


def _as_indicator(rows: Sequence[Any]) -> np.ndarray | None:
    """``rows`` as a matrix when they are equal-length rows of numbers, else ``None`` (label lists)."""
    if not rows or any(isinstance(row, str) for row in rows) or len({len(row) for row in rows}) != 1:
        return None
    if all(isinstance(v, (int, np.integer, bool, np.bool_)) for row in rows for v in row):
        return np.asarray(rows)
    return None


def _masked(X: Any, keep: np.ndarray) -> Any:
    """A copy of a sparse matrix with the columns not in ``keep`` set to zero."""
    X = X.tocsr(copy=True)
    X.data[~keep[X.indices]] = 0
    X.eliminate_zeros()
    return X
