"""The real development set: its labels (in the project) and, where ../shared is present, its texts."""

import hashlib
import re

import pandas as pd
import pytest

from nlp.labels import CAUSES, SENTIMENTS
from nlp.realdev import SharedDataMissing, agreement, labels_path, load_real_dev, shared_data_dir

SHARED = shared_data_dir()
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"public evaluation sets not found at {SHARED}")


@pytest.fixture(scope="module")
def labels():
    return pd.read_csv(labels_path(), dtype=str, keep_default_na=False)


def test_labels_are_keyed_by_sha1_and_follow_the_codebook(labels):
    assert len(labels) >= 1100 and labels["sha1"].is_unique
    assert labels["sha1"].map(lambda h: bool(re.fullmatch(r"[0-9a-f]{40}", h))).all()
    assert set(labels["source"]) == {"vispam_reviews", "uts2017_bank"}
    assert (labels["source"] == "vispam_reviews").sum() >= 800 and (labels["source"] == "uts2017_bank").sum() >= 300
    assert set(labels["part"]) == {"study", "holdout"}
    sentiments, causes = {s.id for s in SENTIMENTS}, {c.id for c in CAUSES}
    for column in ("sentiment", "a_sentiment", "b_sentiment"):
        assert set(labels[column]) <= sentiments, column
    for column in ("causes", "a_causes", "b_causes"):
        assert {c for cell in labels[column] for c in cell.split(",") if c} <= causes, column
    # the final label is one of the two passes wherever they agree
    agreed = labels["resolution"] == "agreed"
    assert (labels.loc[agreed, "sentiment"] == labels.loc[agreed, "a_sentiment"]).all()
    assert (labels.loc[agreed, "causes"] == labels.loc[agreed, "b_causes"]).all()
    assert set(labels["resolution"]) == {"agreed", "adjudicated"}


def test_the_texts_are_not_in_the_project(labels):
    assert list(labels.columns[:2]) == ["sha1", "source"] and "text" not in labels.columns


def test_agreement_is_reported_per_label():
    table = agreement()
    assert list(table.index) == ["sentiment"] + [c.id for c in CAUSES]
    assert table.loc["sentiment", "kappa"] > 0.8
    assert table.loc["wait_time", "kappa"] > 0.8 and table.loc["unresolved", "kappa"] > 0.8
    assert table.attrs["adjudicated"] > 0


def test_a_missing_data_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SharedDataMissing, match="vispam_reviews.*not found"):
        load_real_dev(tmp_path)
    with pytest.raises(ValueError, match="part must be 'study' or 'holdout'"):
        load_real_dev(tmp_path, part="train")


@needs_shared
def test_texts_are_joined_from_the_data_sets_by_their_sha1(labels):
    dev = load_real_dev()
    assert len(dev) == len(labels)
    assert (dev["text"].map(lambda t: hashlib.sha1(t.encode("utf-8")).hexdigest()) == dev["sha1"]).all()
    holdout = load_real_dev(part="holdout")
    assert set(holdout["source_split"]) == {"test"} and (holdout["source"] == "vispam_reviews").all()
