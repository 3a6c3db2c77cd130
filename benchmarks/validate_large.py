"""Validate a generated 5,000-touchpoint journey file (YAML and JSON), before and after issue 15.

Printed side by side, in one run and on the same files:

- before: how ``cx validate`` read a journey file until issue 15, reproduced here: PyYAML's
  pure-Python ``SafeLoader`` composes the node tree and constructs the data, and a recursive walk
  of the tree records the line of every key (for JSON: ``json.loads``, then the same YAML compose
  and walk for the lines); then the same validation;
- now: :func:`journeymap.load_journey` (libyaml's C parser, read as a flat event stream; JSON lines
  found only when a problem needs them).

Usage: ``python benchmarks/validate_large.py [--touchpoints 5000] [--repeat 3]`` (it measures the
``journeymap`` that Python imports, printed first: from a checkout, run it with ``PYTHONPATH=.``).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

import journeymap
from journeymap import load_journey
from journeymap._parse import Document
from journeymap.validation import validate_journey_data


def journey_data(n: int, *, seed: int = 7) -> dict[str, Any]:
    """A journey file's data with ``n`` touchpoints, each annotated as real ones are."""
    rng = random.Random(seed)
    stages = [f"Giai đoạn {i + 1}" for i in range(10)]
    names = ["Đăng ký", "Xác thực", "Thanh toán", "Gọi tổng đài", "Chờ xử lý", "Nhận kết quả", "Khiếu nại"]
    touchpoints = [
        {
            "id": f"tp_{i:04d}",
            "name": f"{rng.choice(names)} bước {i}",
            "stage": stages[i * len(stages) // n],
            "channel": rng.choice(["app", "web", "phone", "branch"]),
            "ces": rng.randint(1, 7),
            "emotion": rng.randint(-2, 2),
            "experience": rng.sample(["sense", "feel", "think", "act", "relate"], 2),
            "pain_points": ["Chờ lâu", "Mã OTP đến chậm"],
            "metrics": {"csat": rng.randint(50, 95), "nps": rng.randint(-20, 60)},
        }
        for i in range(n)
    ]
    transitions = [{"from": f"tp_{i:04d}", "to": f"tp_{i + 1:04d}", "volume": rng.randint(100, 5000)} for i in range(n - 1)]
    return {"journey": f"Hành trình {n} điểm chạm", "stages": stages, "touchpoints": touchpoints, "transitions": transitions}


def load_before(path: Path) -> None:
    """The reading path of ``cx validate`` before issue 15 (pure-Python PyYAML, node tree, recursive walk)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".json":
        document = Document(json.loads(text))
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    else:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            document = Document(loader.construct_document(node))
        finally:
            loader.dispose()
    _walk(node, (), document)
    validate_journey_data(document.data, document=document, source=str(path))


def _walk(node: yaml.Node, path: tuple[Hashable, ...], document: Document) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            document.lines[(*path, key_node.value)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key_node.value), document)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            document.lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), document)


def best_of(repeat: int, run: Any) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touchpoints", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = journey_data(args.touchpoints)
    print(f"journeymap from {Path(journeymap.__file__).parent}; libyaml C parser available: {yaml.__with_libyaml__}")
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "YAML": Path(folder) / "large.yaml",
            "JSON": Path(folder) / "large.json",
        }
        files["YAML"].write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files["JSON"].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        for kind, path in files.items():
            size = path.stat().st_size / 2**20
            before = best_of(args.repeat, lambda p=path: load_before(p))
            now = best_of(args.repeat, lambda p=path: load_journey(p))
            print(
                f"{kind} {args.touchpoints:,} touchpoints ({size:.1f} MB): before {before:.2f} s, "
                f"now {now:.2f} s ({before / now:.1f}x faster; best of {args.repeat})"
            )


if __name__ == "__main__":
    main()
