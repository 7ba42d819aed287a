"""Plotly figures from run data: live curves, overlaid curves, confusion matrix, template bars.

Inputs are plain rows (metrics.jsonl rows, index rows, score dicts); nothing here reads files.
"""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app import strings as S
from app.render import PALETTE

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
