"""Pure display helpers: index rows, metrics rows and predictions -> table rows, text and the values
gr.HighlightedText takes. No Gradio, no I/O: unit-tested in tests/app/test_render.py."""
from __future__ import annotations

import html
from pathlib import Path

from app import strings as S

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac",
           "#e15759"]
PREDICATE_COLOR = "#333333"  # an SRL sentence's given verb: dark, apart from the argument colours
QA_COLORS = {"predicted": "#f28e2b", "gold": "#59a14f", "predicted = gold": "#4e79a7"}


def task_label(task: str | None) -> str:
    """A preset or hub id as is; an uploaded file by its name, not its storage path."""
    if not task:
        return ""
    return Path(task).name if ("/" in task and Path(task).suffix) or task.startswith("/") else task


def seconds(value: float | None) -> str:
    if value is None:
        return ""
    value = int(round(value))
    if value < 60:
        return f"{value}s"
    if value < 3600:
        return f"{value // 60}m {value % 60:02d}s"
    return f"{value // 3600}h {value % 3600 // 60:02d}m"


def number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def main_metric(rows: list[dict], name: str | None = None) -> str | None:
    """The dev metric to plot: the run's own (from the index once finished), else accuracy, else F1."""
    keys = {k for row in rows for k in row if k.startswith("dev_")}
    if name and f"dev_{name}" in keys:
        return name
    for candidate in ("accuracy", "f1", "exact"):
        if f"dev_{candidate}" in keys:
            return candidate
    return sorted(keys)[0][4:] if keys else name


def progress(status: dict, rows: list[dict]) -> tuple[float, str]:
    """-> (fraction done, 'step 12 / 400 · about 3m 10s left') from status.json and metrics rows."""
    step, total = status.get("step") or 0, status.get("total_steps") or 0
    if status.get("status") == "finished":
        return 1.0, S.PROGRESS.format(step=step, total=total or step)
    if not total:
        return 0.0, ""
    text = S.PROGRESS.format(step=step, total=total)
    timed = [r for r in rows if r.get("elapsed") is not None and r.get("step")]
    if status.get("status") == "running" and len(timed) >= 2 and timed[-1]["step"] > timed[0]["step"]:
        rate = (timed[-1]["elapsed"] - timed[0]["elapsed"]) / (timed[-1]["step"] - timed[0]["step"])
        text += S.ETA.format(eta=seconds(rate * max(total - step, 0)))
    return min(step / total, 1.0), text


def progress_html(fraction: float, text: str, status: str) -> str:
    return (f'<div class="lab-progress lab-{html.escape(status)}"><div class="lab-bar" '
            f'style="width:{100 * fraction:.1f}%"></div></div><div class="lab-progress-text">{html.escape(text)}</div>')


def status_text(row: dict, queue_position: int | None = None) -> str:
    if row["status"] == "queued" and queue_position:
        return S.QUEUED_AT.format(position=queue_position)
    return row["status"]


def queue_positions(index: list[dict]) -> dict[str, int]:
    """Queued run id -> its place in the queue (oldest first, as the job manager starts them)."""
    queued = sorted((r for r in index if r["status"] == "queued"), key=lambda r: r["created"])
    return {r["id"]: i + 1 for i, r in enumerate(queued)}


def best_text(row: dict) -> str:
    """The best dev metric, and what it means: the test metric when a test split exists, else the last
    checkpoint's dev metric beside it (the best one chose itself, so it is optimistic)."""
    if row.get("best_metric") is None:
        return ""
    text = f"{row.get('metric_name') or 'metric'} {row['best_metric']:.3f}"
    if row.get("test_metric") is not None:
        return text + S.TEST_METRIC.format(value=row["test_metric"])
    if row.get("last_metric") is not None:
        return text + S.LAST_METRIC.format(value=row["last_metric"])
    return text


def runs_table(index: list[dict]) -> list[list]:
    """Index rows (newest first) -> the Runs table."""
    places = queue_positions(index)
    table = []
    for row in index:
        total = row.get("total_steps")
        table.append([row["id"], status_text(row, places.get(row["id"])), task_label(row["task"]), row["backbone"],
                      row["method"], f"{row.get('step') or 0}/{total}" if total else "", row.get("share") or "",
                      best_text(row), seconds(row.get("wall_time")), row.get("error") or ""])
    return table


def run_choice(row: dict) -> tuple[str, str]:
    """(label, value) for run pickers."""
    return f"{row['id']} · {task_label(row['task'])} · {row['backbone']}", row["id"]


def share_percent(row: dict) -> str:
    if row.get("trainable") is None or not row.get("total"):
        return (row.get("share") or "").split("%")[0]
    return f"{100 * row['trainable'] / row['total']:.2f}"


