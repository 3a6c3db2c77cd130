import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import NotFittedError

from nlp.classifiers import CauseClassifier, SentimentClassifier
from nlp.corpus import load_corpus
from nlp.features import FeedbackVectorizer, mark_negation
from nlp.heads import OneVsRestHead, SoftmaxHead


@pytest.fixture(scope="module")
def small():
    """A 600-comment slice of the training split: enough to learn, quick to fit."""
    examples = load_corpus(split="train")[::8]
    return [e.text for e in examples], [e.sentiment for e in examples], [e.causes for e in examples]


def test_sentiment_contract(small):
    texts, sentiments, _ = small
    clf = SentimentClassifier()
    assert clf.fit(texts, sentiments) is clf
    assert clf.classes_.tolist() == ["negative", "neutral", "positive"]
    proba = clf.predict_proba(texts[:50])
    assert proba.shape == (50, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (clf.predict(texts[:50]) == clf.classes_[proba.argmax(axis=1)]).all()
    assert clf.score(texts, sentiments) > 0.9  # training accuracy: it learned something
    # clone copies the parameters, not the fit; set_params reaches the fitted behaviour
    tuned = SentimentClassifier(C=0.05)
    copy = clone(tuned.fit(texts, sentiments))
    assert copy.get_params()["C"] == 0.05 and not hasattr(copy, "classes_")
    looser = clone(copy).set_params(C=100.0).fit(texts, sentiments)
    assert looser.score(texts, sentiments) > tuned.score(texts, sentiments)


def test_cause_classifier_accepts_label_lists_and_indicator_matrices(small):
    texts, _, causes = small
    by_names = CauseClassifier().fit(texts, causes)
    names = by_names.classes_.tolist()
    matrix = np.array([[name in row for name in names] for row in causes], dtype=int)
    by_matrix = CauseClassifier(labels=names).fit(texts, matrix)
    np.testing.assert_allclose(by_names.predict_proba(texts[:40]), by_matrix.predict_proba(texts[:40]))
    assert by_names.predict(texts[:40]).shape == (40, len(names))
    assert all(0.05 <= t <= 0.95 for t in by_names.thresholds_)
    labels = by_names.predict_labels(["Chờ tổng đài 40 phút, cuối cùng tự ngắt máy"])
    assert "wait_time" in labels[0]


def test_cross_validate_and_pipeline(small):
    texts, sentiments, causes = small
    names = sorted({c for row in causes for c in row})
    matrix = np.array([[name in row for name in names] for row in causes], dtype=int)
    scores = cross_validate(CauseClassifier(labels=names), texts, matrix, cv=KFold(2, shuffle=True, random_state=0),
                            scoring="f1_macro")
    assert scores["test_score"].min() > 0.4
    pipe = Pipeline([("strip", FunctionTransformer(lambda xs: [x.strip() for x in xs])),
                     ("clf", SentimentClassifier())])
    folds = KFold(2, shuffle=True, random_state=0)
    grid = GridSearchCV(pipe, {"clf__C": [0.01, 1.0]}, cv=folds, scoring="f1_macro").fit(texts, sentiments)
    # the search scored each C as cross-validation scores it on its own, and kept the better one
    by_hand = {c: cross_validate(clone(pipe).set_params(clf__C=c), texts, sentiments, cv=folds,
                                 scoring="f1_macro")["test_score"].mean() for c in (0.01, 1.0)}
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], [by_hand[0.01], by_hand[1.0]])
    assert grid.best_params_["clf__C"] == max(by_hand, key=by_hand.get)
    assert grid.best_estimator_.named_steps["clf"].C == grid.best_params_["clf__C"]


def test_fitting_is_deterministic(small):
    texts, sentiments, _ = small
    a = SentimentClassifier().fit(texts, sentiments).predict_proba(texts[:30])
    b = SentimentClassifier().fit(texts, sentiments).predict_proba(texts[:30])
    np.testing.assert_array_equal(a, b)


