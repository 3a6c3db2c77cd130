"""Sentiment and cause classifiers: scikit-learn estimators over raw Vietnamese comments.

Both are linear SVMs on :class:`~nlp.features.FeedbackVectorizer` features, one per label
(one-vs-rest), with probabilities calibrated on out-of-fold decision values, so a probability of 0.8
means right about 80% of the time on data like the training data:

* :class:`SentimentClassifier` — temperature scaling: one scale for all classes, then softmax. The
  predicted class stays the SVMs' own choice. (Platt-scaling each class separately was tried: it
  learns the training corpus's class mix into per-class offsets and cost 2–4 points of zero-shot
  accuracy on real comments, where that mix differs.)
* :class:`CauseClassifier` — Platt scaling per label (a logistic curve fitted to its decision
  values), then one threshold per label, the one that maximises that label's F1 on the same
  out-of-fold probabilities.

They follow the scikit-learn estimator contract (``fit`` returns ``self``, learned state ends in
``_``) and work in ``Pipeline``, ``cross_validate`` and ``GridSearchCV``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .features import VECTORIZER, FeedbackVectorizer

__all__ = ["CauseClassifier", "SentimentClassifier"]

_THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
#: A label's threshold is chosen on ``threshold_rows`` only when they hold this many of its examples.
_MIN_THRESHOLD_POSITIVES = 5


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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow warnings


class _LinearHeads:
    """Fitting and applying one linear SVM per column of an indicator matrix."""

    @staticmethod
    def fit(
        X: Any, Y: np.ndarray, names: Sequence[str], *, C: float, class_weight: Any, random_state: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Weights, biases and the out-of-fold decision values (5-fold) that calibration learns from."""
        from sklearn.model_selection import cross_val_predict
        from sklearn.svm import LinearSVC

        n, k = Y.shape
        coef = np.zeros((k, X.shape[1]))
        intercept = np.zeros(k)
        oof = np.zeros((n, k))
        for j in range(k):
            y = Y[:, j]
            svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state)
            folds = _folds(y, names[j], random_state)
            oof[:, j] = cross_val_predict(svm, X, y, cv=folds, method="decision_function")
            svm.fit(X, y)
            coef[j] = svm.coef_[0]
            intercept[j] = svm.intercept_[0]
        return coef, intercept, oof

    @staticmethod
    def decision(X: Any, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        return np.asarray(X @ coef.T) + intercept

    @staticmethod
    def fit_pooled(
        units: Units, Y: np.ndarray, names: Sequence[str], *, C: float, class_weight: Any, random_state: int,
        clause_training: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Like :meth:`fit`, for heads whose decision on a comment is the best of its clauses' and its own.

        With ``clause_training``, each label is learnt in two steps (multiple-instance learning): an
        SVM on whole comments picks, in each multi-clause comment that has the label, the clause it
        scores highest; a second SVM then learns from the comments, those clauses as positives, and
        every clause of the comments without the label as negatives. The out-of-fold decision values
        are pooled the same way, so calibration sees what prediction will do.
        """
        n, k = Y.shape
        coef = np.zeros((k, units.docs.shape[1]))
        intercept = np.zeros(k)
        oof = np.zeros((n, k))
        for j in range(k):
            y = Y[:, j]
            options = {"C": C, "class_weight": class_weight, "random_state": random_state, "clause_training": clause_training}
            for train, test in _folds(y, names[j], random_state).split(np.zeros(n), y):
                w, b = _fit_pooled_label(units.subset(train), y[train], **options)
                oof[test, j] = units.subset(test).pooled(w[None, :], np.array([b]))[:, 0]
            coef[j], intercept[j] = _fit_pooled_label(units, y, **options)
        return coef, intercept, oof


def _folds(y: np.ndarray, name: str, random_state: int) -> Any:
    """The seeded stratified folds of one label's out-of-fold scores (5, or fewer for a rare label)."""
    from sklearn.model_selection import StratifiedKFold

    positives, n = int(y.sum()), len(y)
    if positives < 2 or n - positives < 2:
        raise ValueError(
            f"label {name!r} has {positives} positive and {n - positives} negative "
            "training examples; each label needs at least 2 of both"
        )
    return StratifiedKFold(min(5, positives, n - positives), shuffle=True, random_state=random_state)


class Units:
    """The TF-IDF rows of comments and of their clauses: clause row ``k`` belongs to comment ``owner[k]``.

    Every comment has at least one clause, and clause rows are in comment order.
    """

    def __init__(self, docs: Any, clauses: Any, owner: np.ndarray) -> None:
        self.docs = docs
        self.clauses = clauses
        self.owner = np.asarray(owner, dtype=np.int64)
        counts = np.bincount(self.owner, minlength=docs.shape[0])
        if (counts == 0).any() or (np.diff(self.owner) < 0).any():
            raise ValueError("every comment needs at least one clause row, in comment order")
        self.first = np.zeros(docs.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=self.first[1:])

    @classmethod
    def whole(cls, docs: Any) -> Units:
        """Each comment as its only clause."""
        return cls(docs, docs, np.arange(docs.shape[0]))

    def subset(self, rows: np.ndarray) -> Units:
        """The given comments (in that order) with their clauses."""
        rows = np.asarray(rows, dtype=np.int64)
        counts = self.first[rows + 1] - self.first[rows]
        clause_rows = np.concatenate([np.arange(self.first[r], self.first[r + 1]) for r in rows]) if len(rows) else (
            np.zeros(0, dtype=np.int64))
        return Units(self.docs[rows], self.clauses[clause_rows], np.repeat(np.arange(len(rows)), counts))

    def clause_decisions(self, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        return np.asarray(self.clauses @ coef.T) + intercept

    def pooled(self, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        """Each comment's decision per label: the highest of its own and its clauses'."""
        own = np.asarray(self.docs @ coef.T) + intercept
        if self.clauses is self.docs:
            return own
        best = np.maximum.reduceat(self.clause_decisions(coef, intercept), self.first[:-1], axis=0)
        return np.maximum(own, best)

    def several(self) -> np.ndarray:
        """Whether each comment has more than one clause."""
        return np.diff(self.first) > 1


def _fit_pooled_label(units: Units, y: np.ndarray, *, C: float, class_weight: Any, random_state: int,
                      clause_training: bool) -> tuple[np.ndarray, float]:
    from scipy import sparse
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state).fit(units.docs, y)
    several = units.several()
    if not clause_training or not several.any():
        return svm.coef_[0], float(svm.intercept_[0])
    decision = units.clause_decisions(svm.coef_, svm.intercept_)[:, 0]
    positive_docs = np.flatnonzero(several & (y == 1))
    chosen = np.array([units.first[d] + int(np.argmax(decision[units.first[d] : units.first[d + 1]]))
                       for d in positive_docs], dtype=np.int64)
    negative_clauses = np.flatnonzero(several[units.owner] & (y[units.owner] == 0))
    X = sparse.vstack([units.docs, units.clauses[chosen], units.clauses[negative_clauses]], format="csr")
    target = np.concatenate([y, np.ones(len(chosen), dtype=y.dtype), np.zeros(len(negative_clauses), dtype=y.dtype)])
    svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state).fit(X, target)
    return svm.coef_[0], float(svm.intercept_[0])


def _platt(decision: np.ndarray, Y: np.ndarray, negative_weight: float = 1.0) -> np.ndarray:
    """Per label, the slope and offset of a logistic curve fitted to its decision values (the
    comments without the label weighing ``negative_weight`` each)."""
    from sklearn.linear_model import LogisticRegression

    calibration = np.zeros((Y.shape[1], 2))
    for j in range(Y.shape[1]):
        weight = np.where(Y[:, j] == 1, 1.0, negative_weight)
        platt = LogisticRegression(C=1e4).fit(decision[:, [j]], Y[:, j], sample_weight=weight)
        calibration[j] = platt.coef_[0, 0], platt.intercept_[0]
    return calibration


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _temperature(decision: np.ndarray, Y: np.ndarray) -> float:
    """The scale t minimising the log-loss of softmax(t · decision) (temperature scaling).

    One number for all classes, so the most probable class is always the SVMs' own choice:
    calibration sets how sure the model says it is, never what it predicts.
    """
    from scipy.optimize import minimize_scalar

    truth = Y.argmax(axis=1)

    def log_loss(t: float) -> float:
        z = t * decision
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(truth)), truth]))

    return float(minimize_scalar(log_loss, bounds=(1e-3, 100.0), method="bounded").x)


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

    def _check_head_params(self) -> None:
        if not isinstance(self.C, (int, float)) or isinstance(self.C, bool) or not self.C > 0:
            raise ValueError(f"C must be a positive number; got {self.C!r}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None; got {self.class_weight!r}")

    def _make_vectorizer(self) -> FeedbackVectorizer:
        return FeedbackVectorizer(
            word_ngrams=self.word_ngrams, folded_ngrams=self.folded_ngrams, min_df=self.min_df, segment=self.segment,
            negation_scope=self.negation_scope, lexicon=self.lexicon, cause_lexicon=self.cause_lexicon,
            clauses=self.clauses,
        )

    def _fit_heads(self, X: Any, Y: np.ndarray) -> np.ndarray:
        """Fit the SVMs; return their out-of-fold decision values."""
        self._check_head_params()
        self.coef_, self.intercept_, oof = _LinearHeads.fit(
            X, Y, [str(c) for c in self.classes_], C=self.C, class_weight=self.class_weight,
            random_state=self.random_state,
        )
        return oof

    def _features(self, X: Any) -> Any:
        check_is_fitted(self, "coef_")
        return self.vectorizer_.transform(_texts(X))

    def _calibrated(self, features: Any) -> np.ndarray:
        """``calibration_[:, 0] · decision + calibration_[:, 1]``, before the sigmoid or softmax."""
        decision = _LinearHeads.decision(features, self.coef_, self.intercept_)
        return self.calibration_[:, 0] * decision + self.calibration_[:, 1]


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
    coef_, intercept_, calibration_ : ndarray
        One row per class: SVM weights, bias, and calibration (the temperature, and 0: the same
        shape as :class:`CauseClassifier`'s Platt slope and offset, so one model file format serves both).

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
        self.vectorizer_ = self._make_vectorizer()
        features = self.vectorizer_.fit_transform(texts)
        self._fit_features(features, y)
        return self

    def _fit_features(self, features: Any, y: Iterable[Any]) -> np.ndarray:
        labels = np.asarray(list(y), dtype=object)
        if len(labels) != features.shape[0]:
            raise ValueError(f"X has {features.shape[0]} comments but y has {len(labels)} labels")
        missing = [i for i, label in enumerate(labels)
                   if label is None or (isinstance(label, float) and math.isnan(label)) or label == ""]
        if missing:
            raise ValueError(f"y has empty labels at positions {missing[:10]}{' …' if len(missing) > 10 else ''}")
        self.classes_ = np.array(sorted({str(label) for label in labels}), dtype=object)
        if len(self.classes_) < 2:
            raise ValueError(f"y has a single label {self.classes_.tolist()}; a classifier needs at least 2")
        labels = labels.astype(str)
        indicator = (labels[:, None] == self.classes_[None, :]).astype(int)
        oof = self._fit_heads(features, indicator)
        temperature = _temperature(oof, indicator)
        self.calibration_ = np.column_stack([np.full(len(self.classes_), temperature), np.zeros(len(self.classes_))])
        return _softmax(temperature * oof)

    def _proba_features(self, features: Any) -> np.ndarray:
        return _softmax(self._calibrated(features))

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probabilities, one column per ``classes_``, rows summing to 1."""
        return self._proba_features(self._features(X))

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(self._features(X) @ self.coef_.T) + self.intercept_

    def predict(self, X: Iterable[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


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
        clause of the comments that do not have it (see :meth:`_LinearHeads.fit_pooled`).

    Attributes
    ----------
    classes_ : ndarray of str
        The labels, in column order.
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
        self.content_only = content_only

    def _indicator(self, y: Any, n: int) -> np.ndarray:
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
            names = list(self.labels) if self.labels is not None else [str(i) for i in range(matrix.shape[1])]
            if len(names) != matrix.shape[1]:
                raise ValueError(f"labels has {len(names)} names but y has {matrix.shape[1]} columns")
            self.classes_ = np.array(names, dtype=object)
            return matrix.astype(int)
        found = sorted({str(label) for row in rows for label in row})
        names = list(self.labels) if self.labels is not None else found
        unknown = sorted(set(found) - set(names))
        if unknown:
            raise ValueError(f"y has labels {unknown} that are not in labels={names}")
        self.classes_ = np.array(names, dtype=object)
        index = {name: j for j, name in enumerate(names)}
        indicator = np.zeros((n, len(names)), dtype=int)
        for i, row in enumerate(rows):
            for label in row:
                indicator[i, index[str(label)]] = 1
        return indicator

    def fit(self, X: Iterable[str], y: Any) -> CauseClassifier:
        texts = _texts(X)
        indicator = self._indicator(y, len(texts))  # bad labels fail before the slower features
        self.vectorizer_ = self._make_vectorizer()
        docs, clauses, where = self.vectorizer_.fit_clauses(texts)
        self._fit_matrix(Units(docs, clauses, where.doc), indicator)
        return self

    def _fit_features(self, units: Units, y: Any, threshold_rows: Any = None) -> np.ndarray:
        return self._fit_matrix(units, self._indicator(y, units.docs.shape[0]), threshold_rows)

    def _fit_matrix(self, units: Units, indicator: np.ndarray, threshold_rows: Any = None) -> np.ndarray:
        """Fit; calibration and thresholds come from the out-of-fold scores of ``threshold_rows``
        (a boolean mask; all rows when ``None``)."""
        if indicator.shape[1] == 0:
            raise ValueError("y has no labels at all; a multi-label classifier needs at least one")
        self._check_head_params()
        if self.content_only:  # learn causes from content words only (nlp.evidence.content_features)
            from .evidence import content_features

            keep = content_features(self.vectorizer_.get_feature_names_out())
            units = Units(_masked(units.docs, keep), _masked(units.clauses, keep), units.owner)
        self.coef_, self.intercept_, decision = _LinearHeads.fit_pooled(
            units, indicator, [str(c) for c in self.classes_], C=self.C, class_weight=self.class_weight,
            random_state=self.random_state, clause_training=self.clause_training,
        )
        weight = float(self.cause_free_weight)
        rows = np.ones(len(indicator), dtype=bool) if threshold_rows is None else np.asarray(threshold_rows, dtype=bool)
        if rows.shape != (len(indicator),):
            raise ValueError(f"threshold_rows has {rows.size} values for {len(indicator)} comments")
        self.calibration_ = _platt(decision, indicator, weight)
        oof = _sigmoid(self.calibration_[:, 0] * decision + self.calibration_[:, 1])
        # A label with too few examples among those rows takes its threshold from all of them.
        self.thresholds_ = np.array([
            _best_threshold(indicator[use, j], oof[use, j], weight)
            for j in range(indicator.shape[1])
            for use in [rows if indicator[rows, j].sum() >= _MIN_THRESHOLD_POSITIVES else slice(None)]
        ])
        return oof

    def _units(self, X: Any) -> Units:
        check_is_fitted(self, "coef_")
        vectorizer = self.vectorizer_
        docs, clauses, where = vectorizer.transform_clauses(vectorizer.prepare(_texts(X)))
        return Units(docs, clauses, where.doc)

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probability of each label (columns in ``classes_`` order), independently."""
        return self._proba_units(self._units(X))

    def _proba_units(self, units: Units) -> np.ndarray:
        decision = units.pooled(self.coef_, self.intercept_)
        return _sigmoid(self.calibration_[:, 0] * decision + self.calibration_[:, 1])

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """The pooled SVM decision value of each label (the highest of the comment's and its clauses')."""
        return self._units(X).pooled(self.coef_, self.intercept_)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """0/1 indicator matrix: a label is on when its probability reaches its threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

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


def _best_threshold(y: np.ndarray, proba: np.ndarray, negative_weight: float = 1.0) -> float:
    from sklearn.metrics import f1_score

    weight = np.where(y == 1, 1.0, negative_weight)
    scores = [f1_score(y, proba >= t, zero_division=0.0, sample_weight=weight) for t in _THRESHOLDS]
    return float(_THRESHOLDS[int(np.argmax(scores))])
