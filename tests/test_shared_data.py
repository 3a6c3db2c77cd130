"""The quality targets on public Vietnamese sets in ../shared/data (evaluation only, never copied).

A user's fresh clone has no ../shared: these tests then skip, saying so.
"""

from pathlib import Path

import pytest

from nlp.persist import load_model
from nlp.train import evaluate_model, train_model_from_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"public evaluation sets not found at {SHARED}")


@needs_shared
def test_zero_shot_sentiment_on_real_bank_comments():
    evaluation = evaluate_model(load_model(), SHARED / "uts2017_bank" / "test.csv", text_column="text",
                                label_column="label")
    # measured 2026-11-23; see models/README.md. A drop below these is a regression.
    assert evaluation.single["accuracy"] >= 0.75
    assert evaluation.rows == 494


@needs_shared
def test_cx_train_on_uit_vsfc():
    model = train_model_from_table(SHARED / "uit_vsfc" / "train.csv", text_column="text", label_column="label")
    evaluation = evaluate_model(model, SHARED / "uit_vsfc" / "test.csv", text_column="text", label_column="label")
    # The linear model alone measures 0.895 (0.886 before negation marking; MaxEnt published: 0.879);
    # the sequence head closes the gap to the 0.90 target (next test). This guards the linear model.
    assert evaluation.single["weighted_f1"] >= 0.89


@needs_shared
@pytest.mark.slow
def test_cx_train_with_the_sequence_head_on_uit_vsfc_reaches_the_target():
    pytest.importorskip("torch", reason="the sequence head needs PyTorch (pip install 'cx-vn[neural]')")
    model = train_model_from_table(SHARED / "uit_vsfc" / "train.csv", text_column="text", label_column="label",
                                   sequence=True)
    evaluation = evaluate_model(model, SHARED / "uit_vsfc" / "test.csv", text_column="text", label_column="label")
    # The target. Measured 0.906 (0.902 before negation marking); see models/README.md.
    assert evaluation.single["weighted_f1"] >= 0.90
