"""The classifier heads of a feedback model: scikit-learn estimators on feature matrices.

A :class:`~nlp.model.FeedbackModel` computes one feature matrix per batch (a
:class:`~nlp.features.FeedbackVectorizer`'s TF-IDF rows) and hands it to its heads:

* :class:`SoftmaxHead` — one label per row (sentiment): a linear SVM per class, calibrated by
  temperature scaling (one scale for all classes, then softmax), so the most probable class is
  always the SVMs' own choice.
* :class:`OneVsRestHead` — any number of labels per row (the causes): a linear SVM per label,
  Platt-scaled (a logistic curve per label), then one threshold per label, the one that maximises
  that label's F1 on out-of-fold probabilities. Given the TF-IDF rows of each row's clauses as
  well, a label's score is the best of the row's own and its clauses'.

Both are plain estimators (``fit`` returns ``self``, learned state ends in ``_``, numeric input
checked by :func:`~sklearn.utils.validation.validate_data`) and pass scikit-learn's own estimator
checks (``tests/test_classifiers.py`` runs ``parametrize_with_checks`` on them). The text
classifiers of :mod:`nlp.classifiers` are a vectorizer plus one of these.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.0], [0.0, 1.0], [0.1, 0.9], [0.0, 0.8]])
>>> head = SoftmaxHead().fit(X, ["chậm", "chậm", "chậm", "nhanh", "nhanh", "nhanh"])
>>> head.predict([[0.95, 0.0]]).tolist()
['chậm']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

__all__ = ["OneVsRestHead", "SoftmaxHead", "Units", "check_head_params", "require_examples"]

_THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
#: A label's threshold is chosen on ``threshold_rows`` only when they hold this many of its examples.
_MIN_THRESHOLD_POSITIVES = 5
_DTYPES = (np.float64, np.float32)


class Units:
    """The TF-IDF rows of comments and of their clauses: clause row ``k`` belongs to comment ``owner[k]``.

    Every comment has at least one clause, and clause rows are in comment order.
    """

    def __init__(self, docs: Any, clauses: Any, owner: np.ndarray) -> None:
        self.docs = docs
        self.clauses = clauses
        self.owner = np.asarray(owner, dtype=np.int64)
        counts = np.bincount(self.owner, minlength=docs.shape[0]) if len(self.owner) else np.zeros(docs.shape[0], int)
        if (counts == 0).any() or (np.diff(self.owner) < 0).any() or len(counts) != docs.shape[0]:
            raise ValueError("clause_owner must give every row at least one clause, in row order "
                             f"(values 0..{docs.shape[0] - 1}, non-decreasing)")
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


class _LinearHead(ClassifierMixin, BaseEstimator):
    """Parameters and checks shared by both heads."""

    def __init__(self, *, C: float = 1.0, class_weight: str | None = "balanced", random_state: int = 0) -> None:
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state

    def _check_params(self) -> None:
        check_head_params(self.C, self.class_weight)

    def _row_weights(self, y: np.ndarray, indicator: np.ndarray) -> tuple[Any, list[np.ndarray | None]]:
        """The ``class_weight`` each SVM is given, and each label column's row weights.

        ``"balanced"`` and ``None`` go to the SVMs as they are. A dict weighs each row by its class
        (one class per row) or, for an indicator ``y``, by its 0/1 value in the column.
        """
        if not isinstance(self.class_weight, dict):
            return self.class_weight, [None] * indicator.shape[1]
        weights = self.class_weight
        if y.ndim == 1:
            row = np.array([float(weights.get(label, 1.0)) for label in y])
            return None, [row] * indicator.shape[1]
        return None, [np.where(indicator[:, j] == 1, float(weights.get(1, 1.0)), float(weights.get(0, 1.0)))
                      for j in range(indicator.shape[1])]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _svm_decision(self, X: Any) -> np.ndarray:
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def _set_arrays(self, classes: Any, coef: Any, intercept: Any, calibration: Any) -> None:
        """Set the learned arrays of a saved head, checking their shapes and values first."""
        classes = np.asarray(classes)
        k = len(classes)
        arrays = {"coef": (coef, 2), "intercept": (intercept, 1), "calibration": (calibration, 2)}
        for name, (value, ndim) in arrays.items():
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim != ndim:
                raise ValueError(f"{name} must be a {ndim}-D array of floats; got "
                                 f"{type(value).__name__} {getattr(value, 'dtype', '')} {getattr(value, 'shape', '')}")
            if value.shape[0] != k:
                raise ValueError(f"{name} has {value.shape[0]} rows for {k} labels")
            if not np.isfinite(value).all():
                raise ValueError(f"{name} holds NaN or infinite values")
        if calibration.shape[1] != 2:
            raise ValueError(f"calibration has shape {calibration.shape}; expected ({k}, 2)")
        self.classes_, self.coef_, self.intercept_, self.calibration_ = classes, coef, intercept, calibration
        self.n_features_in_ = coef.shape[1]


class SoftmaxHead(_LinearHead):
    """One label per row: a linear SVM per class, calibrated by temperature scaling.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of each linear SVM.
    class_weight : {"balanced", None} or dict
        ``"balanced"`` weighs rare classes up; a dict ``{class: weight}`` weighs each row by its class.
    random_state : int
        Seed of the cross-validation folds whose out-of-fold decisions calibration learns from.

    Attributes
    ----------
    classes_ : ndarray
    coef_, intercept_ : ndarray
        One row per class: SVM weights and bias.
    calibration_ : ndarray of shape (n_classes, 2)
        The temperature in the first column, 0 in the second (the same shape as
        :class:`OneVsRestHead`'s Platt slope and offset, so one model file format serves both).
    n_features_in_ : int
    """

    def fit(self, X: Any, y: Any) -> SoftmaxHead:
        self._check_params()
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=_DTYPES)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y has only one class {self.classes_.tolist()}; a classifier needs at least 2 classes")
        indicator = np.eye(len(self.classes_), dtype=int)[encoded]
        class_weight, row_weights = self._row_weights(y, indicator)
        self.coef_, self.intercept_, oof = _fit_linear(
            X, indicator, [str(c) for c in self.classes_], C=self.C, class_weight=class_weight,
            random_state=self.random_state, row_weights=row_weights)
        temperature = _temperature(oof, indicator)
        self.calibration_ = np.column_stack([np.full(len(self.classes_), temperature), np.zeros(len(self.classes_))])
        return self

    @classmethod
    def from_arrays(cls, classes: Sequence[Any], coef: np.ndarray, intercept: np.ndarray, calibration: np.ndarray,
                    **params: Any) -> SoftmaxHead:
        """A fitted head from saved arrays (shapes and values checked: ``ValueError`` names the array)."""
        head = cls(**params)
        head._set_arrays(np.asarray(classes, dtype=object), coef, intercept, calibration)
        return head

    def _check(self, X: Any) -> Any:
        check_is_fitted(self)
        return validate_data(self, X, accept_sparse="csr", dtype=_DTYPES, reset=False)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, one column per ``classes_``, rows summing to 1."""
        decision = self._svm_decision(self._check(X))
        return _softmax(self.calibration_[:, 0] * decision + self.calibration_[:, 1])

    def decision_function(self, X: Any) -> np.ndarray:
        """The SVMs' decision values, one column per class (for two classes, the second minus the first)."""
        decision = self._svm_decision(self._check(X))
        return decision[:, 1] - decision[:, 0] if len(self.classes_) == 2 else decision

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class OneVsRestHead(_LinearHead):
    """Any number of labels per row: a Platt-scaled linear SVM per label and a threshold per label.

    ``fit`` takes ``y`` as a 0/1 indicator matrix (one column per label; ``predict`` then returns
    such a matrix, a label on when its probability reaches its threshold) or, as
    :class:`~sklearn.multiclass.OneVsRestClassifier` does, as one class per row (``predict`` then
    returns the most probable class, and ``predict_proba``'s rows are normalised to sum to 1).

    Parameters
    ----------
    C, class_weight, random_state
        As for :class:`SoftmaxHead`.
    clause_training : bool
        When ``fit`` is given clauses: learn each label from the clause of each row that states it
        as well (multiple-instance learning; see :meth:`fit`).
    cause_free_weight : float
        The weight of a row without a label when its calibration and threshold are chosen.
    min_threshold : float
        The lowest threshold a label may get (between 0.05 and 0.95). The threshold that maximises
        F1 on the training rows falls well below 0.5 for a label the training rows hold often; 0.5
        flags a label only when the model finds it more likely than not, which keeps false alarms down
        on data where the labels are rarer than in training.
    multilabel : {"auto", True}
        ``"auto"``: a ``y`` with two or more columns is an indicator matrix, a column vector is one
        class per row (scikit-learn's convention). ``True``: every 2-D ``y`` is an indicator matrix,
        a single column included (a codebook with one label).

    Attributes
    ----------
    classes_ : ndarray
        The labels' column numbers (indicator ``y``) or the classes found in ``y``.
    coef_, intercept_ : ndarray
        One row per label: SVM weights and bias.
    calibration_ : ndarray of shape (n_labels, 2)
        Each label's Platt slope and offset.
    thresholds_ : ndarray
        Per-label probability thresholds (used for indicator ``y``).
    multilabel_ : bool
        Whether ``y`` was an indicator matrix.
    n_features_in_ : int
    """

    def __init__(self, *, C: float = 1.0, class_weight: str | None = "balanced", clause_training: bool = True,
                 cause_free_weight: float = 1.0, min_threshold: float = 0.05, multilabel: str | bool = "auto",
                 random_state: int = 0) -> None:
        super().__init__(C=C, class_weight=class_weight, random_state=random_state)
        self.clause_training = clause_training
        self.cause_free_weight = cause_free_weight
        self.min_threshold = min_threshold
        self.multilabel = multilabel

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def fit(self, X: Any, y: Any, *, clauses: Any = None, clause_owner: Any = None,
            threshold_rows: Any = None) -> OneVsRestHead:
        """Fit one Platt-scaled SVM per label.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_rows, n_features)
        y : indicator matrix of shape (n_rows, n_labels), or one class per row
        clauses : {array-like, sparse matrix} of shape (n_clauses, n_features), optional
            The feature rows of each row's clauses; a label's score on a row is then the highest of
            the row's own and its clauses'. With ``clause_training``, each label is learnt in two
            steps: an SVM on whole rows picks, in each several-clause row that has the label, the
            clause it scores highest; a second SVM learns from the rows, those clauses as positives
            and every clause of the rows without the label as negatives. The out-of-fold scores are
            pooled the same way, so calibration sees what prediction will do.
        clause_owner : array-like of int, shape (n_clauses,)
            The row each clause belongs to (non-decreasing; every row has at least one clause).
        threshold_rows : array-like of bool, shape (n_rows,), optional
            Choose each label's threshold on these rows' out-of-fold probabilities only (a label
            with fewer than 5 examples among them takes it from all rows).
        """
        self._check_params()
        if self.multilabel not in ("auto", True):
            raise ValueError(f"multilabel must be 'auto' or True; got {self.multilabel!r}")
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=_DTYPES, multi_output=True)
        if y.ndim == 2 and y.shape[1] == 1 and self.multilabel == "auto":
            warnings.warn("A column-vector y was passed when a 1d array was expected: it is read as one class "
                          "per row (pass multilabel=True for a one-label indicator matrix)",
                          DataConversionWarning, stacklevel=2)
            y = y.ravel()
        self.multilabel_ = y.ndim == 2
        if self.multilabel_:
            if not np.isin(y, (0, 1)).all():
                raise ValueError("an indicator y holds only 0 and 1 (one column per label)")
            indicator = y.astype(int)
            if indicator.shape[1] == 0:
                raise ValueError("y has no labels at all; a multi-label classifier needs at least one")
            self.classes_ = np.arange(indicator.shape[1])
        else:
            check_classification_targets(y)
            self.classes_, encoded = np.unique(y, return_inverse=True)
            if len(self.classes_) < 2:
                raise ValueError(f"y has only one class {self.classes_.tolist()}; a classifier needs at least 2 classes")
            indicator = np.eye(len(self.classes_), dtype=int)[encoded]
        if not isinstance(self.min_threshold, (int, float)) or not 0.05 <= self.min_threshold <= 0.95:
            raise ValueError(f"min_threshold must be a number from 0.05 to 0.95; got {self.min_threshold!r}")
        units = self._units(X, clauses, clause_owner)
        n = X.shape[0]
        rows = np.ones(n, dtype=bool) if threshold_rows is None else np.asarray(threshold_rows, dtype=bool)
        if rows.shape != (n,):
            raise ValueError(f"threshold_rows has {rows.size} values for {n} rows")
        class_weight, row_weights = self._row_weights(y, indicator)
        self.coef_, self.intercept_, decision = _fit_pooled(
            units, indicator, [str(c) for c in self.classes_], C=self.C, class_weight=class_weight,
            random_state=self.random_state, clause_training=self.clause_training, row_weights=row_weights)
        weight = float(self.cause_free_weight)
        self.calibration_ = _platt(decision, indicator, weight, row_weights)
        oof = _sigmoid(self.calibration_[:, 0] * decision + self.calibration_[:, 1])
        # A label with too few examples among those rows takes its threshold from all of them.
        self.thresholds_ = np.array([
            _best_threshold(indicator[use, j], oof[use, j], weight, self.min_threshold)
            for j in range(indicator.shape[1])
            for use in [rows if indicator[rows, j].sum() >= _MIN_THRESHOLD_POSITIVES else slice(None)]
        ])
        return self

    @classmethod
    def from_arrays(cls, coef: np.ndarray, intercept: np.ndarray, calibration: np.ndarray, thresholds: np.ndarray,
                    **params: Any) -> OneVsRestHead:
        """A fitted multi-label head (indicator ``y``) from saved arrays, shapes and values checked."""
        head = cls(**params)
        head._set_arrays(np.arange(len(coef)) if isinstance(coef, np.ndarray) and coef.ndim else np.arange(0),
                         coef, intercept, calibration)
        if (not isinstance(thresholds, np.ndarray) or thresholds.shape != (len(coef),)
                or thresholds.dtype.kind != "f" or not ((thresholds > 0) & (thresholds < 1)).all()):
            raise ValueError(f"thresholds must be {len(coef)} probabilities between 0 and 1; got "
                             f"{np.array2string(np.asarray(thresholds), threshold=8)}")
        head.thresholds_, head.multilabel_ = thresholds, True
        return head

    def _units(self, X: Any, clauses: Any, clause_owner: Any) -> Units:
        if clauses is None and clause_owner is None:
            return Units.whole(X)
        if clauses is None or clause_owner is None:
            raise ValueError("give clauses and clause_owner together")
        clauses = check_array(clauses, accept_sparse="csr", dtype=_DTYPES)
        if clauses.shape[1] != X.shape[1]:
            raise ValueError(f"clauses has {clauses.shape[1]} features; X has {X.shape[1]}")
        owner = np.asarray(clause_owner)
        if owner.shape != (clauses.shape[0],):
            raise ValueError(f"clause_owner has {owner.size} values for {clauses.shape[0]} clause rows")
        return Units(X, clauses, owner)

    def _pooled(self, X: Any, clauses: Any, clause_owner: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=_DTYPES, reset=False)
        return self._units(X, clauses, clause_owner).pooled(self.coef_, self.intercept_)

    def svm_decision(self, X: Any, *, clauses: Any = None, clause_owner: Any = None) -> np.ndarray:
        """Each label's SVM decision value before calibration (with clauses, the highest of the
        row's own and its clauses'), one column per label."""
        return self._pooled(X, clauses, clause_owner)

    def decision_function(self, X: Any, *, clauses: Any = None, clause_owner: Any = None) -> np.ndarray:
        """Each label's calibrated log-odds, one column per label (for two classes given one per
        row, the second's minus the first's)."""
        logit = self._logits(X, clauses, clause_owner)
        if not self.multilabel_ and len(self.classes_) == 2:
            return logit[:, 1] - logit[:, 0]
        return logit

    def predict_proba(self, X: Any, *, clauses: Any = None, clause_owner: Any = None) -> np.ndarray:
        """Each label's calibrated probability, independently (normalised per row for one class per row)."""
        proba = _sigmoid(self._logits(X, clauses, clause_owner))
        if not self.multilabel_:
            proba = proba / proba.sum(axis=1, keepdims=True)
        return proba

    def _logits(self, X: Any, clauses: Any, clause_owner: Any) -> np.ndarray:
        decision = self._pooled(X, clauses, clause_owner)
        return self.calibration_[:, 0] * decision + self.calibration_[:, 1]

    def predict(self, X: Any, *, clauses: Any = None, clause_owner: Any = None) -> np.ndarray:
        """The 0/1 indicator matrix (indicator ``y``) or the most probable class (one class per row)."""
        proba = self.predict_proba(X, clauses=clauses, clause_owner=clause_owner)
        if self.multilabel_:
            return (proba >= self.thresholds_).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow warnings


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def check_head_params(C: Any, class_weight: Any) -> None:
    """A ``ValueError`` naming ``C`` or ``class_weight`` when it is not a value the heads take."""
    if not isinstance(C, (int, float)) or isinstance(C, bool) or not C > 0:
        raise ValueError(f"C must be a positive number; got {C!r}")
    if class_weight not in ("balanced", None) and not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be 'balanced', None or a dict {{label: weight}}; got {class_weight!r}")