def compare_table(index_rows: list[dict]) -> list[list]:
    return [[r["id"], task_label(r["task"]), r["backbone"], r["method"], r["status"], share_percent(r),
             best_text(r), seconds(r.get("wall_time")),
             f"{r['peak_memory_mb']:.0f} MB" if r.get("peak_memory_mb") else ""] for r in index_rows]


MEAN_MAIN = "mean_main"  # a multi-task run's metric (core/multitask.py): the mean of its tasks' main metrics


def task_curves(label: str, rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """A multi-task run's metrics rows as one series per task, each task's dev metrics under their plain
    names (dev_ner/f1 -> dev_f1), so they overlay with single-task runs; the loss stays on the first.
    Any other run: [(label, rows)]."""
    if not any(f"dev_{MEAN_MAIN}" in row for row in rows):
        return [(label, rows)]
    tasks = sorted({k[4:].split("/", 1)[0] for r in rows for k in r if k.startswith("dev_") and "/" in k})
    series = []
    for i, task in enumerate(tasks):
        prefix = f"dev_{task}/"
        series.append((f"{label} · {task}", [{"step": r["step"], "loss": r.get("loss") if i == 0 else None,
                                              **{"dev_" + k[len(prefix):]: v for k, v in r.items()
                                                 if k.startswith(prefix)}} for r in rows]))
    return series


def task_rows(row: dict, final: dict) -> list[dict]:
    """A finished multi-task run's index row followed by one row per task (its own best metric); any other
    run: [row]."""
    per_task = final.get("per_task") or {}
    return [row] + [{**row, "id": f"{row['id']} · {key}", "task": info.get("task") or key,
                     "metric_name": info.get("metric_name"), "best_metric": info.get("best_metric"),
                     "test_metric": info.get("test_metric"), "last_metric": info.get("last_metric")}
                    for key, info in per_task.items()]


def multitask_markdown(pairs: list[tuple[str, dict, dict]]) -> str:
    """Compare's "multi-task vs single-task" table: for each chosen multi-task run's task, its metric beside
    the single-task run of the same task (pairs: (run id, final.json, {task key: single run row or None}))."""
    if not pairs:
        return ""
    lines = [S.MULTITASK_COMPARED, "", "| task | multi-task run | its metric | single-task run | its metric |",
             "|---|---|---|---|---|"]
    for run_id, final, singles in pairs:
        for key, info in (final.get("per_task") or {}).items():
            single = singles.get(key)
            lines.append(f"| {key} | {run_id} | {info.get('metric_name')} {number(info.get('best_metric'))} | "
                         + (f"{single['id']} | {single.get('metric_name')} {number(single.get('best_metric'))} |"
                            if single else f"{S.NO_SINGLE_TASK} | |"))
    return "\n".join(lines)


def relations_markdown(runs: list[tuple[str, dict]]) -> str:
    """Compare's per-relation table for probing runs: P@1 per relation (rows) and run (columns), then the
    macro average; "" when no chosen run has per-relation results."""
    runs = [(name, final.get("dev") or {}) for name, final in runs]
    runs = [(name, dev) for name, dev in runs if any(k.startswith("p@1/") for k in dev)]
    if not runs:
        return ""
    relations = sorted({k.split("/", 1)[1] for _, dev in runs for k in dev if k.startswith("p@1/")})
    lines = [S.RELATIONS_COMPARED, "", "| relation | " + " | ".join(name for name, _ in runs) + " |",
             "|---|" + "---|" * len(runs)]
    for relation in relations:
        lines.append(f"| {relation} | " + " | ".join(number(dev.get(f"p@1/{relation}")) for _, dev in runs) + " |")
    lines.append("| **macro** | " + " | ".join(f"**{number(dev.get('p@1'))}**" for _, dev in runs) + " |")
    return "\n".join(lines)


# -- predictions ---------------------------------------------------------------------------
def tag_colors(labels) -> dict[str, str]:
    """Entity type -> colour, stable for a label set (B-PER and I-PER share PER's colour); an SRL
    predicate has its own (B-A0 and I-A0 share A0's, and AM-TMP is one type)."""
    kinds = {label.split("-", 1)[-1] for label in labels if label and label != "O"}
    colors = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(sorted(kinds - {"V"}))}
    return {**colors, S.PREDICATE: PREDICATE_COLOR} if "V" in kinds else colors


def tag_values(row: dict) -> tuple[dict, dict]:
    """A tagging display row -> (predicted, gold) values for gr.HighlightedText. An SRL row shows its
    argument spans and the given predicate, marked as such, in both."""
    if "predicate_span" in row:
        predicate = [{"entity": S.PREDICATE, **row["predicate_span"]}]
        return ({"text": row["text"], "entities": row["arguments"] + predicate},
                {"text": row["text"], "entities": (row.get("gold_arguments") or []) + predicate})
    return ({"text": row["text"], "entities": row["entities"]},
            {"text": row["text"], "entities": row.get("gold_entities") or []})


