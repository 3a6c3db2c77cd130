import json

import numpy as np
import pandas as pd
import pytest

from nlp.corpus import corpus_path, load_corpus
from nlp.errors import ModelFileError
from nlp.evidence import FUNCTION_WORDS
from nlp.labels import CAUSES
from nlp.lexicon import default_cause_lexicon_path, default_lexicon_path, read_cause_lexicon, read_lexicon
from nlp.model import classify_feedback, default_model_path, train_feedback_model
from nlp.persist import load_model, save_model
from nlp.train import _sha256, evaluate_model

CAUSE_IDS = [c.id for c in CAUSES]


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_shipped_model_manifest(model):
    manifest = model.manifest
    assert manifest["name"] == "feedback-vi"
    assert manifest["version"] and manifest["trained"]
    assert manifest["training_data"]["sha256"] == _sha256(corpus_path()), "models/ is stale: run python -m nlp.default_model"
    assert manifest["training_data"]["where"] == {"split": "train"}
    lexicon = manifest["options"]["lexicon"]
    assert lexicon["sha256"] == _sha256(default_lexicon_path()), "models/ is stale: run python -m nlp.default_model"
    assert lexicon["terms"] == len(model.vectorizer.lexicon) == len(read_lexicon(default_lexicon_path()))
    causes = manifest["options"]["cause_lexicon"]
    assert causes["sha256"] == _sha256(default_cause_lexicon_path()), "models/ is stale: run python -m nlp.default_model"
    assert causes["terms"] == len(model.vectorizer.cause_lexicon) == len(read_cause_lexicon(default_cause_lexicon_path()))
    assert model.vectorizer.clauses and model.causes.clause_training and model.no_causes_for == ()
    assert set(manifest["metrics"]["causes"]["per_label_f1"]) == set(CAUSE_IDS)
    assert model.cause_labels == CAUSE_IDS
    assert model.sentiment_labels == ["negative", "neutral", "positive"]


def test_shipped_model_meets_the_quality_targets_on_the_test_split(model):
    evaluation = evaluate_model(model, corpus_path(), text_column="text", label_column="sentiment",
                                labels_column="causes", where={"split": "test"})
    assert evaluation.single["macro_f1"] >= 0.85
    assert evaluation.multi["macro_f1"] >= 0.85
    # the figures in the manifest (and so in the model card) are the ones this gives
    assert round(evaluation.multi["macro_f1"], 4) == model.manifest["metrics"]["causes"]["macro_f1"]


def test_classify_feedback_columns_order_and_index(model):
    texts = pd.Series(["Chờ 2 tiếng mà nhân viên còn quát khách 😡", "", "Nhân viên hỗ trợ nhiệt tình, cảm ơn chị!",
                       None, 42, "   "], index=[10, 11, 12, 13, 14, 15])
    df = classify_feedback(texts, model=model)
    assert list(df.index) == [10, 11, 12, 13, 14, 15]
    assert list(df.columns) == (["sentiment", "sentiment_confidence", "causes"] + [f"p_{c}" for c in CAUSE_IDS]
                                + ["text_status"])
    assert df["text_status"].tolist() == ["ok", "empty", "ok", "empty", "not_text", "empty"]
    assert df.loc[10, "sentiment"] == "negative"
    assert set(df.loc[10, "causes"].split(",")) == {"wait_time", "rude_staff"}
    assert df.loc[12, "sentiment"] == "positive" and df.loc[12, "causes"] == ""
    assert df.loc[11, "sentiment"] == "" and np.isnan(df.loc[11, "p_wait_time"])
    assert 0.5 < df.loc[10, "sentiment_confidence"] <= 1


def test_causes_follow_thresholds_whatever_the_sentiment(model):
    # Codebook v2: the shipped model never blanks the causes of a positive comment.
    texts = [e.text for e in load_corpus(split="test")[:300]]
    df = classify_feedback(texts, model=model)
    for _, row in df.iterrows():
        on = {c for c, t in zip(CAUSE_IDS, model.causes.thresholds_, strict=True) if row[f"p_{c}"] >= t}
        assert set(filter(None, row["causes"].split(","))) == on
    assert ((df["sentiment"] == "positive") & (df["causes"] != "")).any()


