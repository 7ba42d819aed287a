"""Studies: a group of ordinary runs the lab plans, queues, watches and plots as one thing.

A study is a base config plus a grid (every combination) and/or a list of variants, times seeds:

    name: prompt-length
    base: {task: sentiment, backbone: minilm-l6, method: p-tuning-v2}
    grid: {prompt_length: [4, 8, 16, 32, 64], lr: [5e-3, 1e-2]}
    variants: [{method: p-tuning-v2}, {method: prefix-tuning}]   # optional, crossed with the grid
                              # (a variant's `label` names it on the plot; it is not a config field)
    seeds: [1, 2, 3]
    x: prompt_length          # the ablation plot's x axis (default: the first grid field)
    modes: {quick: {max_steps: 60, max_train_examples: 200}, full: {}}   # overrides per mode
    budget: {quick: "12 min on a 2-core CPU", full: "a GPU, about 1 h"}

    python -m core.study --config presets/studies/prompt-length.yaml --mode quick

Every point becomes a plain run through the job manager (one worker process per run), so a study
survives restarts exactly as runs do: `resume` queues again only the points whose run is missing,
failed, aborted or interrupted, never one that finished or is still queued or running.

runs/studies/<id>/study.yaml   the spec as given (and the mode it runs in): the truth
runs/studies/<id>/points.json  one entry per point: its changes, its seed, its run id (when queued)
runs/<run>/.study             which study a run belongs to; the index's `study` column mirrors it
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import secrets
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core.config import ConfigError, RunConfig
from core.runs import ACTIVE, NoSuchRun, RunStore, _read_json, _write_json

STUDIES = "studies"  # the folder inside the runs folder
STUDY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
MODES = ("quick", "full")
MAX_POINTS = 500  # a typo such as a 100-value grid crossed with another is refused, not queued
FIELDS = {f.name for f in dataclasses.fields(RunConfig)}
LABEL = "label"  # a variant's name on the plot and in the table, e.g. "from nli's prompt"
PRESETS = Path(__file__).resolve().parent.parent / "presets" / "studies"


class NoSuchStudy(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such study"


@dataclass
class StudySpec:
    """What a study runs; validated once, with messages that name the key at fault."""
    name: str
    base: dict
    grid: dict = field(default_factory=dict)
    variants: list = field(default_factory=list)
    seeds: list = field(default_factory=list)
    x: str | None = None
    modes: dict = field(default_factory=dict)
    description: str = ""
    budget: dict = field(default_factory=dict)

    def __post_init__(self):
        def need(ok: bool, message: str):
            if not ok:
                raise ConfigError(f"study: {message}")
        need(isinstance(self.name, str) and self.name.strip() != "", "name must be a non-empty text")
        need(isinstance(self.base, dict), "base must be a mapping of RunConfig fields")
        need(isinstance(self.grid, dict), "grid must map RunConfig fields to lists of values")
        need(isinstance(self.variants, list) and all(isinstance(v, dict) for v in self.variants),
             "variants must be a list of mappings of RunConfig fields")
        need(isinstance(self.modes, dict) and all(isinstance(m, dict) for m in self.modes.values()),
             "modes must map a mode name (quick, full) to RunConfig fields it overrides")
        for where, keys in [("base", self.base), ("grid", self.grid), *[(f"variants[{i}]", v) for i, v in
                                                                       enumerate(self.variants)],
                            *[(f"modes.{m}", {k: v for k, v in o.items() if k not in ("grid", "variants", "seeds")})
                              for m, o in self.modes.items()]]:
            unknown = sorted(set(keys) - FIELDS - ({LABEL} if where.startswith("variants") else set()))
            need(not unknown, f"{where} names unknown config fields {', '.join(map(str, unknown))} "
                              f"(known: {', '.join(sorted(FIELDS))})")
        for key, values in self.grid.items():
            need(isinstance(values, list) and values, f"grid.{key} must be a non-empty list of values")
            need(len({json.dumps(v, sort_keys=True) for v in values}) == len(values), f"grid.{key} repeats a value")
        need("out" not in self.base and "out" not in self.grid, "out is the lab's runs folder, not a study setting")
        need("seed" not in self.grid, "sweep seeds with `seeds: [...]`, not in the grid")
        if not self.seeds:
            self.seeds = [self.base.get("seed", 42)]
        need(isinstance(self.seeds, list) and all(isinstance(s, int) and not isinstance(s, bool) for s in self.seeds)
             and len(set(self.seeds)) == len(self.seeds), "seeds must be a list of different whole numbers")
        swept = list(self.grid) + [k for v in self.variants for k in v if k not in self.grid]
        self.x = self.x or (swept[0] if swept else None)
        need(self.x is None or self.x in swept, f"x must be a swept field ({', '.join(swept) or 'none'}), "
                                                f"got {self.x!r}")
        for mode in self.modes or [None]:
            planned = len(self.for_mode(mode).points()) if mode else len(self.points())
            need(planned <= MAX_POINTS, f"{planned} runs planned{f' in mode {mode}' if mode else ''}, above "
                                        f"{MAX_POINTS}; sweep fewer values or seeds")

    @classmethod
    def from_dict(cls, data) -> "StudySpec":
        if not isinstance(data, dict):
            raise ConfigError("study: a study is a mapping with name, base, grid/variants and seeds")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"study: unknown keys {', '.join(map(str, unknown))} (known: {', '.join(sorted(known))})")
        return cls(**data)

    @classmethod
    def from_yaml(cls, text: str) -> "StudySpec":
        try:
            return cls.from_dict(yaml.safe_load(text))
        except yaml.YAMLError as error:
            raise ConfigError(f"study: not valid YAML ({error})") from None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def points(self) -> list[dict]:
        """Every (changes, seed) the study runs, in a stable order: grid x variants x seeds."""
        keys = list(self.grid)
        combos = [dict(zip(keys, values)) for values in itertools.product(*self.grid.values())] or [{}]
        variants = self.variants or [{}]
        return [{"changes": {**combo, **variant}, "seed": seed}
                for combo in combos for variant in variants for seed in self.seeds]

    def for_mode(self, mode: str | None) -> "StudySpec":
        """The study as run in `mode`: the mode's config fields over the base, and its `grid`, `variants`
        or `seeds` (a mode may sweep fewer values on a CPU) in place of the study's own."""
        if not self.modes:
            return self
        if mode not in self.modes:
            raise ConfigError(f"study: mode must be one of {', '.join(self.modes)}, got {mode!r}")
        overrides = dict(self.modes[mode])
        swept = {key: overrides.pop(key) for key in ("grid", "variants", "seeds") if key in overrides}
        grid = {**self.grid, **swept.get("grid", {})}
        return dataclasses.replace(self, base={**self.base, **overrides}, grid=grid,
                                   variants=swept.get("variants", self.variants),
                                   seeds=swept.get("seeds", self.seeds), modes={}, x=self.x)

    def config(self, changes: dict, seed: int, out: str) -> RunConfig:
        """One point's RunConfig: the base, then the point's changes (a mode is applied by `for_mode`)."""
        changes = {k: v for k, v in changes.items() if k != LABEL}
        return RunConfig.from_dict({**self.base, **changes, "seed": seed, "out": out})


