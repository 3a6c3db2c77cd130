"""What the optional BiLSTM head costs and buys: UIT-VSFC, linear alone against linear + BiLSTM.

Trains one model with ``cx train``'s defaults plus ``sequence=True`` on ``../shared/data/uit_vsfc``'s
train split (about 2½ minutes on two cores), then prints side by side, for the linear head alone,
the BiLSTM alone and the average of both heads (what ``cx train --sequence`` ships):

* weighted F1, accuracy and macro-F1 on the test split (3,166 comments), against the 0.90 target;
* for the linear head and the average, comments per second classifying the first 10,000 training comments end to end with
  ``model.classify``, by wall time and CPU time (wall time above CPU time means other jobs shared
  the machine). PyTorch may use both cores for the BiLSTM; the linear part runs on one.

``--seeds 0 1 2`` repeats the training with other seeds to show how much the figures move.

Needs PyTorch (``pip install -e ".[neural]"``). Nothing is written into the repository.

Usage: ``python benchmarks/sequence_benchmark.py [--seeds 0 1 2]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
VSFC = REPOSITORY.parent / "shared" / "data" / "uit_vsfc"
TARGET = 0.90


def _rate(model, texts: list[str]) -> tuple[float, float]:
    model.classify(texts[:200])  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    model.classify(texts)
    return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    if not VSFC.is_dir():
        sys.exit(f"UIT-VSFC not found at {VSFC}: this benchmark needs ../shared/data beside the repository")
    import pandas as pd
    from sklearn.metrics import accuracy_score, f1_score

    from nlp.model import train_feedback_model

    train = pd.read_csv(VSFC / "train.csv")
    test = pd.read_csv(VSFC / "test.csv")
    speed_texts = train["text"].tolist()[:10_000]
    print(f"UIT-VSFC: train {len(train):,}, test {len(test):,}; speed on {len(speed_texts):,} comments")
    header = f"{'seed':>4}  {'model':<22}{'weighted-F1':>12}{'accuracy':>10}{'macro-F1':>10}{'/s wall':>10}{'/s CPU':>10}"
    rows = []
    for seed in args.seeds:
        started = time.perf_counter()
        model = train_feedback_model(train["text"].tolist(), sentiments=train["label"].tolist(), sequence=True,
                                     random_state=seed)
        minutes = (time.perf_counter() - started) / 60
        sequence = model.sequence

        def scored(name: str, predicted: Any, speed: str, seed: int = seed) -> str:
            scores = (f1_score(test["label"], predicted, average="weighted"), accuracy_score(test["label"], predicted),
                      f1_score(test["label"], predicted, average="macro"))
            return f"{seed:>4}  {name:<22}{scores[0]:>12.4f}{scores[1]:>10.4f}{scores[2]:>10.4f}{speed}"

        for name, head in (("linear", None), ("linear + BiLSTM", sequence)):
            model.sequence = head
            wall, cpu = _rate(model, speed_texts)
            rows.append(scored(name, model.classify(test["text"].tolist())["sentiment"], f"{wall:>10,.0f}{cpu:>10,.0f}"))
            if head is None:
                rows.append(scored("BiLSTM alone", sequence.predict(test["text"].tolist()), f"{'':>10}{'':>10}"))
        rows.append(f"      (trained in {minutes:.1f} min; BiLSTM kept epoch {sequence.best_epoch_}, "
                    f"held-out accuracy {sequence.validation_accuracy_:.3f})")
    print(header, *rows, sep="\n")
    print(f"target: weighted-F1 >= {TARGET:.2f} (published: MaxEnt 0.879, Bi-LSTM 0.920, PhoBERT 0.939)")


if __name__ == "__main__":
    main()