def test_diacritic_free_text_is_read_like_marked_text(small):
    texts, sentiments, _ = small
    clf = SentimentClassifier().fit(texts, sentiments)
    marked = clf.predict_proba(["Nhân viên rất nhiệt tình, cảm ơn chị nhiều"])
    bare = clf.predict_proba(["nhan vien rat nhiet tinh, cam on chi nhieu"])
    assert clf.classes_[marked.argmax()] == clf.classes_[bare.argmax()] == "positive"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"C": 0}, "C must be a positive number; got 0"),
        ({"class_weight": "auto"}, "class_weight must be 'balanced', None or a dict {label: weight}; got 'auto'"),
        ({"word_ngrams": (2, 1)}, r"word_ngrams must be a pair \(low, high\)"),
        ({"min_df": 0}, "min_df must be an integer >= 1; got 0"),
        ({"negation_scope": -1}, r"negation_scope must be an integer >= 0 \(0 turns it off\); got -1"),
    ],
)
def test_bad_parameters_name_the_parameter(small, params, message):
    texts, sentiments, _ = small
    with pytest.raises(ValueError, match=message):
        SentimentClassifier(**params).fit(texts, sentiments)


def test_bad_training_data_is_a_clear_error():
    with pytest.raises(TypeError, match=r"X\[1\] is NoneType"):
        SentimentClassifier().fit(["tốt", None], ["pos", "neg"])
    with pytest.raises(TypeError, match="not a single string"):
        SentimentClassifier().fit("tốt", ["pos"])
    with pytest.raises(ValueError, match="single label"):
        SentimentClassifier(min_df=1).fit(["tốt", "hay"], ["pos", "pos"])
    with pytest.raises(ValueError, match="label 'rude' has 1 positive"):
        CauseClassifier(min_df=1).fit(["quát khách", "chờ lâu", "chờ mãi", "đợi lâu"], [["rude"], ["wait"], ["wait"], []])
    with pytest.raises(TypeError, match="split multi-label strings first"):
        CauseClassifier().fit(["a", "b"], ["wait_time,rude_staff", ""])


def test_vectorizer_views_can_be_switched_off():
    texts = ["chờ lâu quá", "nhân viên vui vẻ"]
    folded_only = FeedbackVectorizer(word_ngrams=(0, 0), min_df=1).fit(texts)
    assert all(f.startswith("~") for f in folded_only.get_feature_names_out())
    with pytest.raises(ValueError, match="no features left"):
        FeedbackVectorizer(word_ngrams=(0, 0), folded_ngrams=(0, 0)).fit(texts)


@pytest.mark.parametrize(
    ("text", "scope", "marked"),
    [
        # the words after the negator, up to the scope
        ("nhân viên rất không nhiệt tình", 6, "nhân viên rất không ¬nhiệt ¬tình"),
        ("không được tốt cho lắm", 6, "không ¬được ¬tốt ¬cho ¬lắm"),
        ("không một chút nào hài lòng", 2, "không ¬một ¬chút nào hài lòng"),
        # punctuation and emoji end the clause; a new negator opens its own scope
        ("không ngon , nhưng rẻ", 6, "không ¬ngon , nhưng rẻ"),
        ("chưa nhận 😡 hàng", 6, "chưa ¬nhận 😡 hàng"),
        ("chẳng nhanh chả rẻ", 6, "chẳng ¬nhanh chả ¬rẻ"),
        # "not only … but also" negates nothing, typed with tone marks or without
        ("không những rẻ mà còn ngon", 6, "không những rẻ mà còn ngon"),
        ("khong chi re ma con ngon", 6, "khong chi re ma con ngon"),
        ("khong tot", 6, "khong ¬tot"),
        ("không tốt", 0, "không tốt"),
    ],
)
def test_negation_marks_the_words_a_negator_governs(text, scope, marked):
    assert " ".join(mark_negation(text.split(), scope)) == marked


def test_negation_marking_can_be_switched_off():
    vectorizer = FeedbackVectorizer(min_df=1, negation_scope=0).fit(["không tốt", "tốt"])
    assert not any("¬" in f for f in vectorizer.get_feature_names_out())
    marked = FeedbackVectorizer(min_df=1).fit(["không tốt", "tốt"]).get_feature_names_out().tolist()
    assert {"¬tốt", "không ¬tốt", "~¬tot", "~khong ¬tot"} <= set(marked)


def test_macro_f1_of_a_fitted_cause_model_beats_chance(small):
    texts, _, causes = small
    test = load_corpus(split="test")[::4]
    clf = CauseClassifier(labels=sorted({c for row in causes for c in row})).fit(texts, causes)
    gold = np.array([[name in e.causes for name in clf.classes_] for e in test], dtype=int)
    assert f1_score(gold, clf.predict([e.text for e in test]), average="macro") > 0.5


