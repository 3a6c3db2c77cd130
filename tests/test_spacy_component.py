from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

spacy = pytest.importorskip("spacy")

from nlp.errors import ModelFileError
from nlp.labels import CAUSES, SENTIMENTS
from nlp.model import classify_feedback, default_model_path, train_feedback_model
from nlp.persist import save_model
from nlp.spacy_component import FeedbackComponent, feedback_pipeline

SENTIMENT_IDS = [s.id for s in SENTIMENTS]
CAUSE_IDS = [c.id for c in CAUSES]
TWO_CAUSES = "Chờ 2 tiếng mà nhân viên còn quát khách 😡"
TEXTS = [
    TWO_CAUSES,
    "Nhân viên hỗ trợ nhiệt tình, cảm ơn chị!",
    "ko ai nghe máy, gọi 5 lần rồi 😤",
    "",
    "Cho hỏi chi nhánh Quận 1 mở cửa mấy giờ ạ?",
    "123",
    "app toan bot tra loi, muon gap nguoi that ma ko duoc",
]
REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pipeline() -> spacy.Language:
    return feedback_pipeline()


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sentiment-only model with other labels than the shipped one."""
    model = train_feedback_model(
        ["chờ lâu quá", "đợi 2 tiếng", "cho lau qua", "tốt", "rất tốt", "tot lam"],
        sentiments=["chê", "chê", "chê", "khen", "khen", "khen"], min_df=1,
    )
    return save_model(model, tmp_path_factory.mktemp("tiny") / "model")


def test_cats_have_one_score_per_sentiment_label_and_cause(pipeline: spacy.Language) -> None:
    doc = pipeline(TWO_CAUSES)
    assert list(doc.cats) == SENTIMENT_IDS + CAUSE_IDS
    assert all(isinstance(score, float) and 0.0 <= score <= 1.0 for score in doc.cats.values())


def test_sentiment_scores_sum_to_one_and_the_top_one_is_the_label(pipeline: spacy.Language) -> None:
    for doc in pipeline.pipe(TEXTS):
        if doc._.text_status == "ok":
            scores = {label: doc.cats[label] for label in SENTIMENT_IDS}
            assert sum(scores.values()) == pytest.approx(1.0)
            assert doc._.sentiment == max(scores, key=scores.get)


def test_pipe_gives_the_cats_of_one_by_one_and_of_classify_feedback(pipeline: spacy.Language) -> None:
    piped = list(pipeline.pipe(TEXTS, batch_size=2))
    single = [pipeline(text) for text in TEXTS]
    table = classify_feedback(TEXTS, model=pipeline.get_pipe("cx_feedback").model)
    for doc, alone, (_, row) in zip(piped, single, table.iterrows()):
        assert doc.cats == pytest.approx(alone.cats)
        assert (doc._.sentiment, doc._.causes, doc._.text_status) == (alone._.sentiment, alone._.causes,
                                                                     alone._.text_status)
        assert doc._.text_status == row["text_status"]
        if row["text_status"] != "ok":
            continue
        assert doc._.sentiment == row["sentiment"]
        assert doc.cats[row["sentiment"]] == pytest.approx(row["sentiment_confidence"])
        assert ",".join(doc._.causes) == row["causes"]
        assert [doc.cats[c] for c in CAUSE_IDS] == pytest.approx([row[f"p_{c}"] for c in CAUSE_IDS])


def test_pipe_classifies_each_batch_in_one_call(pipeline: spacy.Language, monkeypatch: pytest.MonkeyPatch) -> None:
    model = pipeline.get_pipe("cx_feedback").model
    sizes: list[int] = []
    predict = model.predict
    monkeypatch.setattr(model, "predict", lambda texts: sizes.append(len(texts)) or predict(texts))
    docs = list(pipeline.pipe(TEXTS, batch_size=3))
    assert len(docs) == len(TEXTS)
    assert sizes == [3, 3, 1]  # one model call per batch of 3 docs (the model itself skips "" and "123")


def test_a_two_cause_complaint_gets_both_causes(pipeline: spacy.Language) -> None:
    doc = pipeline(TWO_CAUSES)
    assert doc._.sentiment == "negative"
    assert doc._.causes == ("wait_time", "rude_staff")


def test_a_positive_comment_has_no_causes(pipeline: spacy.Language) -> None:
    doc = pipeline("Nhân viên hỗ trợ nhiệt tình, cảm ơn chị!")
    assert (doc._.sentiment, doc._.causes) == ("positive", ())


@pytest.mark.parametrize(("text", "status"), [("", "empty"), ("   ", "empty"), ("123 !!", "not_text")])
def test_empty_or_non_text_docs_are_left_unclassified(pipeline: spacy.Language, text: str, status: str) -> None:
    doc = pipeline(text)
    assert (doc.cats, doc._.sentiment, doc._.causes, doc._.text_status) == ({}, None, (), status)


def test_a_batch_without_any_text_does_not_crash(pipeline: spacy.Language) -> None:
    docs = list(pipeline.pipe(["", "  ", "???"], batch_size=2))
    assert [doc._.text_status for doc in docs] == ["empty", "empty", "not_text"]
    assert all(doc.cats == {} for doc in docs)


def test_bad_batch_size_names_the_component_and_value(pipeline: spacy.Language) -> None:
    with pytest.raises(ValueError, match=r"'cx_feedback': batch_size must be an integer >= 1; got 0"):
        list(pipeline.get_pipe("cx_feedback").pipe([pipeline.make_doc("tốt")], batch_size=0))


def test_a_model_path_loads_that_model(tiny_model_dir: Path) -> None:
    for model in (tiny_model_dir, str(tiny_model_dir)):
        doc = feedback_pipeline(model)("đợi lâu quá")
        assert set(doc.cats) == {"chê", "khen"}
        assert (doc._.sentiment, doc._.causes) == ("chê", ())


def test_the_factory_works_on_a_blank_pipeline_with_a_path() -> None:
    pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    pipeline.add_pipe("cx_feedback", config={"model": str(default_model_path())})
    assert pipeline(TWO_CAUSES)._.causes == ("wait_time", "rude_staff")


def test_a_missing_model_folder_is_named() -> None:
    pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    with pytest.raises(ModelFileError, match="no-such-model"):
        pipeline.add_pipe("cx_feedback", config={"model": "no-such-model"})


def test_overlapping_sentiment_and_cause_labels_are_refused() -> None:
    model = SimpleNamespace(sentiment_labels=["wait", "ok"], cause_labels=["rude", "wait"])
    with pytest.raises(ValueError, match=r"overlap \(\['wait'\]\)"):
        FeedbackComponent(model)  # type: ignore[arg-type]


@pytest.mark.parametrize("use_path", [False, True])
def test_a_saved_pipeline_loads_back(tmp_path: Path, tiny_model_dir: Path, use_path: bool) -> None:
    pipeline = feedback_pipeline(tiny_model_dir if use_path else None)
    pipeline.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.config["components"]["cx_feedback"]["model"] == (str(tiny_model_dir) if use_path else None)
    before, after = pipeline("chờ lâu quá"), loaded("chờ lâu quá")
    assert after.cats == pytest.approx(before.cats)
    assert (after._.sentiment, after._.causes) == (before._.sentiment, before._.causes)


def test_spacy_finds_the_factory_through_the_entry_point(tmp_path: Path) -> None:
    """With cx-vn's entry point installed, spaCy registers cx_feedback without the import.

    The entry point is read from pyproject.toml and installed as a stand-in distribution in
    tmp_path. The same run checks that ``import nlp`` does not import spaCy, and that the entry
    point, which every new spaCy pipeline loads, does not import the model code (scikit-learn).
    """
    tomllib = pytest.importorskip("tomllib")
    pyproject = REPOSITORY / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip(f"{pyproject} not found: the test reads the entry point from the repository")
    factories = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["entry-points"]["spacy_factories"]
    info = tmp_path / "cx_vn_entry_point_check-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cx-vn-entry-point-check\nVersion: 0\n")
    (info / "entry_points.txt").write_text(
        "[spacy_factories]\n" + "".join(f"{name} = {target}\n" for name, target in factories.items())
    )
    script = textwrap.dedent(
        """
        import sys
        import nlp
        assert "spacy" not in sys.modules, "import nlp imported spaCy"
        import spacy
        assert "nlp.spacy_component" not in sys.modules
        pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
        assert "nlp.model" not in sys.modules and "sklearn" not in sys.modules, "the entry point is heavy"
        print(spacy.registry.factories.get("cx_feedback").__module__)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPOSITORY)])}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nlp.spacy_component"