def require_examples(indicator: np.ndarray, names: Sequence[Any]) -> None:
    """A ``ValueError`` naming the first label (column) with fewer than 2 positive or 2 negative rows:
    its calibration is learnt from out-of-fold scores, which need both in every fold's training part."""
    n = len(indicator)
    for j, name in enumerate(names):
        positives = int(indicator[:, j].sum())
        if positives < 2 or n - positives < 2:
            raise ValueError(
                f"label {str(name)!r} has {positives} positive and {n - positives} negative "
                "training examples; each label needs at least 2 of both"
            )


def _folds(y: np.ndarray, name: str, random_state: int) -> Any:
    """The seeded stratified folds of one label's out-of-fold scores (5, or fewer for a rare label)."""
    from sklearn.model_selection import StratifiedKFold

    require_examples(y[:, None], [name])
    positives, n = int(y.sum()), len(y)
    return StratifiedKFold(min(5, positives, n - positives), shuffle=True, random_state=random_state)


def _fit_linear(X: Any, Y: np.ndarray, names: Sequence[str], *, C: float, class_weight: Any,
                random_state: int, row_weights: Sequence[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, biases and the out-of-fold decision values (5-fold) of one SVM per column of ``Y``."""
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
        weight = row_weights[j]
        params = {} if weight is None else {"sample_weight": weight}
        oof[:, j] = cross_val_predict(svm, X, y, cv=folds, method="decision_function", params=params)
        svm.fit(X, y, **params)
        coef[j] = svm.coef_[0]
        intercept[j] = svm.intercept_[0]
    return coef, intercept, oof


def _fit_pooled(units: Units, Y: np.ndarray, names: Sequence[str], *, C: float, class_weight: Any,
                random_state: int, clause_training: bool,
                row_weights: Sequence[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`_fit_linear`, for heads whose decision on a row is the best of its clauses' and its own."""
    n, k = Y.shape
    coef = np.zeros((k, units.docs.shape[1]))
    intercept = np.zeros(k)
    oof = np.zeros((n, k))
    for j in range(k):
        y = Y[:, j]
        options = {"C": C, "class_weight": class_weight, "random_state": random_state, "clause_training": clause_training}
        weight = row_weights[j]
        for train, test in _folds(y, names[j], random_state).split(np.zeros(n), y):
            w, b = _fit_pooled_label(units.subset(train), y[train], None if weight is None else weight[train], **options)
            oof[test, j] = units.subset(test).pooled(w[None, :], np.array([b]))[:, 0]
        coef[j], intercept[j] = _fit_pooled_label(units, y, weight, **options)
    return coef, intercept, oof


def _fit_pooled_label(units: Units, y: np.ndarray, weight: np.ndarray | None, *, C: float, class_weight: Any,
                      random_state: int, clause_training: bool) -> tuple[np.ndarray, float]:
    from scipy import sparse
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state).fit(units.docs, y, sample_weight=weight)
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
    if weight is not None:  # a clause weighs what its row does
        weight = np.concatenate([weight, weight[positive_docs], weight[units.owner[negative_clauses]]])
    svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state).fit(X, target, sample_weight=weight)
    return svm.coef_[0], float(svm.intercept_[0])