@pytest.mark.parametrize(("text", "cause"), [
    ("Ngon, giá ổn, mỗi tội đợi hơi lâu", "wait_time"),
    ("Áo đẹp, vải mát. Giao hơi lâu.", "wait_time"),
    ("sp dep, giao hoi cham 1 xiu nhung shop nhan tin xin loi rat de thuong", "wait_time"),
    ("Phở ngon, nước đậm đà, giá hơi cao. Điểm trừ là nhân viên không thân thiện lắm.", "rude_staff"),
])
def test_a_cause_in_a_positive_review_is_found(model, text, cause):
    df = classify_feedback([text], model=model)
    assert cause in df.loc[0, "causes"].split(","), df.loc[0].to_dict()


def test_a_cause_in_the_fourth_sentence_of_a_long_review_is_found(model):
    alone = "Nhân viên không thân thiện."
    review = ("Khách sạn nằm ngay trung tâm, đi bộ ra chợ đêm chỉ năm phút. Phòng rộng, giường êm, có ban công "
              "nhìn ra hồ. Bữa sáng nhiều món, cà phê ngon. Nhân viên không thân thiện. Giá hợp lý so với vị trí.")
    df = classify_feedback([alone, review], model=model, explain=True)
    assert "rude_staff" in df.loc[0, "causes"] and "rude_staff" in df.loc[1, "causes"]
    # the explanation names the clause that states it
    assert "rude_staff: «nhân viên không thân thiện»" in df.loc[1, "causes_evidence"]
    assert model.explain(review)["rude_staff"].clause == "nhân viên không thân thiện"


#: Function words that must never stand alone as evidence (the issue's list and their kin).
LONE_FUNCTION_WORDS = ["bảo", "đi", "nói", "thì", "mình là", "mình", "là", "mà", "thì mình", "bảo là", "có",
                       "được", "không", "cho", "với", "của", "đã", "rồi", "nữa", "lại", "ra", "vào", "này", "đó"]


def test_evidence_is_content_words_never_a_lone_function_word(model):
    assert all(all(w in FUNCTION_WORDS for w in phrase.split()) for phrase in LONE_FUNCTION_WORDS)
    texts = [e.text for e in load_corpus(split="test")[::4]]
    df = classify_feedback(texts, model=model, explain=True)
    phrases = [p.strip() for cell in df["sentiment_evidence"] for p in cell.split(";") if p.strip()]
    for cell in df["causes_evidence"]:
        for part in filter(None, cell.split(" | ")):
            inside = part.split("(", 1)[1].rstrip(")") if "(" in part else ""
            phrases += [p.strip() for p in inside.split(";") if p.strip()]
    assert len(phrases) > 1000
    lone = [p for p in phrases if p.lower() in LONE_FUNCTION_WORDS]
    assert not lone, lone[:20]


def test_explanations_name_phrases_from_the_comment(model):
    text = "Gọi tổng đài 5 lần, toàn gặp máy trả lời tự động, không gặp được người thật"
    df = classify_feedback([text], model=model, explain=True)
    assert "too_automated" in df.loc[0, "causes"]
    evidence = df.loc[0, "causes_evidence"]
    assert evidence.startswith(df.loc[0, "causes"].split(",")[0] + ":")
    explained = model.explain(text)
    phrases = [p for p, _ in explained["too_automated"]]
    assert any(p in text.lower() for p in phrases)
    assert all(w > 0 for _, w in explained["too_automated"])


def test_explanation_maps_folded_features_back_to_what_was_typed(model):
    text = "cho tong dai 40 phut ko ai nghe may"
    explained = model.explain(text)
    for phrases in explained.values():
        for phrase, _ in phrases:
            assert not phrase.startswith("~")
            assert phrase in "chờ " + text or phrase in text.replace("ko", "không")


