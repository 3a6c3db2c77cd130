"""The optional BiLSTM sentiment head: an estimator that learns, repeats itself, saves as arrays."""

import json
import sys

import numpy as np
import pytest

pytest.importorskip("torch", reason="the sequence head needs PyTorch (pip install 'cx-vn[neural]')")

from nlp.corpus import load_corpus
from nlp.errors import ModelFileError
from nlp.model import train_feedback_model
from nlp.persist import load_model, save_model
from nlp.sequence import SequenceClassifier

SMALL = {"embedding_dim": 32, "hidden_dim": 32, "epochs": 5, "batch_size": 16, "learning_rate": 5e-3}


@pytest.fixture(scope="module")
def corpus():
    import pandas as pd

    frame = pd.DataFrame([vars(example) for example in load_corpus()])
    train = frame[frame["split"] == "train"].sample(2000, random_state=0)
    test = frame[frame["split"] == "test"]
    return train, test


@pytest.fixture(scope="module")
def fitted(corpus):
    train, _ = corpus
    return SequenceClassifier(**SMALL).fit(train["text"].tolist(), train["sentiment"].tolist())


def test_learns_sentiment_from_comments_in_order(fitted, corpus):
    _, test = corpus
    predicted = fitted.predict(test["text"].tolist())
    majority = test["sentiment"].value_counts(normalize=True).iloc[0]
    accuracy = float((predicted == test["sentiment"].to_numpy()).mean())
    assert accuracy > majority + 0.1, (accuracy, majority)
    assert 1 <= fitted.best_epoch_ <= SMALL["epochs"]


def test_probabilities_are_a_distribution_over_the_labels(fitted):
    proba = fitted.predict_proba(["Chờ 2 tiếng không ai tiếp 😡", "cam on shop, giao nhanh", "cho hỏi giờ mở cửa"])
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert fitted.classes_.tolist() == ["negative", "neutral", "positive"]


def test_training_twice_gives_the_same_model(corpus, fitted):
    train, test = corpus
    again = SequenceClassifier(**SMALL).fit(train["text"].tolist(), train["sentiment"].tolist())
    texts = test["text"].head(50).tolist()
    np.testing.assert_allclose(again.predict_proba(texts), fitted.predict_proba(texts))


@pytest.mark.parametrize(
    ("params", "message"),
    [({"validation_fraction": 0.7}, "validation_fraction must be in"), ({"epochs": 0}, "epochs must be an integer"),
     ({"dropout": 1.0}, "dropout must be in")],
)
def test_bad_parameters_name_themselves(params, message):
    with pytest.raises(ValueError, match=message):
        SequenceClassifier(**params).fit(["tốt", "tệ", "tốt lắm", "tệ quá"], ["pos", "neg", "pos", "neg"])


def test_a_label_too_rare_to_hold_out_is_an_error():
    with pytest.raises(ValueError, match=r"labels \['neu'\] have fewer than 2"):
        SequenceClassifier().fit(["tốt", "tệ", "tốt lắm", "tệ quá", "bình thường"], ["pos", "neg", "pos", "neg", "neu"])


@pytest.fixture(scope="module")
def model(corpus):
    train, _ = corpus
    return train_feedback_model(train["text"].tolist(), sentiments=train["sentiment"].tolist(), sequence=True,
                                sequence_options=SMALL)


def test_a_model_with_a_sequence_head_saves_as_arrays_and_loads_the_same(model, corpus, tmp_path):
    _, test = corpus
    texts = test["text"].head(40).tolist()
    before = model.classify(texts)
    save_model(model, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert meta["sequence"]["params"]["hidden_dim"] == 32
    with np.load(tmp_path / "m" / "arrays.npz", allow_pickle=False) as arrays:
        assert "sequence/lstm.weight_ih_l0" in arrays.files
    after = load_model(tmp_path / "m").classify(texts)
    assert after["sentiment"].tolist() == before["sentiment"].tolist()
    np.testing.assert_allclose(after["sentiment_confidence"], before["sentiment_confidence"])


def test_the_sequence_head_is_averaged_with_the_linear_head(model, corpus):
    _, test = corpus
    texts = test["text"].head(30).tolist()
    linear = model.sentiment.predict_proba(texts)
    sequence = model.sequence.predict_proba(texts)
    combined = model.classify(texts)["sentiment_confidence"].to_numpy()
    np.testing.assert_allclose(combined, ((linear + sequence) / 2).max(axis=1))


def test_sequence_needs_single_labels():
    with pytest.raises(ValueError, match="give single labels too"):
        train_feedback_model(["chờ lâu", "tốt"], causes=[["wait_time"], []], sequence=True)


def test_loading_a_sequence_model_without_torch_says_what_to_install(model, tmp_path, monkeypatch):
    save_model(model, tmp_path / "m")
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ModelFileError, match=r"sequence \(BiLSTM\) head.*pip install \"cx-vn\[neural\]\""):
        load_model(tmp_path / "m")