def tag_table_html(row: dict, colors: dict[str, str]) -> str:
    """Tokens with their gold and predicted tags; wrong tokens marked."""
    errors = set(row.get("errors") or [])
    gold = row.get("gold") or [""] * len(row["tokens"])

    def cell(tag: str) -> str:
        color = colors.get(tag.split("-", 1)[-1], "transparent") if tag and tag != "O" else "transparent"
        return f'<td><span class="lab-tag" style="background:{color}">{html.escape(tag)}</span></td>'
    head = "".join(f"<th>{h}</th>" for h in S.TAG_TABLE_HEAD)
    predicate = row.get("predicate")
    body = "".join(f'<tr class="{"lab-wrong" if i in errors else ""}"><td>'
                   f'{f"<b>{html.escape(token)}</b> ({S.PREDICATE})" if i == predicate else html.escape(token)}'
                   f'{" ✗" if i in errors else ""}</td>{cell(g)}{cell(p)}</tr>'
                   for i, (token, g, p) in enumerate(zip(row["tokens"], gold, row["predicted"])))
    return f'<table class="lab-tags"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def qa_segments(row: dict) -> list[tuple[str, str | None]]:
    """Passage -> [(text, None | 'predicted' | 'gold' | 'predicted = gold')]: non-overlapping pieces,
    because HighlightedText cannot draw two overlapping spans."""
    context = row["context"]
    marks = [set() for _ in context]
    for entity in row.get("entities") or []:
        for i in range(max(entity["start"], 0), min(entity["end"], len(context))):
            marks[i].add(entity["entity"])
    segments: list[tuple[str, str | None]] = []
    for char, mark in zip(context, marks):
        label = "predicted = gold" if len(mark) == 2 else (next(iter(mark)) if mark else None)
        if segments and segments[-1][1] == label:
            segments[-1] = (segments[-1][0] + char, label)
        else:
            segments.append((char, label))
    return segments


def example_choice(i: int, text: str, correct: bool | None, width: int = 70) -> tuple[str, int]:
    mark = "" if correct is None else ("✓ " if correct else "✗ ")
    text = text if len(text) <= width else text[:width - 1] + "…"
    return f"#{i} {mark}{text}", i


def is_correct(row: dict) -> bool | None:
    if "correct" in row:
        return row["correct"]
    return not row.get("errors") if row.get("gold") is not None else None


def pick_examples(predictions: list[dict], only_errors: bool) -> list[tuple[str, int]]:
    choices = []
    for i, row in enumerate(predictions):
        correct = is_correct(row)
        if only_errors and correct is not False:
            continue
        text = row.get("question") or row.get("text") or ""
        if row.get("predicate") is not None:  # SRL: one sentence per predicate, so name it first
            text = f"[{row['tokens'][row['predicate']]}] {text}"
        choices.append(example_choice(i, text, correct))
    return choices



# -- generations ---------------------------------------------------------------------------
GEN_SORT_KEYS = {"bleu-desc": ("bleu", True), "bleu-asc": ("bleu", False), "rougeL-desc": ("rougeL", True),
                 "rougeL-asc": ("rougeL", False)}


def fact_rows(predictions: list[dict], only_errors: bool, top: int = 5) -> list[list]:
    """Inspect's facts table: the top predicted objects beside the gold one, per fact."""
    rows = []
    for i, row in enumerate(predictions):
        if only_errors and row.get("correct"):
            continue
        guesses = " · ".join(f"{word} ({p:.2f})" for word, p in row.get("top", [])[:top])
        ok = S.DROPPED if row.get("dropped") else ("✓" if row.get("correct") else "✗")
        rows.append([i, row["subject"], row["relation"], row.get("gold") or "", guesses, row.get("rank") or "", ok])
    return rows


def relation_rows(final: dict) -> list[list]:
    """One row per relation: its template, P@1 / P@10 / MRR on dev, facts scored and dropped, and why."""
    dev, report = final.get("dev") or {}, final.get("data_report") or {}
    relations = sorted({key.split("/", 1)[1] for key in dev if key.startswith("kept/")} | set(report))
    rows = []
    for relation in relations:
        info = report.get(relation, {})
        dropped = (info.get("dev") or {}).get("dropped") or {}
        why = "; ".join([f"{n} {reason}" for reason, n in dropped.items()] + ([info["note"]] if info.get("note") else []))
        rows.append([relation, (info.get("template") or "").replace("{text}", "[X]").replace("{mask}", "[Y]"),
                     number(dev.get(f"p@1/{relation}")), number(dev.get(f"p@10/{relation}")),
                     number(dev.get(f"mrr/{relation}")), int(dev.get(f"kept/{relation}", 0)),
                     int(dev.get(f"dropped/{relation}", 0)), why])
    return rows


