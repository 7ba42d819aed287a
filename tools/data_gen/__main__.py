"""Regenerate every preset dataset: ``python -m tools.data_gen [--out DIR] [--only NAME]``.

Writes <out>/<preset>/train.jsonl and dev.jsonl, plus any further split a builder returns
(table-to-text's dev_unseen.jsonl); default out: the repository's presets/data. Output is
deterministic, so rerunning on an unchanged generator reproduces the committed files byte for byte.
"""

import argparse
from collections import Counter
from pathlib import Path

from . import facts, ner, nli, qa, qa_v2, sentiment, srl, summarization, table_to_text
from .jsonl import write_jsonl

BUILDERS = {"sentiment": sentiment.build, "nli": nli.build, "ner": ner.build, "qa": qa.build,
            "qa-v2": qa_v2.build, "table-to-text": table_to_text.build,
            "summarization": summarization.build, "srl": srl.build, "facts": facts.build}
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "presets" / "data"


def _summary(rows: list[dict]) -> str:
    if rows and "label" in rows[0]:
        return ", ".join(f"{k}={v}" for k, v in sorted(Counter(r["label"] for r in rows).items()))
    if rows and "is_impossible" in rows[0]:
        return f"impossible={sum(r['is_impossible'] for r in rows)}"
    if rows and isinstance(rows[0].get("output"), list):  # generation: {"input", "output": [references]}
        counts = [len(r["output"]) for r in rows]
        return f"references={sum(counts)} ({min(counts)}-{max(counts)} per input)"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", choices=sorted(BUILDERS), action="append")
    args = parser.parse_args()
    for name in args.only or BUILDERS:
        for split, rows in BUILDERS[name]().items():
            path = args.out / name / f"{split}.jsonl"
            write_jsonl(path, rows)
            print(f"{name:13s} {split:10s} {len(rows):5d}  {_summary(rows)}  -> {path}")


if __name__ == "__main__":
    main()
