"""Several seeds: one configuration repeated over seeds, and the mean and spread of its metric.

Few-shot results move by many points between seeds (the P-tuning and PET papers report spreads),
so the CLI (`--seeds 1 2 3`) and the web lab (the Seeds box) run a configuration once per seed, and
Compare groups runs that differ only in their seed.
"""
from __future__ import annotations

import statistics

import yaml

from core.config import ConfigError, RunConfig

MAX_SEEDS = 20


def parse_seeds(text) -> list[int]:
    """'1, 2, 3' (or a list) -> [1, 2, 3]; distinct whole numbers, at most MAX_SEEDS."""
    items = text if isinstance(text, (list, tuple)) else str(text or "").replace(",", " ").split()
    try:
        seeds = [int(item) for item in items]
    except (TypeError, ValueError):
        raise ConfigError(f"seeds must be whole numbers such as '1, 2, 3', got {text!r}") from None
    if len(set(seeds)) != len(seeds) or not 1 <= len(seeds) <= MAX_SEEDS:
        raise ConfigError(f"seeds must be 1 to {MAX_SEEDS} different whole numbers, got {text!r}")
    return seeds


def over_seeds(config: RunConfig, seeds: list[int]) -> list[RunConfig]:
    return [config.replace(seed=seed) for seed in seeds]  # RunConfig checks each seed's range


def spread(values: list[float]) -> dict:
    """Mean and sample standard deviation (0 for one value), with the extremes."""
    return {"n": len(values), "mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0, "min": min(values), "max": max(values)}


def same_but_seed(config: dict) -> str:
    """What runs must share to count as one configuration over seeds."""
    return yaml.safe_dump({k: v for k, v in config.items() if k not in ("seed", "out")}, sort_keys=True)


def seed_groups(runs: list[tuple[dict, dict]]) -> list[dict]:
    """[(index row, config)] -> one entry per configuration run with 2 or more seeds:
    {"runs", "seeds", "metric_name", "best" (spread of the best dev metric), "test" (spread, if any)}."""
    groups: dict[str, list] = {}
    for row, config in runs:
        if row.get("best_metric") is not None:
            groups.setdefault(same_but_seed(config), []).append((row, config))
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        tests = [row["test_metric"] for row, _ in members if row.get("test_metric") is not None]
        out.append({"runs": [row["id"] for row, _ in members], "seeds": [config["seed"] for _, config in members],
                    "metric_name": members[0][0].get("metric_name"), "method": members[0][0].get("method"),
                    "best": spread([row["best_metric"] for row, _ in members]),
                    "test": spread(tests) if len(tests) == len(members) else None})
    return out