def test_negated_praise_reads_as_a_complaint_and_is_explained_as_written(model):
    df = classify_feedback(["nhân viên rất không nhiệt tình", "Tôi rất không hài lòng"], model=model, explain=True)
    assert df["sentiment"].tolist() == ["negative", "negative"]
    explained = model.explain("nhân viên rất không nhiệt tình")
    phrases = [p for p, _ in explained["negative"]]
    assert "không nhiệt tình" in phrases  # the marked feature, read back with its negator
    assert not any("¬" in p for p in phrases)


def test_explanations_show_lexicon_terms_as_written(model):
    text = "SMBank chán thật sự, hủy thẻ luôn!"
    phrases = [p for p, _ in model.explain(text)["negative"]]
    assert not any(p.startswith("#") for p in phrases)  # never the feature's id
    assert any("chán" in p for p in phrases)


def test_model_files_from_before_negation_marking_load_unchanged(tmp_path):
    texts = ["không tốt", "chờ lâu không ai nghe", "không ngon", "tốt lắm", "rất ngon", "nhanh", "hỏi giờ mở cửa",
             "mấy giờ đóng cửa", "cho hỏi giá"]
    sentiments = ["neg"] * 3 + ["pos"] * 3 + ["neu"] * 3
    model = train_feedback_model(texts, sentiments=sentiments, min_df=1, negation_scope=0)
    save_model(model, tmp_path / "m")
    meta_path = tmp_path / "m" / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["vectorizer"]["params"]["negation_scope"]  # what a 2026.11.5 file holds
    for head in ("sentiment", "causes"):
        meta.get(head, {}).get("params", {}).pop("negation_scope", None)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    loaded = load_model(tmp_path / "m")
    assert loaded.vectorizer.negation_scope == 0
    pd.testing.assert_frame_equal(model.classify(texts), loaded.classify(texts))


