"""What to label next: the learning curve of ``cx sample``'s strategies against random sampling.

On the project's corpus (:func:`nlp.corpus.load_corpus`): the train split (12,480 comments) is the
pool a researcher would label from, with its labels standing in for the researcher's; the test split
(2,907 comments) scores every model. For each seed:

1. 100 comments of the pool, drawn at random, are labelled first (the seed set; the same for every
   strategy with that seed);
2. a model is trained on the labels so far (:func:`nlp.model.train_feedback_model`, with
   ``clauses=False`` so a run takes seconds; a cause with fewer than 2 examples so far is left out
   of the model, and counts as never predicted);
3. the strategy picks the next comments from the rest of the pool (:func:`nlp.sampling.choose`
   with that model; ``random``: a simple random sample, drawn without the model) until the labels
   reach 200, then 400, then 800; at each of these sizes the model trained on them is scored on the
   test split: sentiment macro-F1 (3 labels) and cause macro-F1 (the 6 causes, each scored as
   present/absent).

Printed side by side: per size, each strategy's mean ± standard deviation over the seeds, and the
difference of each strategy with random. Takes about 5 minutes with the defaults on 2 cores.

Usage: ``python benchmarks/sampling_benchmark.py [--seeds 0 1 2] [--sizes 200 400 800]
[--strategies random uncertainty+diversity uncertainty]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

import numpy as np


def _fit(texts: list[str], sentiments: list[str], causes: list[tuple[str, ...]]):  # -> FeedbackModel
    from nlp.model import train_feedback_model

    n = len(texts)
    counts: dict[str, int] = {}
    for row in causes:
        for label in row:
            counts[label] = counts.get(label, 0) + 1
    known = sorted(label for label, k in counts.items() if 2 <= k <= n - 2)
    kept = [tuple(c for c in row if c in known) for row in causes]
    return train_feedback_model(texts, sentiments=sentiments, causes=kept if known else None,
                                cause_labels=known or None, clauses=False, random_state=0)


def _score(model, texts: list[str], sentiments: list[str], causes: list[tuple[str, ...]],
           all_causes: Sequence[str]) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    predicted = model.classify(texts)
    sentiment = f1_score(sentiments, predicted["sentiment"].tolist(), average="macro",
                         labels=sorted(set(sentiments)), zero_division=0.0)
    if "causes" in predicted.columns:
        on = [set(str(v).split(",")) for v in predicted["causes"]]
    else:  # no cause had 2 examples yet: the model predicts none
        on = [set() for _ in texts]
    gold = np.array([[c in row for c in all_causes] for row in causes], dtype=int)
    pred = np.array([[c in row for c in all_causes] for row in on], dtype=int)
    return float(sentiment), float(f1_score(gold, pred, average="macro", zero_division=0.0))


def _curve(strategy: str, seed: int, sizes: Sequence[int], start: int, pool: list, test: list,
           all_causes: Sequence[str]) -> dict[int, tuple[float, float]]:
    from nlp.sampling import choose

    texts = [e.text for e in pool]
    rng = np.random.default_rng(seed)
    labelled = [int(i) for i in rng.choice(len(pool), size=start, replace=False)]
    scores: dict[int, tuple[float, float]] = {}
    test_texts = [e.text for e in test]
    test_sentiments = [e.sentiment for e in test]
    test_causes = [e.causes for e in test]
    for size in sizes:
        model = _fit([texts[i] for i in labelled], [pool[i].sentiment for i in labelled],
                     [pool[i].causes for i in labelled])
        need = size - len(labelled)
        if need > 0:
            if strategy == "random":
                rest = np.setdiff1d(np.arange(len(pool)), labelled)
                labelled += [int(i) for i in np.random.default_rng([seed, size]).choice(rest, need, replace=False)]
            else:
                picked = choose(model, texts, need, strategy=strategy, seed=seed, exclude=labelled)
                labelled += picked.positions
            model = _fit([texts[i] for i in labelled], [pool[i].sentiment for i in labelled],
                         [pool[i].causes for i in labelled])
        scores[size] = _score(model, test_texts, test_sentiments, test_causes, all_causes)
    return scores


def _cell(values: list[float]) -> str:
    mean = statistics.fmean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.3f} ± {spread:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 400, 800])
    parser.add_argument("--start", type=int, default=100, help="the random seed set labelled first")
    parser.add_argument("--strategies", nargs="+", default=["random", "uncertainty+diversity", "uncertainty"])
    args = parser.parse_args(argv)

    from nlp.corpus import load_corpus
    from nlp.labels import CAUSES

    pool, test = load_corpus(split="train"), load_corpus(split="test")
    all_causes = [c.id for c in CAUSES]
    sizes = sorted(args.sizes)
    print(f"pool: corpus train split, {len(pool):,} comments; scored on the test split, {len(test):,} comments")
    print(f"seed set {args.start} random comments; seeds {args.seeds}; model: train_feedback_model(clauses=False)")
    began = time.perf_counter()
    results: dict[str, dict[int, list[tuple[float, float]]]] = {}
    for strategy in args.strategies:
        results[strategy] = {size: [] for size in sizes}
        for seed in args.seeds:
            clock = time.perf_counter()
            for size, score in _curve(strategy, seed, sizes, args.start, pool, test, all_causes).items():
                results[strategy][size].append(score)
            print(f"  {strategy}, seed {seed}: {time.perf_counter() - clock:.0f} s", flush=True)
    print()
    for k, name in enumerate(("sentiment macro-F1", "cause macro-F1")):
        print(f"{name} on the test split (mean ± standard deviation over {len(args.seeds)} seeds)")
        header = ["labels", *args.strategies]
        if "random" in args.strategies:
            header += [f"{s} − random" for s in args.strategies if s != "random"]
        rows = []
        for size in sizes:
            row = [str(size)] + [_cell([s[k] for s in results[st][size]]) for st in args.strategies]
            if "random" in args.strategies:
                for st in args.strategies:
                    if st != "random":
                        gaps = [a[k] - b[k] for a, b in zip(results[st][size], results["random"][size])]
                        row.append(f"{statistics.fmean(gaps):+.3f}")
            rows.append(row)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        print()
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
