"""Few-shot SuperGLUE as the P-tuning paper ran it, on the FewGLUE files in ../shared/data/fewglue
(32 training examples; the 32 `dev32` examples both choose the checkpoint and are reported on, as
the lab marks), and an official-format SQuAD JSON file written the way the tests write theirs.

    python bench/fewglue.py                                   # RTE and CB on smollm2-135m, 3 seeds
    python bench/fewglue.py --tasks RTE --backbone smollm2-135m --seeds 1 2 3 --squad-steps 60
    python bench/fewglue.py --budget "--max-steps 12 --batch-size 8"        # what fits a 2-core CPU in ~30 min

Prints, per task: every hand-written template zero-shot (manual-prompt, epochs 0), then p-tuning and
p-tuning-v2 at the family's defaults, as the mean and spread over seeds. Each figure comes from the
same command line a user types (core.cli), whose commands are printed first.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import cli  # noqa: E402
from core.data import load_task  # noqa: E402

FEWGLUE = ROOT.parent / "shared" / "data" / "fewglue"


def run(argv: list[str]) -> dict:
    """core.cli.main on argv; -> the last JSON line it prints (the final metrics or the seeds summary)."""
    print("  $ python -m core.train " + shlex.join(argv), file=sys.stderr, flush=True)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(argv)
    if code:
        raise SystemExit(f"failed ({code}): {' '.join(argv)}")
    return json.loads(out.getvalue().strip().splitlines()[-1])


def squad_file(folder: Path) -> Path:
    """An official-format SQuAD v1.1 JSON file (articles > paragraphs > qas), written like the tests'."""
    people = [("Ada", "London", "1815"), ("Alan", "Maida Vale", "1912"), ("Grace", "New York", "1906"),
              ("Katherine", "White Sulphur Springs", "1918"), ("Edsger", "Rotterdam", "1930"),
              ("Barbara", "New York", "1939"), ("Claude", "Petoskey", "1916"), ("John", "Budapest", "1903")]
    data = []
    for n, (name, city, year) in enumerate(people * 8):
        context = f"{name} was born in {city} in {year}. {name} later worked on early computers."
        qas = [{"id": f"{n}-where", "question": f"Where was {name} born?",
                "answers": [{"text": city, "answer_start": context.index(city)}]},
               {"id": f"{n}-when", "question": f"In which year was {name} born?",
                "answers": [{"text": year, "answer_start": context.index(year)}]}]
        data.append({"title": f"{name} {n}", "paragraphs": [{"context": context, "qas": qas}]})
    path = folder / "squad-v1.1.json"
    path.write_text(json.dumps({"version": "1.1", "data": data}))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", default=["RTE", "CB"])
    parser.add_argument("--backbone", default="smollm2-135m")
    parser.add_argument("--seeds", nargs="+", default=["1", "2", "3"])
    parser.add_argument("--methods", nargs="+", default=["p-tuning", "p-tuning-v2"])
    parser.add_argument("--squad-steps", type=int, default=60, help="0 skips the SQuAD JSON runs")
    parser.add_argument("--budget", default="", help="extra settings for the trained runs, e.g. '--max-steps 12 "
                        "--batch-size 8' (the default: the family's defaults, 10 epochs of 32 examples)")
    args = parser.parse_args()
    out = tempfile.mkdtemp(prefix="fewglue-runs-")
    common = ["--backbone", args.backbone, "--quiet", "--out", out]
    rows = []
    for name in args.tasks:
        folder = str(FEWGLUE / name)
        task = load_task(folder)
        for i, template in enumerate(task.templates):
            final = run(["--task", folder, "--method", "manual-prompt", "--epochs", "0", "--template", str(i), *common])
            rows.append((name, f"manual-prompt zero-shot: {template['name']}", f"{final['best_metric']:.3f}"))
        for method in args.methods:
            summary = run(["--task", folder, "--method", method, "--seeds", *args.seeds, *shlex.split(args.budget),
                           *common])
            best = summary["best"]
            rows.append((name, f"{method} ({len(args.seeds)} seeds{', ' + args.budget if args.budget else ''})",
                         f"{best['mean']:.3f} ± {best['std']:.3f} (min {best['min']:.3f}, max {best['max']:.3f})"))
    if args.squad_steps:
        path = squad_file(Path(out))
        for method in ("fine-tuning", "p-tuning-v2"):
            final = run(["--task", str(path), "--method", method, "--backbone", "minilm-l6", "--max-steps",
                         str(args.squad_steps), "--quiet", "--out", out])
            rows.append(("SQuAD v1.1 JSON", f"{method} on minilm-l6, {args.squad_steps} steps",
                         f"F1 {final['best_metric']:.3f} (EM {final['dev'].get('exact', float('nan')):.3f})"))
    print("| task | run | dev32 accuracy (SQuAD: dev F1) |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
