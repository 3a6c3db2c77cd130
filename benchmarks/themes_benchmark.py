"""Themes (nlp.themes.find_themes): are they real groups, and are they fast on 100k comments?

1. The labelled check. The corpus (``nlp.corpus.load_corpus``) has no theme labels for the comments
   that carry no cause, so its ``domain`` column (bank, hotel, education … 15 domains) stands in for
   one: comments about the same kind of service should land in the same themes more often than
   chance. On the corpus's negative comments without a cause (coded by people), the themes are
   scored against the domains by adjusted mutual information (AMI: 0 is chance, 1 a perfect
   match) and purity (the share of comments whose theme's most common domain is theirs), next to
   the same theme sizes dealt at random (mean of 20 shuffles). Once with ``k="auto"``, once with
   ``k=15`` (as many themes as domains).
2. Speed. 100,000 comments drawn with replacement (seed 0) from the whole corpus, as written
   (diacritics, no diacritics and teencode, 24 words on average), grouped with ``k="auto"`` (every k
   from 5 to 15 tried on a 10,000-comment sample, then the chosen k fitted on all) on one core
   (BLAS and OpenMP threads set to 1 before NumPy loads). Prints wall and CPU seconds and the
   process's peak resident memory. Target: under 60 s wall and under 2 GiB.

Usage: ``python benchmarks/themes_benchmark.py [--size 100000] [--seed 0]``. About a minute.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 60.0
TARGET_MIB = 2048


def purity(themes: list[int], domains: list[str]) -> float:
    by_theme: dict[int, Counter[str]] = {}
    for theme, domain in zip(themes, domains):
        by_theme.setdefault(theme, Counter())[domain] += 1
    return sum(counts.most_common(1)[0][1] for counts in by_theme.values()) / len(themes)


def labelled_check(seed: int) -> None:
    import numpy as np
    from sklearn.metrics import adjusted_mutual_info_score

    from nlp.corpus import load_corpus
    from nlp.themes import find_themes

    rows = [r for r in load_corpus() if r.sentiment == "negative" and not r.causes]
    texts = [r.text for r in rows]
    print(f"labelled check: {len(rows)} negative comments without a cause, {len({r.domain for r in rows})} domains")
    print(f"{'k':>6}  {'AMI':>6}  {'AMI random':>10}  {'purity':>6}  {'purity random':>13}  themed")
    for k in ("auto", 15):
        result = find_themes(texts, k, seed=seed)  # type: ignore[arg-type]
        pairs = [(a, r.domain) for a, r in zip(result.assignments, rows) if a is not None]
        themes = [a for a, _ in pairs]
        domains = [d for _, d in pairs]
        ami = adjusted_mutual_info_score(domains, themes)
        rng = np.random.default_rng(seed)
        shuffled = [list(rng.permutation(themes)) for _ in range(20)]
        ami_random = float(np.mean([adjusted_mutual_info_score(domains, s) for s in shuffled]))
        purity_random = float(np.mean([purity(s, domains) for s in shuffled]))
        shown = f"{k} → {result.k}" if k == "auto" else str(k)
        print(f"{shown:>6}  {ami:6.3f}  {ami_random:10.3f}  {purity(themes, domains):6.3f}  {purity_random:13.3f}  "
              f"{len(themes)}/{len(rows)}")
        if k == "auto":
            print("  coherence per k: " + ", ".join(f"{key}: {value:.3f}" for key, value in result.k_scores.items()))
            for theme in result.themes:
                top = Counter(d for a, d in pairs if a == theme.number).most_common(2)
                print(f"  {theme.number:>2}. {theme.label:<40} {theme.count:>5}  {', '.join(f'{d} {n}' for d, n in top)}")


def speed(size: int, seed: int) -> None:
    import numpy as np

    from nlp.corpus import load_corpus
    from nlp.themes import find_themes

    corpus = [r.text for r in load_corpus()]
    picked = np.random.default_rng(seed).integers(0, len(corpus), size)
    texts = [corpus[i] for i in picked]
    words = sum(len(t.split()) for t in texts) / len(texts)
    start, cpu = time.perf_counter(), time.process_time()
    result = find_themes(texts, "auto", seed=seed)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    ok = seconds < TARGET_SECONDS and peak < TARGET_MIB
    print(f"\nspeed: {size:,} comments ({words:.1f} words on average), k auto → {result.k}, one core")
    print(f"  {seconds:.1f} s wall ({cpu:.1f} s CPU), peak RSS {peak:.0f} MiB; target < {TARGET_SECONDS:.0f} s and < {TARGET_MIB} MiB: "
          f"{'met' if ok else 'NOT MET'}")
    for theme in result.themes[:5]:
        print(f"  {theme.number:>2}. {theme.label:<40} {theme.count:>6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-check", action="store_true", help="Only the speed run.")
    args = parser.parse_args()
    if not args.skip_check:
        labelled_check(args.seed)
    speed(args.size, args.seed)


if __name__ == "__main__":
    main()