def references_text(references: list[str]) -> str:
    """One reference per line, numbered when there are several."""
    if len(references) == 1:
        return references[0]
    return "\n".join(f"{i}. {text}" for i, text in enumerate(references, 1))


def score(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def generation_rows(predictions: list[dict], sort: str | None = "order") -> list[list]:
    """Generation display rows -> [#, input, generated, references, BLEU, ROUGE-L], in dev order or sorted
    by a per-input score (`GEN_SORT_KEYS`); inputs without references (no score) stay last either way."""
    order = list(range(len(predictions)))
    if sort in GEN_SORT_KEYS:
        key, descending = GEN_SORT_KEYS[sort]
        scored = [i for i in order if predictions[i].get(key) is not None]
        scored.sort(key=lambda i: predictions[i][key], reverse=descending)  # stable: ties keep dev order
        order = scored + [i for i in order if predictions[i].get(key) is None]
    return [[i, predictions[i]["input"], predictions[i]["generated"], references_text(predictions[i]["references"]),
             score(predictions[i].get("bleu")), score(predictions[i].get("rougeL"))] for i in order]


def generation_detail(row: dict) -> str:
    """One dev input in full (Markdown): input, generated text, references, its scores."""
    refs = "\n".join(f"{i}. {html.escape(text)}" for i, text in enumerate(row["references"], 1)) or "—"
    scores = (S.GEN_SCORES.format(bleu=number(row.get("bleu")), rougeL=number(row.get("rougeL")))
              if row.get("bleu") is not None else "")
    return S.GEN_DETAIL.format(input=html.escape(row["input"]), generated=html.escape(row["generated"]) or "—",
                               references=refs, scores=scores)


def tracker_text(info: dict) -> str:
    """A run's trackers (core.api.tracker_dashboard): the command that opens each dashboard, and the
    errors of trackers that stopped (the run went on without them); '' when it reports to none."""
    lines = [S.TRACKER_DASHBOARD.format(command=command) for command in info.get("commands", [])]
    lines += [S.TRACKER_ERROR.format(error=error) for error in info.get("errors", [])]
    return "\n\n".join(lines)


def splits_text(final: dict) -> str:
    """final.json's further dev splits (e.g. table-to-text's unseen categories), one line; '' without any."""
    splits = final.get("splits") or {}
    if not splits:
        return ""
    main = final.get("metric_name")
    parts = []
    for name, metrics in splits.items():
        keys = sorted(metrics, key=lambda k: (k != main, k))  # the run's own metric first
        parts.append(S.SPLIT.format(name=name, metrics=" · ".join(f"{k} {number(metrics[k])}" for k in keys)))
    return S.SPLITS.format(splits="; ".join(parts))


def sample_text(final: dict) -> str:
    """What eval_sample meant for a run: checkpoints chosen on the first N dev inputs; '' when it was not used."""
    sample = final.get("dev_sample")
    metric = final.get("metric_name")
    if not sample or metric not in sample:
        return ""
    return S.DEV_SAMPLE.format(n=sample["examples"], metric=metric, value=number(sample[metric]))


# -- deciding (Compare's Pareto view, config diff and environment) ---------------------------------
PATH_FIELDS = ("task", "tasks", "init_from")  # config fields that may hold a server path: shown by name


def count_text(value: float | None) -> str:
    """A parameter count, short: 950, 12.3K, 22.7M, 1.2B."""
    if value is None:
        return ""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:.0f}"


def cost_text(cost: str, value: float | None) -> str:
    """A run's cost as Compare writes it: trainable parameters, wall time or peak memory."""
    if value is None:
        return ""
    return {"trainable": count_text, "wall_time": seconds, "peak_memory_mb": lambda v: f"{v:.0f} MB"}[cost](value)


def config_value(field: str, value) -> str:
    """A config value for the diff table: an uploaded file or run folder by its name, never its server path."""
    from core.compare import shown  # pure, torch-free
    if field in PATH_FIELDS:
        value = [task_label(v) for v in value] if isinstance(value, list) else task_label(value)
    return shown(value)


def left_out_text(left_out: list[tuple[str, str]]) -> str:
    """The runs the Pareto view could not place, with why; '' when every run is on it."""
    if not left_out:
        return ""
    return S.PARETO_LEFT_OUT.format(runs="; ".join(f"`{run_id}` ({why})" for run_id, why in left_out))