def point_key(point: dict) -> str:
    return json.dumps({"changes": point["changes"], "seed": point["seed"]}, sort_keys=True)


def label(changes: dict, without: str | None = None) -> str:
    """'method=p-tuning-v2, task=ner': a point's changes but the x field (the plot's line name)."""
    return ", ".join(f"{k}={v}" for k, v in changes.items() if k != without) or "all"


class Study:
    def __init__(self, store: "StudyStore", study_id: str):
        self.store, self.id, self.path = store, study_id, store.root / study_id

    def spec(self) -> StudySpec:
        return StudySpec.from_dict(self.meta()["spec"])

    def meta(self) -> dict:
        data = yaml.safe_load((self.path / "study.yaml").read_text())
        if not isinstance(data, dict) or "spec" not in data:
            raise NoSuchStudy(f"study '{self.id}' has a damaged study.yaml")
        return data

    def plan(self) -> StudySpec:
        """The spec as this study runs it (its mode applied)."""
        return self.spec().for_mode(self.mode)

    @property
    def mode(self) -> str | None:
        return self.meta().get("mode")

    def owner(self) -> str | None:
        return self.meta().get("owner")

    def points(self) -> list[dict]:
        data = _read_json(self.path / "points.json", [])
        return data if isinstance(data, list) else []

    def save_points(self, points: list[dict]) -> None:
        _write_json(self.path / "points.json", points)


