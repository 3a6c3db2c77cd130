"""Render a generated 300-touchpoint journey to SVG; target under 2 s.

Printed side by side, in one run and on the same journey:

- ours: layout and edge routing in Python plus Graphviz drawing (``journey_to_dot`` + ``render_dot``);
- reference: Graphviz routing the same edges itself (same node positions, ``splines=true``),
  which is what a plain Graphviz-only renderer would do;
- reference: Graphviz ``dot`` laying out the whole graph itself (no stages or lanes).

Usage: ``python benchmarks/render_benchmark.py [--touchpoints 300] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import random
import re
import time

from journeymap import Journey, journey_to_dot
from journeymap.draw.render import render_dot

TARGET_SECONDS = 2.0


def generated_journey(n: int, *, stages: int = 10, seed: int = 7) -> Journey:
    """A journey shaped like real ones: mostly onward steps, some skips, loops, backstage work."""
    rng = random.Random(seed)
    names = ["Đăng ký", "Xác thực", "Thanh toán", "Gọi tổng đài", "Chờ xử lý", "Nhận kết quả", "Khiếu nại"]
    channels = ["app", "web", "phone", "branch", "chat", "email"]
    journey = Journey(f"Hành trình thử tải {n} điểm chạm", stages=[f"Giai đoạn {i + 1}" for i in range(stages)])
    ids = []
    for i in range(n):
        stage = journey.stages[min(stages - 1, i * stages // n)]
        tp = f"tp_{i:03d}"
        journey.add_touchpoint(
            tp,
            name=f"{rng.choice(names)} bước {i} “{rng.choice(channels)}”",
            stage=stage,
            channel=rng.choice(channels),
            lane="backstage" if rng.random() < 0.2 else "frontstage",
            ces=rng.randint(1, 7),
            drop_off=round(rng.random() * 0.3, 2) if rng.random() < 0.5 else None,
            emotion=rng.randint(-2, 2),
            experience=rng.sample(["sense", "feel", "think", "act", "relate"], rng.randint(1, 3)),
        )
        ids.append(tp)
    for i in range(n - 1):
        journey.add_transition(ids[i], ids[i + 1], volume=rng.randint(100, 5000))
        if rng.random() < 0.25 and i + 3 < n:
            journey.add_transition(ids[i], ids[i + rng.choice([2, 3])], volume=rng.randint(10, 500))
        if rng.random() < 0.08 and i > 3:
            journey.add_transition(ids[i], ids[i - rng.choice([1, 2, 3])], volume=rng.randint(10, 300))
        if rng.random() < 0.04:
            journey.add_transition(ids[i], ids[i], volume=rng.randint(10, 200))
    return journey


def timed(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touchpoints", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    journey = generated_journey(args.touchpoints)
    n_edges = journey.graph.number_of_edges()
    print(f"journey: {args.touchpoints} touchpoints, {n_edges} transitions, {len(journey.stages)} stages")

    ours, svg = timed(lambda: render_dot(journey_to_dot(journey), "svg", engine="bundled"), args.repeat)
    dot_source = journey_to_dot(journey)

    # Reference 1: same positions, Graphviz routes the edges (drop our routes and label positions).
    graphviz_routed = re.sub(r', pos="e,[^"]*"', "", dot_source)
    graphviz_routed = re.sub(r', lp="[^"]*"', "", graphviz_routed)
    graphviz_routed = graphviz_routed.replace("layout=nop2,", "layout=neato, splines=true, inputscale=72,")
    graphviz_routed = re.sub(r'pos="([0-9.]+),([0-9.]+)"', r'pos="\1,\2!"', graphviz_routed)
    ref_routed, _ = timed(lambda: render_dot(graphviz_routed, "svg", engine="bundled"), 1)

    # Reference 2: Graphviz dot lays out the plain graph by itself.
    plain = ["digraph g { rankdir=LR; node [shape=box];"]
    plain += [f'"{u}" -> "{v}";' for u, v in journey.graph.edges]
    plain.append("}")
    ref_dot, _ = timed(lambda: render_dot("\n".join(plain), "svg", engine="bundled"), 1)

    print(f"\n{'renderer':<58}{'seconds':>10}")
    print(f"{'ours: stage/lane grid + own edge routing, Graphviz draws':<58}{ours:>10.2f}")
    print(f"{'reference: same positions, Graphviz spline routing':<58}{ref_routed:>10.2f}")
    print(f"{'reference: Graphviz dot auto layout (no stages or lanes)':<58}{ref_dot:>10.2f}")
    print(f"\nSVG size: {len(svg) / 1e6:.1f} MB (best of {args.repeat})")
    verdict = "meets" if ours < TARGET_SECONDS else "MISSES"
    print(f"target: under {TARGET_SECONDS:.0f} s for {args.touchpoints} touchpoints → {verdict} ({ours:.2f} s)")


if __name__ == "__main__":
    main()
