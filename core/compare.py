"""Deciding between runs: which are worth their cost (the Pareto front), how their settings differ, and
whether they ran with the same libraries and device. Pure functions over index rows, configs and final.json's
`environment` (core/versions.py); no torch, no files.

Like PEFT's method-comparison app, a run is a point (cost, metric); a run is on the front when no other run
of the same task and metric is at least as good on both and better on one. Runs of different tasks or
metrics are never on one front: an F1 on NER and an accuracy on sentiment are not comparable.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence

# the costs a run can be judged by: index/final.json key -> what it is
COSTS = {"trainable": "trainable parameters", "wall_time": "wall time (s)", "peak_memory_mb": "peak memory (MB)"}
# config fields that say where a run was written, not what it did
NOT_SETTINGS = ("out",)
# final.json's environment keys, in the order Compare shows them
ENVIRONMENT = ("python", "torch", "transformers", "peft", "accelerate", "lab_commit", "device", "bf16", "precision")
NOT_RECORDED = "not recorded"
UNSET = "—"


def pareto_front(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the (cost, metric) points that no other point dominates (cost no higher and metric no lower,
    one of them strictly), ordered by rising cost. Equal points are all kept: neither beats the other."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    front, last = [], None  # last: the front's latest (cost, metric); its metric is the best so far
    for i in order:
        if last is None or points[i][1] > last[1] or tuple(points[i]) == last:
            front.append(i)
            last = tuple(points[i])
    return front


def frontiers(rows: list[dict], cost: str) -> tuple[list[dict], list[tuple[str, str]]]:
    """Index rows -> (one group per task and metric: {"task", "metric_name", "runs" (rows), "front" (indices
    into runs, by rising cost)}, the runs left out with why). A run needs its best metric and this cost."""
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(COSTS)}, got {cost!r}")
    groups: dict[tuple, dict] = {}
    left_out = []
    for row in rows:
        if row.get("best_metric") is None:
            left_out.append((row["id"], "no best metric yet" if row.get("status") != "finished" else "no metric"))
        elif not math.isfinite(row["best_metric"]):
            left_out.append((row["id"], "its metric is not a number"))
        elif row.get(cost) is None:
            left_out.append((row["id"], f"no {COSTS[cost]} recorded"))
        else:
            key = (row.get("task"), row.get("metric_name"))
            groups.setdefault(key, {"task": key[0], "metric_name": key[1], "runs": []})["runs"].append(row)
    for group in groups.values():
        group["front"] = pareto_front([(float(r[cost]), float(r["best_metric"])) for r in group["runs"]])
    return list(groups.values()), left_out


def shown(value) -> str:
    """A config value as one short line: lists and mappings as compact JSON, unset as a dash."""
    if value is None:
        return UNSET
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
    return str(value)


def config_diff(configs: Sequence[tuple[str, dict]], show=lambda field, value: shown(value)) -> list[list[str]]:
    """[(run id, config.yaml mapping)] -> one row per setting whose value differs between the runs:
    [field, value in run 1, value in run 2, ...], in the configs' own field order; values are compared as
    they are and written by `show(field, value)`. A field one run lacks (a run from an older lab) counts as
    unset. Where a run was written (`out`) is not a setting."""
    fields = list(dict.fromkeys(k for _, config in configs for k in config if k not in NOT_SETTINGS))
    rows = []
    for field in fields:
        values = [config.get(field) for _, config in configs]
        if len({json.dumps(v, sort_keys=True, default=str) for v in values}) > 1:
            rows.append([field, *(show(field, v) for v in values)])
    return rows


def environment_rows(runs: Sequence[tuple[str, dict]]) -> list[list[str]]:
    """[(run id, final.json)] -> [what, value in run 1, ...] for each environment key any run recorded
    (all of ENVIRONMENT when none did); a run from before the lab recorded them shows "not recorded"."""
    envs = [final.get("environment") if isinstance(final.get("environment"), dict) else None for _, final in runs]
    keys = [k for k in ENVIRONMENT if any(env and k in env for env in envs)] or list(ENVIRONMENT)
    return [[key, *(NOT_RECORDED if env is None else environment_value(key, env.get(key)) for env in envs)]
            for key in keys]


def environment_value(key: str, value) -> str:
    if value is None:
        return "unknown"
    if key == "lab_commit":
        return str(value)[:10]
    if key == "bf16":
        return "yes" if value else "no"
    return str(value)


def version_warnings(runs: Sequence[tuple[str, dict]]) -> list[str]:
    """[(run id, final.json)] -> one sentence per environment key the runs recorded differently ("runs ran
    with different transformers versions: 5.23.0 (a, b) vs 5.24.0 (c)"), and one naming the runs that
    recorded nothing, since they may differ unseen. [] for fewer than two runs."""
    if len(runs) < 2:
        return []
    recorded = [(run_id, final["environment"]) for run_id, final in runs if isinstance(final.get("environment"), dict)]
    warnings = []
    for key in ENVIRONMENT:
        by_value: dict[str, list[str]] = {}
        for run_id, env in recorded:
            if env.get(key) is not None:
                by_value.setdefault(environment_value(key, env[key]), []).append(run_id)
        if len(by_value) > 1:
            values = " vs ".join(f"{value} ({', '.join(ids)})" for value, ids in by_value.items())
            warnings.append(f"runs ran with {DIFFERENT[key]}: {values}")
    missing = [run_id for run_id, final in runs if not isinstance(final.get("environment"), dict)]
    if missing and recorded:
        warnings.append(f"{', '.join(missing)} recorded no versions (trained before the lab recorded them), "
                        "so they may have run with other libraries or another device")
    return warnings


DIFFERENT = {"python": "different Python versions", "torch": "different torch versions",
             "transformers": "different transformers versions", "peft": "different peft versions",
             "accelerate": "different accelerate versions", "lab_commit": "different lab commits",
             "device": "different devices (time and memory are not comparable)",
             "bf16": "devices with and without native bf16", "precision": "different mixed precision"}