class StudyStore:
    """The studies of one runs folder: a folder each, listed from the folders (the truth)."""

    def __init__(self, runs: RunStore):
        self.runs = runs
        self.root = runs.root / STUDIES

    def create(self, spec: StudySpec, mode: str | None, owner: str | None = None) -> Study:
        plan = spec.for_mode(mode)  # refuses an unknown mode
        self.root.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9-]+", "-", spec.name).strip("-")[:40] or "study"
        while True:
            study = Study(self, f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}-{secrets.token_hex(2)}")
            try:
                study.path.mkdir()
                break
            except FileExistsError:
                continue
        (study.path / "study.yaml").write_text(yaml.safe_dump(
            {"spec": spec.to_dict(), "mode": mode, "owner": owner, "created": time.time()}, sort_keys=False))
        study.save_points([{**p, "run": None} for p in plan.points()])
        return study

    def get(self, study_id) -> Study:
        """A study by its id (a name, never a path)."""
        if not isinstance(study_id, str) or not STUDY_ID.fullmatch(study_id):
            raise NoSuchStudy(f"'{str(study_id)[:80]}' is not a study id")
        study = Study(self, study_id)
        if study.path.is_symlink() or not (study.path / "study.yaml").is_file():
            raise NoSuchStudy(f"no study '{study_id}' in this lab")
        return study

    def list(self, owner: str | None = None, shared: bool = False) -> list[Study]:
        """Newest first; on a shared lab only `owner`'s."""
        if not self.root.is_dir():
            return []
        studies = []
        for path in sorted(self.root.iterdir(), reverse=True):
            if STUDY_ID.fullmatch(path.name) and (path / "study.yaml").is_file() and not path.is_symlink():
                study = Study(self, path.name)
                try:
                    if not shared or study.owner() == owner:
                        studies.append(study)
                except (NoSuchStudy, yaml.YAMLError, OSError):
                    continue
        return studies


def launch(jobs, spec: StudySpec, mode: str | None = None, owner: str | None = None, check=None) -> Study:
    """Plan a study and queue every point. `check(config)` vets each config first (the web lab's
    visitor gate); every config is built and checked before anything is queued."""
    out, plan = str(jobs.store.root), spec.for_mode(mode)
    for point in plan.points():
        config = plan.config(point["changes"], point["seed"], out)
        if check:
            check(config)
    study = StudyStore(jobs.store).create(spec, mode, owner)
    resume(jobs, study)
    return study


def resume(jobs, study: Study) -> list[str]:
    """Queue every point whose run is missing, failed, aborted or interrupted. -> run ids queued now.
    points.json is written after each one, so a crash in between loses nothing and repeats nothing."""
    plan, owner = study.plan(), study.owner()
    points, queued = study.points(), []
    for point in points:
        if point.get("run"):
            try:
                status = jobs.store.row(point["run"])["status"]
            except NoSuchRun:
                status = None
            if status in (*ACTIVE, "finished"):
                continue
        config = plan.config(point["changes"], point["seed"], str(jobs.store.root))
        point["run"] = jobs.submit(config, owner=owner, study=study.id)
        queued.append(point["run"])
        study.save_points(points)
    return queued


def progress(store: RunStore, study: Study) -> dict:
    """Each point with its run's status and metric, and the counts per status."""
    rows = {row["id"]: row for row in store.list(study=study.id)}
    points, counts = [], {}
    for point in study.points():
        row = rows.get(point.get("run")) or {}
        status = row.get("status") or ("missing" if point.get("run") else "planned")
        counts[status] = counts.get(status, 0) + 1
        points.append({**point, "status": status, "metric": row.get("best_metric"), "error": row.get("error"),
                       "metric_name": row.get("metric_name"), "wall_time": row.get("wall_time"),
                       "trainable": row.get("trainable"), "share": row.get("share")})
    done = counts.get("finished", 0)
    return {"points": points, "counts": counts, "total": len(points), "finished": done,
            "complete": all(p["status"] not in (*ACTIVE, "planned") for p in points)}


def aggregate(points: list[dict], x: str | None) -> dict:
    """The ablation curve: one line per combination of the other changes, the main metric against x
    (mean and sample spread over seeds), and the best point (highest mean)."""
    groups: dict[tuple[str, str], dict] = {}
    for point in points:
        if point.get("status") != "finished" or point.get("metric") is None:
            continue
        line = label(point["changes"], x)
        value = point["changes"].get(x) if x else None
        key = (line, json.dumps(value, sort_keys=True))
        group = groups.setdefault(key, {"line": line, "x": value, "changes": point["changes"], "values": [],
                                        "runs": [], "metric_name": point.get("metric_name")})
        group["values"].append(point["metric"])
        group["runs"].append(point["run"])
    lines: dict[str, list[dict]] = {}
    for group in groups.values():
        values = group.pop("values")
        group.update(mean=statistics.fmean(values), std=statistics.stdev(values) if len(values) > 1 else 0.0,
                     n=len(values))
        lines.setdefault(group["line"], []).append(group)
    for members in lines.values():
        members.sort(key=lambda g: (not isinstance(g["x"], (int, float)), g["x"] if isinstance(g["x"], (int, float))
                                    else str(g["x"])))
    best = max(groups.values(), key=lambda g: g["mean"], default=None)
    return {"x": x, "lines": lines, "best": best}