def _platt(decision: np.ndarray, Y: np.ndarray, negative_weight: float = 1.0,
           row_weights: Sequence[np.ndarray | None] | None = None) -> np.ndarray:
    """Per label, the slope and offset of a logistic curve fitted to its decision values (the
    rows without the label weighing ``negative_weight`` each, times their ``row_weights``)."""
    from sklearn.linear_model import LogisticRegression

    calibration = np.zeros((Y.shape[1], 2))
    for j in range(Y.shape[1]):
        weight = np.where(Y[:, j] == 1, 1.0, negative_weight)
        if row_weights is not None and row_weights[j] is not None:
            weight = weight * row_weights[j]
        platt = LogisticRegression(C=1e4).fit(decision[:, [j]], Y[:, j], sample_weight=weight)
        calibration[j] = platt.coef_[0, 0], platt.intercept_[0]
    return calibration


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


def _best_threshold(y: np.ndarray, proba: np.ndarray, negative_weight: float = 1.0, lowest: float = 0.05) -> float:
    from sklearn.metrics import f1_score

    weight = np.where(y == 1, 1.0, negative_weight)
    candidates = _THRESHOLDS[_THRESHOLDS >= lowest - 1e-9]
    scores = [f1_score(y, proba >= t, zero_division=0.0, sample_weight=weight) for t in candidates]
    return float(candidates[int(np.argmax(scores))])