def test_save_load_round_trip(tmp_path):
    texts = ["chờ lâu quá", "đợi 2 tiếng", "cho lau qua", "tốt lắm", "rất tốt", "tot lam", "hỏi giờ mở cửa", "giờ mở cửa?",
             "cho hoi gio mo cua"]
    model = train_feedback_model(texts, sentiments=["neg"] * 3 + ["pos"] * 3 + ["neu"] * 3,
                                 causes=[["wait"]] * 3 + [[]] * 6, min_df=1, manifest={"name": "tiny"})
    save_model(model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    pd.testing.assert_frame_equal(model.classify(texts), loaded.classify(texts))
    assert loaded.manifest["name"] == "tiny"


def test_model_files_cannot_run_code(tmp_path):
    # a pickled object array in the archive is refused, not unpickled
    target = tmp_path / "evil"
    save_model(load_model(), target)
    arrays = dict(np.load(target / "arrays.npz"))
    arrays["idf"] = np.array([object()], dtype=object)
    np.savez(target / "arrays.npz", **arrays)
    with pytest.raises(ModelFileError, match="array 'idf.npy' cannot be read: dtype object") as raised:
        load_model(target)
    assert "allow_pickle" not in str(raised.value)


def _edit_json(directory, edit):
    meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    edit(meta)
    (directory / "model.json").write_text(json.dumps(meta), encoding="utf-8")


def _edit_arrays(directory, **changes):
    arrays = dict(np.load(directory / "arrays.npz"))
    arrays.update(changes)
    np.savez(directory / "arrays.npz", **arrays)


def _forge_shape(directory):
    """causes_thresholds.npy whose header claims 40,000 × 100,000 floats (29.8 GiB) over 6 real ones."""
    import io
    import zipfile

    source = directory / "arrays.npz"
    members = {}
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (40_000, 100_000)})
    members["causes_thresholds.npy"] = header.getvalue() + np.full(6, 0.5).tobytes()
    with zipfile.ZipFile(source, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _empty_zip(directory):
    import zipfile

    zipfile.ZipFile(directory / "arrays.npz", "w").close()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "model.json").unlink(), "model.json not found"),
        (lambda d: (d / "model.json").write_text("{", encoding="utf-8"), "not valid UTF-8 JSON"),
        (lambda d: (d / "model.json").write_text(json.dumps({"format": "other/9"}), encoding="utf-8"),
         "format is 'other/9'"),
        # the archive itself (issue 15): none of these may reach numpy's advice to load unsafely
        (lambda d: (d / "arrays.npz").write_bytes(b""), "arrays.npz is not a NumPy .npz archive"),
        (lambda d: (d / "arrays.npz").write_bytes(b"PK\x03\x04 garbage" * 10), "is not a NumPy .npz archive"),
        (_empty_zip, "arrays.npz holds no arrays"),
        (_forge_shape, (r"'causes_thresholds.npy' cannot be read: its header declares shape \(40000, 100000\) "
                       r"\(32,000,000,000 bytes\) but it holds 48 bytes")),
        # values of the wrong kind, shape or range
        (lambda d: _edit_arrays(d, causes_thresholds=np.full(6, np.nan)), "thresholds must be 6 probabilities"),
        (lambda d: _edit_arrays(d, causes_thresholds=np.full(5, 0.5)), "thresholds must be 6 probabilities"),
        (lambda d: _edit_arrays(d, sentiment_calibration=np.full((3, 2), np.inf)),
         "the sentiment head's calibration holds NaN or infinite values"),
        (lambda d: _edit_arrays(d, causes_intercept=np.zeros(6, dtype=np.int64)),
         "the causes head's intercept must be a 1-D array of floats"),
        (lambda d: _edit_arrays(d, sentiment_coef=np.zeros((2, 3))), r"sentiment weights have shape \(2, 3\)"),
        (lambda d: _edit_arrays(d, idf=-np.load(d / "arrays.npz")["idf"]),
         "idf holds values that are not finite positive numbers"),
        (lambda d: _edit_json(d, lambda m: m["causes"].update(classes="wait_time")),
         "causes.classes must be a list of distinct label names; got 'wait_time'"),
        (lambda d: _edit_json(d, lambda m: m["vectorizer"].update(vocabulary={"a": 1})),
         "vocabulary must be a list of strings"),
        (lambda d: _edit_json(d, lambda m: m.pop("causes_name")), "lacks 'causes_name'"),
        (lambda d: _edit_json(d, lambda m: m["causes"].update(classes=m["causes"]["classes"][:5])),
         r"causes weights have shape \(6, (\d+)\), expected \(5, \1\)"),  # any model's feature count
    ],
)
def test_broken_model_folders_are_clear_errors(tmp_path, damage, message):
    import tracemalloc

    target = tmp_path / "m"
    save_model(load_model(), target)
    damage(target)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=message) as raised:
            load_model(target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "allow_pickle" not in str(raised.value)
    assert peak < 500 * 2**20  # headers are checked before anything is allocated


def test_retraining_reproduces_the_shipped_predictions(model):
    from nlp.default_model import build_default_model

    rebuilt, _ = build_default_model()
    sample = [e.text for e in load_corpus(split="test")[::5]]
    shipped = model.classify(sample)
    again = rebuilt.classify(sample)
    assert shipped["sentiment"].tolist() == again["sentiment"].tolist()
    assert shipped["causes"].tolist() == again["causes"].tolist()
    np.testing.assert_allclose(shipped["p_unresolved"], again["p_unresolved"], atol=1e-6)


def test_default_model_path_is_in_the_repository_or_the_package():
    assert (default_model_path() / "model.json").is_file()


def test_a_batch_without_any_usable_comment(model):
    df = classify_feedback(["", None, "   "], model=model, explain=True)
    assert df["text_status"].tolist() == ["empty", "empty", "empty"]
    assert df["causes"].tolist() == ["", "", ""]
    assert len(classify_feedback([], model=model)) == 0


def test_a_single_string_is_refused_not_split_into_characters(model):
    with pytest.raises(TypeError, match="not a single string"):
        classify_feedback("chờ lâu quá", model=model)


def test_saving_onto_a_file_is_refused_and_the_file_kept(tmp_path, model):
    target = tmp_path / "comments.csv"
    target.write_text("text\nổn\n", encoding="utf-8")
    with pytest.raises(ModelFileError, match="is a file"):
        save_model(model, target)
    assert target.read_text(encoding="utf-8") == "text\nổn\n"