def best_config(study: Study) -> RunConfig:
    """The best point as a plain run's config (the study's first seed, in the study's mode)."""
    plan = study.plan()
    summary = aggregate(progress(study.store.runs, study)["points"], plan.x)
    if summary["best"] is None:
        raise ConfigError("study: no finished run yet, so there is no best point to promote")
    return plan.config(summary["best"]["changes"], plan.seeds[0], str(study.store.runs.root))


def promote(jobs, study: Study, owner: str | None = None) -> str:
    """Queue the best point as a plain run (not part of the study). -> its run id."""
    return jobs.submit(best_config(study), owner=owner)


def ablation_figure(summary: dict, title: str = ""):
    """plotly: the main metric (%) against the swept value, a line per other setting, spread as error
    bars, the best point starred."""
    import plotly.graph_objects as go
    figure = go.Figure()
    for line, members in summary["lines"].items():
        figure.add_trace(go.Scatter(
            x=[str(g["x"]) if not isinstance(g["x"], (int, float)) else g["x"] for g in members],
            y=[100 * g["mean"] for g in members], mode="lines+markers", name=line,
            error_y={"type": "data", "array": [100 * g["std"] for g in members], "visible": True},
            customdata=[[g["n"], ", ".join(g["runs"])] for g in members],
            hovertemplate="%{x}: %{y:.1f} (n=%{customdata[0]})<br>%{customdata[1]}<extra>" + line + "</extra>"))
    best = summary["best"]
    if best is not None:
        figure.add_trace(go.Scatter(x=[best["x"] if isinstance(best["x"], (int, float)) else str(best["x"])],
                                    y=[100 * best["mean"]], mode="markers", name="best",
                                    marker={"symbol": "star", "size": 16, "color": "gold",
                                            "line": {"width": 1, "color": "black"}}))
    metric = (best or {}).get("metric_name") or "main metric"
    numeric = all(isinstance(g["x"], (int, float)) for m in summary["lines"].values() for g in m)
    figure.update_layout(title=title, xaxis_title=summary["x"] or "point", yaxis_title=f"dev {metric} (%)",
                         template="plotly_white", height=420, legend={"orientation": "h", "y": -0.2})
    if numeric and summary["x"] in ("prompt_length",):
        figure.update_xaxes(type="log", tickvals=sorted({g["x"] for m in summary["lines"].values() for g in m}))
    return figure


def table(progress_info: dict, spec: StudySpec) -> list[list]:
    """The runs' table: swept values, seed, run, status, metric (%)."""
    swept = list(dict.fromkeys(k for p in progress_info["points"] for k in p["changes"]))
    rows = []
    for p in progress_info["points"]:
        metric = p.get("metric")
        rows.append([*(str(p["changes"].get(k, "")) for k in swept), p["seed"], p.get("run") or "", p["status"],
                     f"{100 * metric:.1f}" if isinstance(metric, (int, float)) else ""])
    return [[*swept, "seed", "run", "status", "dev metric (%)"], *rows]


def study_presets() -> dict[str, StudySpec]:
    """presets/studies/*.yaml, by file name."""
    return {path.stem: StudySpec.from_yaml(path.read_text()) for path in sorted(PRESETS.glob("*.yaml"))}


def load_spec(name_or_path: str) -> StudySpec:
    """A shipped study preset by name, or a YAML file (the CLI)."""
    presets = {path.stem: path for path in PRESETS.glob("*.yaml")}
    if name_or_path in presets:
        return StudySpec.from_yaml(presets[name_or_path].read_text())
    path = Path(os.path.expanduser(name_or_path))
    if not path.is_file():
        raise ConfigError(f"study: '{name_or_path}' is neither a study preset ({', '.join(sorted(presets))}) "
                          "nor a YAML file")
    return StudySpec.from_yaml(path.read_text())