def test_cause_thresholds_can_come_from_some_rows_only():
    from nlp.model import train_feedback_model

    texts = ["chờ lâu quá", "đợi 2 tiếng", "chờ mãi không tới lượt", "đợi cả buổi", "chờ dài cổ", "đợi mòn mỏi",
             "ngon", "sạch sẽ", "rẻ", "đẹp", "nhân viên vui vẻ", "giao nhanh"] * 3
    causes = [["wait"]] * 6 + [[]] * 6
    causes = causes * 3
    model = train_feedback_model(texts, causes=causes, min_df=1, threshold_rows=[True] * 12 + [False] * 24)
    assert model.causes.thresholds_.shape == (1,)
    with pytest.raises(ValueError, match="threshold_rows has 3 values for 36 rows"):
        train_feedback_model(texts, causes=causes, min_df=1, threshold_rows=[True] * 3)


def test_min_threshold_keeps_causes_from_being_flagged_below_it_and_survives_a_model_file(tmp_path):
    """A researcher who wants fewer false alarms sets min_threshold; a saved model keeps it."""
    from nlp.model import train_feedback_model
    from nlp.persist import load_model, save_model

    texts = ["chờ lâu quá", "đợi 2 tiếng", "chờ mãi không tới lượt", "đợi cả buổi", "chờ dài cổ", "đợi mòn mỏi",
             "ngon", "sạch sẽ", "rẻ", "đẹp", "nhân viên vui vẻ", "giao nhanh", "chờ chút thì có món ngon"] * 3
    causes = ([["wait"]] * 6 + [[]] * 6 + [["wait"]]) * 3
    low = train_feedback_model(texts, causes=causes, min_df=1)
    high = train_feedback_model(texts, causes=causes, min_df=1, min_threshold=0.8)
    assert low.causes.thresholds_[0] < 0.8 <= high.causes.thresholds_[0]
    assert high.causes.head_.min_threshold == 0.8
    loaded = load_model(save_model(high, tmp_path / "m"))
    assert loaded.causes.head_.min_threshold == 0.8
    np.testing.assert_array_equal(loaded.causes.thresholds_, high.causes.thresholds_)
    for wrong in (0.0, 0.99, "0.5"):
        with pytest.raises(ValueError, match="min_threshold must be a number from 0.05 to 0.95"):
            train_feedback_model(texts, causes=causes, min_df=1, min_threshold=wrong)


@parametrize_with_checks([SoftmaxHead(), OneVsRestHead()])
def test_heads_pass_scikit_learns_estimator_checks(estimator, check):
    """The heads a FeedbackModel runs are estimators on feature matrices, checked by scikit-learn itself."""
    check(estimator)


@pytest.mark.parametrize("cls", [SentimentClassifier, CauseClassifier])
def test_text_classifiers_say_they_take_text_and_refuse_to_predict_unfitted(cls):
    tags = get_tags(cls())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    with pytest.raises(NotFittedError):
        cls().predict(["chờ lâu"])


def test_a_text_classifier_is_its_vectorizer_and_its_head(small):
    texts, sentiments, causes = small
    sentiment = SentimentClassifier().fit(texts, sentiments)
    features = sentiment.vectorizer_.transform(texts[:20])
    np.testing.assert_array_equal(sentiment.predict_proba(texts[:20]), sentiment.head_.predict_proba(features))
    cause = CauseClassifier().fit(texts, causes)
    docs, clauses, where = cause.vectorizer_.transform_clauses(cause.vectorizer_.prepare(texts[:20]))
    np.testing.assert_array_equal(cause.predict(texts[:20]),
                                  cause.head_.predict(docs, clauses=clauses, clause_owner=where.doc))
    # a fitted head and vectorizer make the same classifier again (how a model file is loaded)
    again = CauseClassifier.from_parts(cause.vectorizer_, cause.head_, cause.classes_)
    np.testing.assert_array_equal(again.predict_proba(texts[:20]), cause.predict_proba(texts[:20]))


def test_a_one_label_codebook_is_an_indicator_column_not_two_classes():
    X = np.array([[1.0, 0.0], [0.9, 0.2], [0.8, 0.1], [0.7, 0.0], [0.0, 1.0], [0.1, 0.9], [0.2, 0.8], [0.0, 0.7]])
    y = np.array([[1], [1], [1], [1], [0], [0], [0], [0]])
    head = OneVsRestHead(multilabel=True).fit(X, y)
    assert head.multilabel_ and head.predict(X).shape == (8, 1) and head.thresholds_.shape == (1,)
    with pytest.warns(UserWarning, match="column-vector y"):
        single = OneVsRestHead().fit(X, y)
    assert not single.multilabel_ and single.predict(X).shape == (8,)
