"""Plotly figures from run data: live curves, overlaid curves, confusion matrix, template bars, Pareto view.

Inputs are plain rows (metrics.jsonl rows, index rows, score dicts); nothing here reads files.
"""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app import strings as S
from app.render import PALETTE, cost_text, task_label

LAYOUT = dict(template="plotly_white", margin=dict(l=50, r=20, t=40, b=40), height=340,
              legend=dict(orientation="h", yanchor="bottom", y=-0.35, x=0))


def curves(series: list[tuple[str, list[dict]]], metric: str | None) -> go.Figure:
    """Training loss and the dev metric against the step, one colour per run.
    series: [(run label, metrics rows)]; rows without a loss (the step-0 evaluation) only add dev points."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=(S.LOSS, S.DEV.format(metric=metric or "metric")),
                           horizontal_spacing=0.1)
    for i, (label, rows) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        losses = [(r["step"], r["loss"]) for r in rows if r.get("loss") is not None]
        devs = [(r["step"], r[f"dev_{metric}"]) for r in rows if r.get(f"dev_{metric}") is not None]
        figure.add_trace(go.Scatter(x=[s for s, _ in losses], y=[v for _, v in losses], name=label,
                                    legendgroup=label, mode="lines", line=dict(color=color)), row=1, col=1)
        figure.add_trace(go.Scatter(x=[s for s, _ in devs], y=[v for _, v in devs], name=label, legendgroup=label,
                                    showlegend=False, mode="lines+markers", line=dict(color=color)), row=1, col=2)
    figure.update_xaxes(title_text=S.STEP)
    figure.update_layout(**LAYOUT, showlegend=len(series) > 1)
    return figure


def confusion(matrix: list[list[int]], labels: list[str]) -> go.Figure:
    figure = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, colorscale="Blues", showscale=False,
                                  text=matrix, texttemplate="%{text}", hovertemplate="gold %{y}<br>predicted %{x}"
                                  "<br>%{z} examples<extra></extra>"))
    figure.update_layout(**{**LAYOUT, "height": 120 + 50 * len(labels)}, xaxis_title=S.PREDICTED,
                         yaxis_title=S.GOLD, yaxis_autorange="reversed")
    return figure


def template_bars(results: list[dict], chance: float | None = None) -> go.Figure:
    """One horizontal bar per template, in the order given (the preset's order keeps one-word
    variants next to each other); edited templates and the P-tuning run get their own colours."""
    colors = {S.KIND_ZERO_SHOT: PALETTE[0], S.KIND_EDITED: PALETTE[1], S.KIND_PTUNING: PALETTE[2]}
    labels = [r["name"] for r in results]
    figure = go.Figure(go.Bar(
        x=[r["accuracy"] for r in results], y=labels, orientation="h",
        marker_color=[colors.get(r.get("kind", S.KIND_ZERO_SHOT), PALETTE[0]) for r in results],
        text=[f"{r['accuracy']:.3f}" for r in results], textposition="auto",
        customdata=[r.get("template", "") for r in results],
        hovertemplate="%{y}<br>%{customdata}<br>accuracy %{x:.3f}<extra></extra>"))
    if chance is not None:
        figure.add_vline(x=chance, line_dash="dot", line_color="#888", annotation_text="chance",
                          annotation_position="top")  # above the plot area, clear of the bars
    figure.update_layout(**{**LAYOUT, "height": 120 + 36 * max(len(results), 1)}, xaxis_range=[0, 1],
                         xaxis_title=S.TEMPLATES_AXIS, yaxis_autorange="reversed")
    return figure


def pareto(groups: list[dict], cost: str) -> go.Figure:
    """Compare's Pareto view: the best dev metric against a cost, one point per run (coloured by method), one
    panel per task and metric, each with its front drawn as a staircase (the best metric reachable at or
    below each cost) through rings around the runs on it. groups: core.compare.frontiers' groups.
    Trainable counts spanning 100x or more are on a log axis; other costs start at zero."""
    titles = [S.PARETO_PANEL.format(task=task_label(g["task"]), metric=g["metric_name"] or "metric") for g in groups]
    figure = make_subplots(rows=len(groups), cols=1, subplot_titles=titles, vertical_spacing=0.32 / len(groups))
    methods = sorted({r["method"] for g in groups for r in g["runs"]})
    colors = {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(methods)}
    legend = set()
    for row_index, group in enumerate(groups, 1):
        runs, front = group["runs"], set(group["front"])
        for method in methods:
            members = [i for i, r in enumerate(runs) if r["method"] == method]
            if not members:
                continue
            figure.add_trace(go.Scatter(
                x=[runs[i][cost] for i in members], y=[runs[i]["best_metric"] for i in members], mode="markers",
                name=method, legendgroup=method, showlegend=method not in legend,
                marker=dict(color=colors[method], size=11),
                customdata=[[runs[i]["id"], runs[i]["backbone"], cost_text(cost, runs[i][cost]),
                             S.ON_FRONT if i in front else ""] for i in members],
                hovertemplate=f"<b>%{{customdata[0]}}</b><br>{method} · %{{customdata[1]}}<br>"
                              f"{group['metric_name'] or 'metric'} %{{y:.3f}}<br>{COST_LABELS[cost]} "
                              "%{customdata[2]}<br>%{customdata[3]}<extra></extra>"), row=row_index, col=1)
            legend.add(method)
        points = [runs[i] for i in group["front"]]
        figure.add_trace(go.Scatter(
            x=[r[cost] for r in points], y=[r["best_metric"] for r in points], mode="lines+markers", line_shape="hv",
            line=dict(color="#555", dash="dash", width=1.5), marker=dict(symbol="circle-open", size=19, color="#222",
                                                                         line=dict(width=2)),
            name=S.PARETO_FRONT, legendgroup="front",
            showlegend=row_index == 1, hoverinfo="skip"), row=row_index, col=1)
        metrics = [r["best_metric"] for r in runs]
        pad = max(0.02, 0.12 * (max(metrics) - min(metrics)))  # one run (or equal ones) is not a -1..1 axis
        figure.update_yaxes(title_text=group["metric_name"] or "metric", range=[min(metrics) - pad, max(metrics) + pad],
                            row=row_index, col=1)
    values = [r[cost] for g in groups for r in g["runs"]]
    log = cost == "trainable" and values and min(values) > 0 and max(values) / min(values) >= 100
    # a log axis labels its decades only (10K, 100K, 1M), not every 2 and 5 between them
    figure.update_xaxes(title_text=COST_LABELS[cost], type="log" if log else "linear",
                         **({"dtick": 1} if log else {"rangemode": "tozero"}))
    # the legend sits right of the panels: above them it would hide under the Plot's label
    figure.update_layout(**{**LAYOUT, "height": 110 + 290 * len(groups), "margin": dict(l=50, r=20, t=50, b=40),
                            "legend": dict(orientation="v", yanchor="top", y=1, x=1.02)})
    return figure


COST_LABELS = {"trainable": S.COST_TRAINABLE, "wall_time": S.COST_WALL_TIME, "peak_memory_mb": S.COST_MEMORY}
