"""Soft-prompt transfer studies: the measurements behind a transfer matrix.

SPoT (Vu et al., 2022) and "On Transferability of Prompt Tuning" (Su et al., 2022) ask which trained
prompts help which tasks, zero-shot and as an initialisation, and what predicts it; PPT (Gu et al., 2022)
pre-trains prompts on self-supervised data first. Sections 1-5 measure finished runs; section 6 makes the
whole study one command (`run_transfer`, `python -m core.transfer --quick`): it plans the runs as ordinary
studies (core/studies.py), runs them in stages, and writes the report (transfer.md, transfer.json, plots/):

    qualified, refused = transfer_pairs(["sentiment", "nli"], ["sentiment", "nli"], method="prompt-tuning")
    metrics = evaluate_on("runs/<sst>", "sentiment-2")            # zero-shot: the source's prompt AND head
    matrix = transfer_matrix({"sentiment": "runs/a", "my-reviews.csv": "runs/b"})   # absolute + relative
    convergence_speedup(read_metrics(scratch), read_metrics(initialised), "accuracy")
    prompt_cosine("runs/a", "runs/b"); on_similarity("runs/a", "runs/b")   # similarity predictors
    rank_correlation(similarities, gains)                          # Spearman over pairs
    task = pretraining_task(task_texts(load_task("qa")), n=400)   # PPT-style next-sentence pairs

The measurements read finished run folders (config.yaml, metrics.jsonl, trained.safetensors) and train
nothing themselves; section 6 trains only through the job manager (a worker process per run). Zero-shot loading is done here rather than through core/methods/transfer.py
(`init_from`), which moves prompts only, never heads.
"""
from __future__ import annotations

import dataclasses
import json
import math
import random
import re
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from core.backbones import BackboneError
from core.config import ConfigError, RunConfig
from core.data import DataError, load_task
from core.data.build import make_task
from core.methods import MethodError
from core.methods.base import is_prompt
from core.tasks import family_of, main_metric
from core.tasks.base import Task
from core.tasks.cloze import TemplateError
from core.runs import read_metrics as runs_read_metrics

# -- 1. which pairs qualify for zero-shot transfer ---------------------------------------------------

LABEL_FREE_HEADS = {"span": "start/end scores over any passage", "lm": "the language model's own next-token head",
                    "vocab": "the language model's head over its whole vocabulary"}


class Pairs(NamedTuple):
    qualified: list[tuple[str, str, str]]  # (source, target, why it qualifies)
    refused: list[tuple[str, str, str]]  # (source, target, why not)


def _as_task(task: str | Task) -> Task:
    return task if isinstance(task, Task) else load_task(task)


def _words(words: dict[str, str]) -> set[str]:
    return {w.strip().lower() for w in words.values()}


def words_read(config: RunConfig, task: Task) -> dict[str, str] | None:
    """The label words ({label: word}) the model `config` builds for `task` scores at its mask, or None
    when a task head reads its hidden states. Asked of the model itself, built on the meta device (no
    weights), so every method and head setting answers for itself. Probing ranks the whole vocabulary: None."""
    from core.setup import setup
    if hasattr(family_of(task), "cloze_for"):
        return None
    model = setup(config, task=task, weights=False).model
    return dict(model.cloze.verbalizer) if model.cloze is not None else None


def pair_rule(source: Task, target: Task, config: RunConfig | None = None) -> tuple[bool, str]:
    """Can a prompt trained on `source` with `config` (its run's config: method, backbone, head, template,
    verbalizer) be evaluated on `target` as it is? -> (ok, why).

    Zero-shot transfer reuses everything the source run trained, so what reads the prompt must mean
    the same on the target:
      - same family (the input format and the head kind: a sentiment [CLS] head cannot tag tokens);
      - label words at a mask (P-tuning, hand-written prompts, BitFit's null prompt, a verbalizer head):
        the target's words are among those the source prompt was trained to predict (e.g. great/terrible
        on both, or Yes/No after Yes/Maybe/No), whatever the labels are called;
      - a head with outputs per label (sequence, token): the same label set, e.g. two positive/negative
        sentiment tasks, or two NER tasks with the same IOB2 tags (rows are matched by label name, so
        the order may differ);
      - a head with no label set (QA spans, generation, probing's vocabulary): any two tasks of the family.
    """
    config = config or RunConfig()
    if source.family != target.family:
        return False, (f"different families ({source.family} -> {target.family}): the input format and the "
                       "head kind differ")
    source_config = target_config(config, source)
    if source.name == target.name:
        return True, "same task (the target's own prompt: the diagonal of the matrix)"
    words = {}
    for side, task, task_config in (("source", source, source_config),
                                    ("target", target, target_config(source_config, target))):
        try:
            words[side] = words_read(task_config, task)
        except (ConfigError, DataError, MethodError, BackboneError, TemplateError) as error:
            return False, f"{config.method} cannot be built for the {side} {task.name}: {error}"
    if words["source"] is not None or words["target"] is not None:
        if words["source"] is None or words["target"] is None:
            return False, f"{config.method} scores label words on only one of the two tasks"
        have, need = _words(words["source"]), _words(words["target"])
        if need <= have:
            return True, (f"{config.method} scores label words: the target's ({', '.join(sorted(need))}) are "
                          f"among those the source prompt was trained to predict ({', '.join(sorted(have))})")
        return False, (f"{config.method} scores label words, and the target's ({', '.join(sorted(need))}) are not "
                       f"all among the source's ({', '.join(sorted(have))})")
    head = family_of(target).head
    if head in LABEL_FREE_HEADS:
        return True, f"the {head} head has no label set ({LABEL_FREE_HEADS[head]}): it carries over"
    if set(source.labels) == set(target.labels):
        return True, f"same label set ({', '.join(source.labels)}): the trained {head} head carries over"
    return False, (f"label sets differ ({', '.join(source.labels)} vs {', '.join(target.labels)}): the trained "
                   f"{head} head's outputs would mean other labels")


def transfer_pairs(sources: list, targets: list, config: RunConfig | None = None, **fields) -> Pairs:
    """Every (source, target) of task names or Tasks -> Pairs(qualified, refused), each a list of
    (source name, target name, reason), for runs made with `config` (or RunConfig(**fields), e.g.
    method="p-tuning", backbone="minilm-l6"); see `pair_rule` for which qualify and why."""
    config = config.replace(**fields) if config else RunConfig(**fields)
    loaded = {}
    for task in [*sources, *targets]:
        loaded.setdefault(getattr(task, "name", task), _as_task(task))
    result = Pairs([], [])
    for s in sources:
        for t in targets:
            source, target = loaded[getattr(s, "name", s)], loaded[getattr(t, "name", t)]
            ok, why = pair_rule(source, target, config)
            (result.qualified if ok else result.refused).append((source.name, target.name, why))
    return result


# -- 2. zero-shot evaluation of a source run on a target task -----------------------------------------

def run_config(folder: str | Path) -> RunConfig:
    folder = Path(folder)
    if not (folder / "trained.safetensors").is_file():
        raise MethodError(f"{folder} has no trained.safetensors (is it a finished run folder?)")
    return RunConfig.from_yaml(folder / "config.yaml").replace(init_from=[])  # its own weights replace any init


def check_state_fits(model: torch.nn.Module, state: dict[str, torch.Tensor], what: str = "the source run") -> None:
    """Refuse, naming the parameter, a trained state that does not fill exactly the model's trainable
    parameters with the same shapes (a prompt of another length, a head for another label count)."""
    own = {name: p for name, p in model.named_parameters() if p.requires_grad}
    missing, extra = sorted(set(own) - set(state)), sorted(set(state) - set(own))
    if missing or extra:
        raise MethodError(f"{what}'s trained parameters do not fit this model: "
                          + "; ".join(([f"it lacks {', '.join(missing[:3])}"] if missing else [])
                                      + ([f"it has {', '.join(extra[:3])}, which this model does not train"]
                                         if extra else []))
                          + " (the same method and backbone are needed)")
    for name, param in own.items():
        if tuple(state[name].shape) != tuple(param.shape):
            part = "prompt" if is_prompt(name) else "head" if name.startswith("head.") else "parameter"
            hint = (" (another prompt length?)" if part == "prompt" else
                    " (a head for another number of labels)" if part == "head" else "")
            raise MethodError(f"{what}'s {part} '{name}' has shape {tuple(state[name].shape)}, this model needs "
                              f"{tuple(param.shape)}{hint}")


def target_config(source: RunConfig, target: Task) -> RunConfig:
    """The source run's config pointed at `target`: same backbone, seed (a tiny backbone is drawn from
    it), method and prompt length; the task's own inputs (template, length) unless it is the same task."""
    if target.name == source.task:
        return source
    words = source.verbalizer if source.verbalizer and set(source.verbalizer) == set(target.labels) else None
    return source.replace(task=target.name, family=None, like=None, max_length=None, verbalizer=words,
                          ptuning_template=None, template=source.template if isinstance(source.template, int) else 0)


def load_run(folder: str | Path, task: str | Task | None = None, max_rows: int | None = None):
    """-> core.setup.Setup of a finished run with its trained parameters loaded, built for its own task
    or, zero-shot, for `task` (a target whose label set is put in the source's order, so each trained
    head row keeps meaning its label)."""
    from core.setup import setup
    config = run_config(folder)
    if task is None:
        s = setup(config, max_rows=max_rows)
    else:
        target = _as_task(task)
        source = load_task(config.task, config.family)
        ok, why = pair_rule(source, target, config)
        if not ok:
            raise MethodError(f"{source.name} -> {target.name}: no zero-shot transfer: {why}")
        if set(target.labels) == set(source.labels) and target.labels != source.labels:
            target = dataclasses.replace(target, labels=list(source.labels))
        s = setup(target_config(config, target), task=target)
    state = load_file(str(Path(folder) / "trained.safetensors"))
    check_state_fits(s.model, state, f"run {Path(folder).name}")
    s.model.load_trainable(state)
    s.model.eval()
    return s


def evaluate_on(source_run_folder: str | Path, target_task: str | Task, max_examples: int | None = None) -> dict:
    """Zero-shot: the source run's trained prompt and head, evaluated on the target's dev set (the first
    `max_examples`) with core.setup.evaluate. -> the target family's metrics. MethodError when the pair
    does not qualify (`pair_rule`) or the trained parameters do not fit."""
    from core.setup import evaluate
    s = load_run(source_run_folder, target_task)
    examples = s.task.dev[:max_examples] if max_examples else s.task.dev
    return evaluate(s, examples, s.encode(examples))[0]


def relative_matrix(scores: dict[tuple[str, str], float | None], own: dict[str, float]) -> dict:
    """(source, target) -> zero-shot metric, and target -> its own trained prompt's metric, give
    (source, target) -> relative score = zero-shot / own (Su et al., 2022, "relative performance").
    None where a pair was refused or the target's own score is 0 or unknown."""
    return {(s, t): (v / own[t] if v is not None and own.get(t) else None) for (s, t), v in scores.items()}


def transfer_matrix(runs: dict[str, str | Path], max_examples: int | None = None) -> dict:
    """runs: task (preset name or file) -> a finished run folder of its own trained prompt. Every qualifying
    (source, target) is evaluated zero-shot on the target's dev set; the diagonal is each target's own
    score, measured the same way on the same examples. -> {"tasks", "metric" (per target), "absolute",
    "relative" (source -> target -> value or None), "refused" (source -> target -> reason)}."""
    tasks = list(runs)
    loaded = {t: _as_task(t) for t in tasks}
    metric = {t: main_metric(loaded[t]) for t in tasks}
    scores, refused = {}, {}
    for s in tasks:
        config = run_config(runs[s])
        for t in tasks:
            ok, why = pair_rule(loaded[s], loaded[t], config)
            if ok:
                scores[(s, t)] = evaluate_on(runs[s], loaded[t], max_examples)[metric[t]]
            else:
                scores[(s, t)], refused.setdefault(s, {})[t] = None, why
    relative = relative_matrix(scores, {t: scores[(t, t)] for t in tasks})
    nested = lambda flat: {s: {t: flat[(s, t)] for t in tasks} for s in tasks}  # noqa: E731
    return {"tasks": tasks, "metric": metric, "absolute": nested(scores), "relative": nested(relative),
            "refused": refused}


# -- 3. transfer as initialisation: pure functions over metrics.jsonl rows ---------------------------

def read_metrics(folder: str | Path) -> list[dict]:
    """A run folder's metrics.jsonl rows (core.runs' reader: bad lines skipped alone)."""
    return runs_read_metrics(Path(folder))


def dev_curve(rows: list[dict], metric: str) -> list[tuple[int, float]]:
    """(step, dev metric) at every evaluation, in step order; `metric` with or without the dev_ prefix."""
    key = metric if metric.startswith("dev_") else f"dev_{metric}"
    return sorted((row["step"], float(row[key])) for row in rows if row.get(key) is not None)


def best_and_final(rows: list[dict], metric: str) -> dict:
    """{"best", "best_step", "final", "final_step"} of the dev curve (the first step reaching the best)."""
    curve = dev_curve(rows, metric)
    if not curve:
        raise ValueError(f"no dev_{metric.removeprefix('dev_')} in these metrics rows (was the run evaluated?)")
    best = max(value for _, value in curve)
    return {"best": best, "best_step": next(step for step, value in curve if value == best),
            "final": curve[-1][1], "final_step": curve[-1][0]}


def steps_to_reach(rows: list[dict], metric: str, value: float) -> int | None:
    """The first evaluated step whose dev metric is >= value; None if it never is."""
    return next((step for step, v in dev_curve(rows, metric) if v >= value), None)


def convergence_speedup(scratch: list[dict], initialised: list[dict], metric: str, share: float = 0.9) -> float | None:
    """Steps the from-scratch run needs to reach `share` (90%) of its own best dev metric, divided by the
    steps the initialised run needs to reach that same value (Su et al., 2022, Sec. 5: "convergence speedup").
    Steps are those of evaluations, so the ratio is only as fine as eval_every.
    inf: the initialised run is there before any training (an evaluation at step 0).
    None: the initialised run never reaches it within its steps (no speed-up can be stated).
    ValueError: the scratch run has no dev metric."""
    threshold = share * best_and_final(scratch, metric)["best"]
    scratch_steps = steps_to_reach(scratch, metric, threshold)  # never None: its best reaches it
    init_steps = steps_to_reach(initialised, metric, threshold)
    if init_steps is None:
        return None
    return math.inf if init_steps == 0 else scratch_steps / init_steps


def init_comparison(scratch: list[dict], initialised: list[dict], metric: str, share: float = 0.9) -> dict:
    """Best/final of both runs, the gain of the initialised one in best metric, and the speed-up."""
    a, b = best_and_final(scratch, metric), best_and_final(initialised, metric)
    return {"scratch": a, "initialised": b, "gain": b["best"] - a["best"],
            "speedup": convergence_speedup(scratch, initialised, metric, share), "share": share}


# -- 4. prompt similarity as a predictor -------------------------------------------------------------

def prompt_vector(state: dict[str, torch.Tensor], config: RunConfig | None = None) -> torch.Tensor:
    """A run's prompt as one vector: its tokens averaged (SPoT's "cosine similarity of average tokens").
    Shallow prompts: input_prompt.embedding (n, H) -> (H,). Deep prompts: deep_prompt.embedding
    (n, layers * 2 * kv_heads * head_dim) averaged over the n tokens, which is each layer's keys and
    values averaged over tokens, then flattened -> (layers * 2 * kv_heads * head_dim,). Reparameterised
    prompts are first passed through their trained encoder, so the vector is what the backbone sees:
    prefix-tuning's tanh MLP (core/methods/deep_prompt.py), P-tuning's LSTM/MLP prompt encoder
    (core/methods/p_tuning.py; needs `config` for the prompt length), one average per prompt group."""
    parts = []
    if "input_prompt.embedding" in state:
        parts.append(state["input_prompt.embedding"].float().mean(0))  # (n, H) -> (H,)
    if "deep_prompt.embedding.weight" in state:
        x = state["deep_prompt.embedding.weight"].float()  # (n, H) reparameterised, else (n, width)
        if "deep_prompt.mlp.0.weight" in state:
            x = torch.tanh(F.linear(x, state["deep_prompt.mlp.0.weight"].float(), state["deep_prompt.mlp.0.bias"].float()))
            x = F.linear(x, state["deep_prompt.mlp.2.weight"].float(), state["deep_prompt.mlp.2.bias"].float())
        parts.append(x.mean(0))  # (n, L*2*kv*hd) -> (L*2*kv*hd,)
    if "token_prompt.inputs.weight" in state:
        from core.methods.p_tuning import PromptEncoder
        if config is None or not config.prompt_length:
            raise MethodError("a P-tuning prompt's vector needs its run's config (the prompt length)")
        rows, hidden = state["token_prompt.inputs.weight"].shape
        kind = "lstm" if any(k.startswith("token_prompt.lstm.") for k in state) else "mlp"
        encoder = PromptEncoder(config.prompt_length, hidden, kind, rows // config.prompt_length)
        encoder.load_state_dict({k.removeprefix("token_prompt."): v for k, v in state.items()
                                 if k.startswith("token_prompt.")})
        with torch.no_grad():
            parts.append(encoder.prompts().mean(1).flatten())  # (G, n, H) -> (G * H,)
    if not parts:
        raise MethodError("this run has no soft prompt to compare (fine-tuning, LoRA, BitFit or a hand-written "
                          "prompt train none)")
    return torch.cat(parts)


def prompt_cosine(run_a: str | Path, run_b: str | Path) -> float:
    """Cosine similarity of two runs' averaged prompts (`prompt_vector`), read from trained.safetensors."""
    vectors = []
    for run in (run_a, run_b):
        vectors.append(prompt_vector(load_file(str(Path(run) / "trained.safetensors")), run_config(run)))
    if vectors[0].shape != vectors[1].shape:
        raise MethodError(f"the prompts have different shapes ({tuple(vectors[0].shape)} vs "
                          f"{tuple(vectors[1].shape)}): the same method and backbone are needed to compare them")
    return float(F.cosine_similarity(vectors[0], vectors[1], dim=0))


# Names of the activation module inside each layer's feed-forward block: BERT/RoBERTa/ELECTRA's
# intermediate.intermediate_act_fn, Llama/Mistral/Qwen/Gemma's mlp.act_fn, GPT-2/T5's act, BART's activation_fn.
ACTIVATION_NAMES = ("intermediate_act_fn", "act_fn", "act", "activation_fn")


def ffn_activations(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module]]:
    """(name, module) of the activation function of every layer's feed-forward block, in layer order.
    Its output is the intermediate activation (B, T, F): GELU(xW1) on BERT; SiLU(x W_gate) on Llama,
    whose SwiGLU neuron counts as active when its gate is (> 0), as in neuron-analysis work."""
    found = [(name, m) for name, m in model.named_modules()
             if name.rsplit(".", 1)[-1] in ACTIVATION_NAMES and not list(m.children())
             and not any(True for _ in m.parameters())]
    if not found:
        raise MethodError(f"{type(model).__name__}: no feed-forward activation module found (looked for "
                          f"{', '.join(ACTIVATION_NAMES)}); neuron overlap needs one per layer")
    if len({id(m) for _, m in found}) < len(found):
        raise MethodError(f"{type(model).__name__} shares one activation module between layers: its layers "
                          "cannot be told apart by hooks")
    return found


@torch.no_grad()
def neuron_frequencies(s, examples: list[dict]) -> torch.Tensor:
    """-> (layers, F): for each feed-forward neuron, the share of token positions (prompt positions
    included) where its activation is > 0, over `examples` run through the run's model one at a time
    (no padding to mask out). Forward hooks on the activation modules, removed afterwards."""
    modules = ffn_activations(s.model.backbone)
    counts, positions, handles = [None] * len(modules), [0] * len(modules), []

    def hook(i):
        def record(_module, _inputs, out):  # out: (B, T, F)
            active = (out > 0).flatten(0, -2).sum(0).float()  # (F,)
            counts[i] = active if counts[i] is None else counts[i] + active
            positions[i] += out.shape[:-1].numel()
        return record

    features = s.encode(examples)
    if not features:
        raise MethodError(f"none of the {len(examples)} inputs can be read by this run's model")
    try:
        handles = [m.register_forward_hook(hook(i)) for i, (_, m) in enumerate(modules)]
        s.model.eval()
        device = next(s.model.parameters()).device
        for batch in s.loader(features, shuffle=False, batch_size=1):
            s.model({k: v.to(device) for k, v in batch.items()})
    finally:
        for handle in handles:
            handle.remove()
    return torch.stack([c / n for c, n in zip(counts, positions)])


def top_neurons(frequencies: torch.Tensor, top: float = 0.1) -> torch.Tensor:
    """(layers, F) frequencies -> (layers, F) bool: each layer's top `top` share of neurons by how often
    they are active (ties broken by index, so the same frequencies give the same set)."""
    if not 0 < top <= 1:
        raise ValueError(f"top must be a share of neurons in (0, 1], got {top}")
    k = max(1, round(top * frequencies.shape[1]))
    order = torch.argsort(frequencies, dim=1, descending=True, stable=True)[:, :k]
    return torch.zeros_like(frequencies, dtype=torch.bool).scatter_(1, order, True)


def neuron_overlap(a: torch.Tensor, b: torch.Tensor) -> dict:
    """Overlap of two prompts' activated neurons, (layers, F) bool each.
    overlap: Su et al. (2022)'s ON, the cosine similarity of the binary activation vectors over all layers
    (their caculate_metric_value_for_correlation.py); with k neurons per layer on both sides it is the
    overlap rate |A & B| / |A|. jaccard: |A & B| / |A | B|. per_layer: the overlap rate of each layer."""
    if a.shape != b.shape:
        raise MethodError(f"activated neurons of different shapes {tuple(a.shape)} vs {tuple(b.shape)}: "
                          "the same backbone is needed")
    a, b = a.float(), b.float()
    both = (a * b).sum()
    return {"overlap": float(both / (a.norm() * b.norm())), "jaccard": float(both / ((a + b) > 0).sum()),
            "per_layer": [float(x) for x in (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))]}


def on_similarity(run_a: str | Path, run_b: str | Path, examples: list[dict] | None = None, n: int = 32,
                  top: float = 0.1) -> dict:
    """ON between two runs on one backbone: each run's model reads the same inputs (default: the first `n`
    dev examples of run_a's task; they must be of both runs' family), its top `top` share of feed-forward
    neurons per layer by activation frequency are its activated neurons, and `neuron_overlap` compares them."""
    from core.backbones import backbone_presets
    a, b = load_run(run_a), load_run(run_b)
    random_weights = backbone_presets().get(a.config.backbone, {}).get("source") == "config"  # drawn from the seed
    if a.config.backbone != b.config.backbone or (random_weights and a.config.seed != b.config.seed):
        raise MethodError("neuron overlap compares prompts on one backbone; these runs use "
                          f"{a.config.backbone} (seed {a.config.seed}) and {b.config.backbone} (seed {b.config.seed})")
    if examples is None:
        examples = a.task.dev[:n]
    if a.task.family != b.task.family:
        raise MethodError(f"the inputs must be readable by both runs: {a.task.family} vs {b.task.family} tasks")
    return neuron_overlap(top_neurons(neuron_frequencies(a, examples), top),
                          top_neurons(neuron_frequencies(b, examples), top))


def rank_correlation(similarity: dict, gain: dict) -> dict:
    """Spearman's rank correlation between a similarity and the transfer gain over the pairs both give
    (dicts keyed by (source, target)). -> {"rho", "p", "pairs"}; rho and p are None when one side is constant."""
    from scipy.stats import spearmanr
    pairs = sorted(k for k in similarity if k in gain and similarity[k] is not None and gain[k] is not None)
    if len(pairs) < 3:
        raise ValueError(f"a rank correlation needs at least 3 pairs with both values, got {len(pairs)}")
    x, y = [similarity[k] for k in pairs], [gain[k] for k in pairs]
    if len(set(x)) < 2 or len(set(y)) < 2:
        return {"rho": None, "p": None, "pairs": len(pairs)}
    result = spearmanr(x, y)
    return {"rho": float(result.statistic), "p": float(result.pvalue), "pairs": len(pairs)}


# -- 5. PPT-style prompt pre-training data -----------------------------------------------------------

SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")
KINDS = {  # kind -> labels, a cloze template and verbalizer, a P-tuning template
    "next-sentence": (["next", "random"], "{text} Next: {text_b} Does it follow? {mask}", {"next": "Yes", "random": "No"},
                      "{prompt} {text} ? {prompt} {text_b} {prompt} {mask}"),
    "shuffled": (["original", "shuffled"], "{text} Is this in its natural order? {mask}",
                 {"original": "Yes", "shuffled": "No"}, "{prompt} {text} {prompt} {mask}"),
}


def sentences(text: str) -> list[str]:
    """A text's sentences (split after . ! ? before a capital or digit); those of one word dropped."""
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if len(s.split()) >= 2]


def task_texts(task: Task) -> list[str]:
    """The distinct running texts of a task's training set: classification text/text_b, QA contexts,
    generation inputs, tagging sentences (tokens joined)."""
    texts = []
    for example in task.train:
        for key in ("text", "text_b", "context", "input"):
            if isinstance(example.get(key), str):
                texts.append(example[key])
        if isinstance(example.get("tokens"), list):
            texts.append(" ".join(example["tokens"]))
    return list(dict.fromkeys(texts))


def file_texts(path: str | Path) -> list[str]:
    """A plain text file's documents: paragraphs separated by blank lines."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def pretraining_task(texts: list[str], kind: str = "next-sentence", n: int = 1000, seed: int = 0,
                     dev_share: float = 0.2, name: str | None = None) -> Task:
    """A self-supervised classification task from unlabelled texts, for prompt pre-training (PPT, Gu et al.,
    2022). next-sentence: pairs (A, B), `next` when B follows A in the same text, `random` when B is a
    sentence of another text (PPT's sentence-pair pre-training, its NSP-style "unrelated" class; its third
    class, same document but not adjacent, is left out). shuffled (single sentences, our own simple variant,
    not PPT's pseudo-labelled one): a sentence as written, or its words shuffled. Labels are balanced (n/2
    each, fewer when the texts do not have that many); dev takes `dev_share` of each label."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if n < 4:
        raise ValueError(f"n must be at least 4 (two examples of each label: one to train on, one for dev), got {n}")
    labels, template, words, ptuning_template = KINDS[kind]
    rng = random.Random(seed)
    docs = [s for s in (sentences(t) for t in dict.fromkeys(texts)) if s]
    if kind == "next-sentence":
        adjacent = [(d, i) for d, doc in enumerate(docs) for i in range(len(doc) - 1)]
        if not adjacent or len(docs) < 2:
            raise DataError(f"next-sentence pairs need texts of two or more sentences, and at least two texts; "
                            f"got {len(docs)} texts, {len(adjacent)} adjacent sentence pairs")
        m = min(n // 2, len(adjacent))
        if m < 2:
            raise DataError(f"next-sentence pairs: {len(adjacent)} adjacent sentence pair(s) and n={n} give fewer "
                            "than 2 examples of each label (one to train on, one to evaluate)")
        examples = []
        for d, i in rng.sample(adjacent, m):
            examples.append({"text": docs[d][i], "text_b": docs[d][i + 1], "label": "next"})
        for d, i in rng.sample(adjacent, m):  # A drawn as for `next`, so A alone gives nothing away
            other = rng.choice([e for e in range(len(docs)) if e != d])
            examples.append({"text": docs[d][i], "text_b": rng.choice(docs[other]), "label": "random"})
    else:
        pool = [s for doc in docs for s in doc if len(set(s.split())) >= 4]
        rng.shuffle(pool)
        m = min(n // 2, len(pool) // 2)
        if m < 2:
            raise DataError(f"shuffled needs n >= 4 and at least four sentences of four or more different words; "
                            f"got n={n}, {len(pool)} sentences")
        examples = [{"text": s, "label": "original"} for s in pool[:m]]
        for s in pool[m:2 * m]:
            words_of, shuffled = s.split(), s.split()
            while shuffled == words_of:
                rng.shuffle(shuffled)
            examples.append({"text": " ".join(shuffled), "label": "shuffled"})
    rng.shuffle(examples)
    name = name or f"pretrain-{kind}"
    train, dev = [], []
    for label in labels:
        of_label = [e for e in examples if e["label"] == label]
        cut = min(max(1, round(dev_share * len(of_label))), len(of_label) - 1)  # both splits keep the label
        dev += of_label[:cut]
        train += of_label[cut:]
    rng.shuffle(train)
    note = f"{name}: {len(examples)} examples built from {len(docs)} texts" + (
        f" (asked for {n}; the texts give at most {2 * m} balanced)" if 2 * m < n - n % 2 else "")
    return make_task(name, "classification", [(f"{name} example {i}", e) for i, e in enumerate(train)],
                     [(f"{name} dev example {i}", e) for i, e in enumerate(dev)], labels=list(labels),
                     description=f"self-supervised {kind} pairs for prompt pre-training (PPT)",
                     templates=[{"name": kind, "template": template, "verbalizer": dict(words)}],
                     ptuning_template=ptuning_template, data_note=note)


def save_task(task: Task, folder: str | Path) -> str:
    """Write a classification Task as train.jsonl / dev.jsonl in `folder`, so a run trained on it keeps a
    config that repeats it (task: <folder>). Its templates are not kept: a cloze run gives --verbalizer."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for split, examples in (("train", task.train), ("dev", task.dev)):
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(e) + "\n" for e in examples), encoding="utf-8")
    return str(folder)


# -- 6. the transfer study: plan the runs, run them in stages, analyse, report ------------------------
#
#   spec = load_transfer_spec("transfer")                  # presets/transfer/transfer.yaml, or a YAML file
#   run_transfer(JobManager(RunStore()), spec, "quick", Path("runs/transfers/x"))   # again: resumes
#
# Stage 1: every task from scratch (the "sources" study); these runs are each task's own prompt (the
# zero-shot matrix's diagonal) and the from-scratch baselines of stage 2. PPT's pre-training run starts
# beside them. Stage 2: every target from every other source's trained prompt (`init_from`, one study per
# seed, so a target of seed s starts from the source of seed s), and the few-shot PPT targets from random,
# vocabulary and pre-trained prompts. Then the analysis runs here, reading the finished run folders.

TRANSFER_PRESETS = Path(__file__).resolve().parent.parent / "presets" / "transfer"
SET_BY_STUDY = ("task", "init_from", "seed", "out", "tasks")  # per run, never in `base`
MODE_KEYS = ("tasks", "seeds", "ppt", "zero_shot_examples")  # what a mode may change beside RunConfig fields
PPT_KEYS = {"targets": "few-shot target tasks", "examples": "training examples per target (PPT: 32)",
            "texts_from": "presets whose training texts build the pre-training data", "kind": "next-sentence or shuffled",
            "n": "pre-training examples built", "pretraining": "RunConfig fields of the pre-training run"}
PPT_DATA = "ppt-data"  # inside the runs folder: a pre-training run's config names this folder as its task


def _fields() -> set[str]:
    return {f.name for f in dataclasses.fields(RunConfig)}


@dataclasses.dataclass
class TransferSpec:
    """A transfer study over `tasks` (each is a source and a target) on one backbone and method."""
    name: str
    tasks: list
    base: dict
    seeds: list = dataclasses.field(default_factory=lambda: [1])
    modes: dict = dataclasses.field(default_factory=dict)
    budget: dict = dataclasses.field(default_factory=dict)
    ppt: dict = dataclasses.field(default_factory=dict)
    zero_shot_examples: int | None = None  # dev examples per zero-shot evaluation (None: all)
    on_examples: int = 32  # target dev inputs the activated-neuron overlap (ON) reads
    description: str = ""
    kind: str = "transfer"

    def __post_init__(self):
        def need(ok, message):
            if not ok:
                raise ConfigError(f"transfer study: {message}")
        fields = _fields()
        need(self.kind == "transfer", f"kind must be 'transfer', got {self.kind!r}")
        need(isinstance(self.name, str) and self.name.strip() != "", "name must be a non-empty text")
        need(isinstance(self.base, dict), "base must be a mapping of RunConfig fields (backbone, method, ...)")
        need(isinstance(self.modes, dict) and all(isinstance(m, dict) for m in self.modes.values()),
             "modes must map a mode name (quick, full) to what it overrides")
        need(isinstance(self.budget, dict), "budget must map a mode to its budget in words")
        for where, keys, extra in [("base", self.base, set()),
                                   *[(f"modes.{m}", o, set(MODE_KEYS)) for m, o in self.modes.items()]]:
            unknown = sorted(set(keys) - fields - extra)
            need(not unknown, f"{where} names unknown config fields {', '.join(map(str, unknown))} "
                              f"(known: {', '.join(sorted(fields | extra))})")
            fixed = sorted((set(keys) - extra) & set(SET_BY_STUDY))  # a mode's `tasks` is the study's task list
            need(not fixed, f"{where} sets {', '.join(fixed)}, which the study sets per run (tasks: list them in "
                            "`tasks`; seeds in `seeds`)")
        from core.methods import get_method
        method = self.base.get("method", RunConfig.method)
        try:
            knobs = get_method(method).knobs
        except MethodError as error:
            raise ConfigError(f"transfer study: base.method: {error}") from None
        need("init_from" in knobs, f"method {method} trains no soft prompt that another run can start from "
                                   f"(init_from); use prompt-tuning, p-tuning, prefix-tuning or p-tuning-v2")
        self._check_plan(self)
        for mode in self.modes:
            try:  # the mode's plan validates itself as it is built (a TransferSpec with no modes)
                self.for_mode(mode)
            except ConfigError as error:
                raise ConfigError(f"{error} (in mode {mode})") from None

    @staticmethod
    def _check_plan(plan: "TransferSpec"):
        def need(ok, message):
            if not ok:
                raise ConfigError(f"transfer study: {message}")
        need(isinstance(plan.tasks, list) and len(plan.tasks) >= 2 and all(isinstance(t, str) and t.strip()
                                                                           for t in plan.tasks),
             "tasks must list two or more tasks (presets, files), each a source and a target")
        need(len(set(plan.tasks)) == len(plan.tasks), "tasks repeats a task")
        need(isinstance(plan.seeds, list) and plan.seeds and all(isinstance(s, int) and not isinstance(s, bool)
                                                                 for s in plan.seeds)
             and len(set(plan.seeds)) == len(plan.seeds), "seeds must be a list of different whole numbers")
        need(plan.zero_shot_examples is None or (isinstance(plan.zero_shot_examples, int)
                                                 and plan.zero_shot_examples >= 1),
             "zero_shot_examples must be a whole number, at least 1 (or left out: the whole dev set)")
        need(isinstance(plan.on_examples, int) and plan.on_examples >= 1, "on_examples must be a whole number >= 1")
        ppt = plan.ppt
        need(isinstance(ppt, dict), "ppt must be a mapping (targets, examples, texts_from, kind, n, pretraining)")
        if ppt:
            unknown = sorted(set(ppt) - set(PPT_KEYS))
            need(not unknown, f"ppt has unknown keys {', '.join(map(str, unknown))} (known: "
                              + "; ".join(f"{k}: {v}" for k, v in PPT_KEYS.items()) + ")")
            need(isinstance(ppt.get("targets"), list) and ppt["targets"] and all(
                isinstance(t, str) and t.strip() for t in ppt["targets"]), "ppt.targets must list one or more tasks")
            need(isinstance(ppt.get("texts_from"), list) and ppt["texts_from"] and all(
                isinstance(t, str) and t.strip() for t in ppt["texts_from"]),
                 "ppt.texts_from must list the task presets whose texts build the pre-training data")
            examples, n = ppt.get("examples", 32), ppt.get("n", 400)
            need(isinstance(examples, int) and not isinstance(examples, bool) and examples >= 1,
                 "ppt.examples must be a whole number, at least 1")
            need(isinstance(n, int) and not isinstance(n, bool) and n >= 4, "ppt.n must be a whole number >= 4")
            need(ppt.get("kind", "next-sentence") in KINDS, f"ppt.kind must be one of {', '.join(KINDS)}")
            pretraining = ppt.get("pretraining", {})
            need(isinstance(pretraining, dict), "ppt.pretraining must be a mapping of RunConfig fields")
            unknown = sorted(set(pretraining) - _fields())
            need(not unknown, f"ppt.pretraining names unknown config fields {', '.join(map(str, unknown))}")
            fixed = sorted(set(pretraining) & set(SET_BY_STUDY))
            need(not fixed, f"ppt.pretraining sets {', '.join(fixed)}, which the study sets")
        try:  # every run config the plan makes is valid (the run folders are placeholders)
            for config in [{**plan.base, "task": t} for t in plan.tasks] + [
                    {**plan.base, "task": t, "init_from": ["<source run>"]} for t in plan.tasks[:1]] + (
                    [{**plan.base, **ppt.get("pretraining", {}), "task": "<pre-training data>"}]
                    + [{**plan.base, "task": t, "max_train_examples": ppt.get("examples", 32)} for t in ppt["targets"]]
                    if ppt else []):
                RunConfig.from_dict(config)
        except ConfigError as error:
            raise ConfigError(f"transfer study: a planned run is not valid: {error}") from None

    @classmethod
    def from_dict(cls, data) -> "TransferSpec":
        if not isinstance(data, dict):
            raise ConfigError("transfer study: a mapping with kind: transfer, name, tasks, base, seeds, modes, ppt")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"transfer study: unknown keys {', '.join(map(str, unknown))} "
                              f"(known: {', '.join(sorted(known))})")
        return cls(**data)

    @classmethod
    def from_yaml(cls, text: str) -> "TransferSpec":
        import yaml
        try:
            return cls.from_dict(yaml.safe_load(text))
        except yaml.YAMLError as error:
            raise ConfigError(f"transfer study: not valid YAML ({error})") from None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def for_mode(self, mode: str | None) -> "TransferSpec":
        """The study as run in `mode`: its RunConfig fields over `base`; its tasks, seeds, zero_shot_examples
        in place of the study's; its `ppt` keys over the study's (`ppt.pretraining` merged too)."""
        if not self.modes:
            return self
        if mode not in self.modes:
            raise ConfigError(f"transfer study: mode must be one of {', '.join(self.modes)}, got {mode!r}")
        overrides = dict(self.modes[mode])
        swept = {k: overrides.pop(k) for k in MODE_KEYS if k in overrides}
        ppt = dict(self.ppt)
        if "ppt" in swept:
            more = swept.pop("ppt") or {}
            if not isinstance(more, dict):
                raise ConfigError(f"transfer study: modes.{mode}.ppt must be a mapping")
            ppt = {**ppt, **more, "pretraining": {**ppt.get("pretraining", {}), **more.get("pretraining", {})}}
            ppt = {k: v for k, v in ppt.items() if k != "pretraining" or v}
        plan = dict(self.__dict__, base={**self.base, **overrides}, ppt=ppt, modes={}, **swept)
        return TransferSpec(**{f.name: plan[f.name] for f in dataclasses.fields(TransferSpec)})


def transfer_presets() -> dict[str, TransferSpec]:
    """presets/transfer/*.yaml, by file name."""
    return {p.stem: TransferSpec.from_yaml(p.read_text()) for p in sorted(TRANSFER_PRESETS.glob("*.yaml"))}


def load_transfer_spec(name_or_path: str) -> TransferSpec:
    """A shipped transfer preset by name, or a YAML file (the CLI)."""
    presets = {p.stem: p for p in TRANSFER_PRESETS.glob("*.yaml")}
    path = presets.get(name_or_path) or Path(name_or_path).expanduser()
    if not path.is_file():
        raise ConfigError(f"transfer study: '{name_or_path}' is neither a transfer preset "
                          f"({', '.join(sorted(presets)) or 'none'}) nor a YAML file")
    return TransferSpec.from_yaml(path.read_text())


# -- planning: each stage is an ordinary study (core/studies.py) -----------------------------------------

def sources_study(plan: TransferSpec):
    """Stage 1: every task from scratch, every seed."""
    from core.studies import StudySpec
    return StudySpec(name=f"{plan.name}-sources", base=dict(plan.base), grid={"task": list(plan.tasks)},
                     seeds=list(plan.seeds), x="task", description="transfer: each task's own prompt, from scratch")


def init_study(plan: TransferSpec, sources: dict[tuple[str, int], str], seed: int):
    """Stage 2 for one seed: each target from each other task's trained prompt of that seed (sources:
    (task, seed) -> run folder of a finished source run). None when no source of that seed finished."""
    from core.studies import StudySpec
    variants = [{"task": target, "label": f"from {source}", "init_from": [sources[(source, seed)]]}
                for target in plan.tasks for source in plan.tasks if source != target and (source, seed) in sources]
    if not variants:
        return None
    return StudySpec(name=f"{plan.name}-init-seed{seed}", base=dict(plan.base), variants=variants, seeds=[seed],
                     x="label", description="transfer: each target initialised from another task's prompt")


def pretraining_data(plan: TransferSpec, folder: Path) -> str:
    """PPT's self-supervised data from the texts of `ppt.texts_from`, written once to `folder` (kept on resume,
    so the pre-training run's config keeps naming the same data)."""
    if (folder / "train.jsonl").is_file() and (folder / "dev.jsonl").is_file():
        return str(folder)
    texts = [text for preset in plan.ppt["texts_from"] for text in task_texts(load_task(preset))]
    task = pretraining_task(texts, kind=plan.ppt.get("kind", "next-sentence"), n=plan.ppt.get("n", 400),
                            seed=plan.seeds[0], name=f"{plan.name}-ppt")
    return save_task(task, folder)


def pretrain_study(plan: TransferSpec, data: str):
    """PPT's pre-training run: the study's method on the self-supervised task (first seed)."""
    from core.studies import StudySpec
    return StudySpec(name=f"{plan.name}-ppt-pretrain", base={**plan.base, **plan.ppt.get("pretraining", {}),
                                                             "task": data},
                     seeds=plan.seeds[:1], description="transfer: PPT prompt pre-training (self-supervised)")


def vocab_init_available(plan: TransferSpec) -> bool:
    from core.methods import get_method
    return "prompt_init" in get_method(plan.base.get("method", RunConfig.method)).knobs


def ppt_study(plan: TransferSpec, target: str, pretrained: str):
    """Few-shot `target` (ppt.examples training examples) from a random prompt, sampled vocabulary embeddings
    (where the method has that start: prompt-tuning) and the pre-trained prompt (PPT, Gu et al., 2022)."""
    from core.studies import StudySpec
    variants = [{"label": "random", "prompt_init": "random"}] if vocab_init_available(plan) else [{"label": "random"}]
    if vocab_init_available(plan):
        variants.append({"label": "vocab", "prompt_init": "vocab"})
    variants.append({"label": "ppt", "init_from": [pretrained]})
    return StudySpec(name=f"{plan.name}-ppt-{target}", base={**plan.base, "task": target,
                                                             "max_train_examples": plan.ppt.get("examples", 32)},
                     variants=variants, seeds=list(plan.seeds), x="label",
                     description=f"transfer: few-shot {target} from random, vocabulary and pre-trained prompts")


def _finished(store, study) -> list[dict]:
    from core.studies import progress
    return [p for p in progress(store, study)["points"] if p["status"] == "finished" and p.get("run")]


def transfer_state(out: Path) -> dict:
    from core.runs import _read_json
    state = _read_json(Path(out) / "transfer.json", {})
    return state if isinstance(state, dict) else {}


def run_transfer(jobs, spec: TransferSpec, mode: str | None, out: str | Path, say=print, wait: bool = True,
                 every: float = 5.0) -> dict:
    """Launch (or resume) the transfer study's stages, watch them, then analyse and write the report.
    out/transfer.json names its studies: run again on the same folder, what finished is kept and only what
    did not finish is queued again. -> the results (also in transfer.json)."""
    import time
    from core.runs import _write_json
    from core.studies import StudyStore, launch, progress, resume
    out = Path(out)
    plan = spec.for_mode(mode)
    state = transfer_state(out)
    if state and (state.get("mode") != mode or state.get("name") != spec.name):
        raise ConfigError(f"{out} holds transfer study '{state.get('name')}' (mode {state.get('mode') or 'none'}); "
                          f"write '{spec.name}' (mode {mode or 'none'}) to another folder")
    out.mkdir(parents=True, exist_ok=True)
    if not state:
        slug = re.sub(r"[^A-Za-z0-9-]+", "-", spec.name).strip("-")[:40] or "transfer"
        state = {"kind": "transfer", "id": f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}", "name": spec.name,
                 "mode": mode, "spec": spec.to_dict(), "studies": {}, "skipped": {}, "started": time.time()}
        _write_json(out / "transfer.json", state)
    store = StudyStore(jobs.store)
    jobs.start_background()
    have = {name: store.get(study_id) for name, study_id in state["studies"].items()}
    for study in have.values():  # written again: what did not finish runs again, once
        resume(jobs, study)

    def start(name: str, study_spec) -> None:
        if study_spec is None:
            return
        have[name] = launch(jobs, study_spec)
        state["studies"][name] = have[name].id
        _write_json(out / "transfer.json", state)
        say(f"{name}: study {have[name].id}, {len(have[name].points())} runs")

    def complete(name: str) -> bool:
        return name in have and progress(jobs.store, have[name])["complete"]

    while True:
        if "sources" not in have:
            start("sources", sources_study(plan))
        if plan.ppt and "ppt-pretrain" not in have:
            data = jobs.store.root / PPT_DATA / state["id"]  # inside the runs folder, never beside it
            start("ppt-pretrain", pretrain_study(plan, pretraining_data(plan, data)))
        waiting = False
        if complete("sources"):
            sources = {(p["changes"]["task"], p["seed"]): str(jobs.store.root / p["run"])
                       for p in _finished(jobs.store, have["sources"])}
            for seed in plan.seeds:
                name = f"init-seed{seed}"
                if name not in have and name not in state["skipped"]:
                    study_spec = init_study(plan, sources, seed)
                    if study_spec is None:
                        state["skipped"][name] = f"no source run of seed {seed} finished"
                        _write_json(out / "transfer.json", state)
                    start(name, study_spec)
        else:
            waiting = True
        if plan.ppt:
            if complete("ppt-pretrain"):
                done = _finished(jobs.store, have["ppt-pretrain"])
                for target in plan.ppt["targets"]:
                    name = f"ppt:{target}"
                    if name in have or name in state["skipped"]:
                        continue
                    if not done:
                        state["skipped"][name] = "the PPT pre-training run did not finish"
                        _write_json(out / "transfer.json", state)
                        continue
                    start(name, ppt_study(plan, target, str(jobs.store.root / done[0]["run"])))
            else:
                waiting = True
        infos = [progress(jobs.store, study) for study in have.values()]
        if not wait or (not waiting and all(i["complete"] for i in infos)):
            break
        say(f"{sum(i['finished'] for i in infos)}/{sum(i['total'] for i in infos)} runs finished", end="\r")
        time.sleep(every)
    results = analyse(jobs.store, plan, have, say=say)
    return write_transfer(out, state, plan, results)


# -- analysis: read the finished runs ----------------------------------------------------------------

def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _median_speedup(values: list) -> float | None:
    """The median over seeds (inf, "there at once", sorts last); None when no seed reached the threshold."""
    import statistics
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def analyse(store, plan: TransferSpec, studies: dict, say=print) -> dict:
    """The four parts of the report from the finished runs: pairs and zero-shot matrix (first seed's runs),
    transfer as initialisation (every seed), similarity vs gain, PPT. A part that cannot be measured says why
    in `notes` rather than failing the others."""
    notes: list[str] = []
    tasks = list(plan.tasks)
    sources = {(p["changes"]["task"], p["seed"]): (str(store.root / p["run"]), p.get("metric_name"))
               for p in (_finished(store, studies["sources"]) if "sources" in studies else [])}
    seed = plan.seeds[0]
    own = {t: sources[(t, seed)][0] for t in tasks if (t, seed) in sources}
    result: dict = {"tasks": tasks, "seed": seed, "notes": notes, "names": {}}
    for t in tasks:  # a file task is shown by its name (the file's stem), not its path
        try:
            result["names"][t] = load_task(t).name
        except (DataError, ConfigError, OSError):
            result["names"][t] = t

    # 1. which pairs qualify, and the zero-shot matrix relative to each target's own prompt
    try:
        pairs = transfer_pairs(tasks, tasks, RunConfig.from_dict({**plan.base, "task": tasks[0]}))
        result["pairs"] = {"qualified": [list(p) for p in pairs.qualified], "refused": [list(p) for p in pairs.refused]}
    except (ConfigError, DataError, MethodError, BackboneError) as error:
        result["pairs"] = {"qualified": [], "refused": []}
        notes.append(f"pairs: {error}")
    result["zero_shot"] = None
    if own:
        say(f"zero-shot matrix over {len(own)} tasks", flush=True)
        try:
            result["zero_shot"] = transfer_matrix(own, plan.zero_shot_examples)
        except (ConfigError, DataError, MethodError, BackboneError, ValueError) as error:
            notes.append(f"zero-shot matrix: {error}")
    missing = [t for t in tasks if t not in own]
    if missing:
        notes.append(f"no finished own run (seed {seed}) for {', '.join(missing)}: left out of the matrix")

    # 2. transfer as initialisation: each (source, target, seed) against the target's scratch run
    rows = []
    for name, study in studies.items():
        if not name.startswith("init-"):
            continue
        for p in _finished(store, study):
            target, source, run_seed = p["changes"]["task"], p["changes"]["label"].removeprefix("from "), p["seed"]
            if (target, run_seed) not in sources:
                continue
            scratch, metric = sources[(target, run_seed)]
            try:
                c = init_comparison(read_metrics(scratch), read_metrics(store.root / p["run"]), metric or p["metric_name"])
            except ValueError as error:
                notes.append(f"{source} -> {target} (seed {run_seed}): {error}")
                continue
            rows.append({"source": source, "target": target, "seed": run_seed, "metric": metric,
                         "scratch_best": c["scratch"]["best"], "scratch_final": c["scratch"]["final"],
                         "best": c["initialised"]["best"], "final": c["initialised"]["final"], "gain": c["gain"],
                         "speedup": c["speedup"], "run": p["run"], "scratch_run": Path(scratch).name})
    by_pair: dict = {}
    for row in rows:
        by_pair.setdefault((row["source"], row["target"]), []).append(row)
    result["init"] = [{"source": s, "target": t, "n": len(rs), "metric": rs[0]["metric"],
                       **{k: _mean([r[k] for r in rs]) for k in ("scratch_best", "scratch_final", "best", "final",
                                                                 "gain")},
                       "speedup": _median_speedup([r["speedup"] for r in rs]),
                       "never_reached": sum(r["speedup"] is None for r in rs)}
                      for (s, t), rs in by_pair.items()]
    result["init_runs"] = rows
    gains = {(r["source"], r["target"]): r["gain"] for r in result["init"]}

    # 3. similarity of the two tasks' own prompts (first seed) against the transfer gain
    similarity = []
    families = {t: load_task(t).family for t in own}
    for s in tasks:
        for t in tasks:
            if s == t or s not in own or t not in own:
                continue
            entry = {"source": s, "target": t, "gain": gains.get((s, t)), "cosine": None, "on": None}
            try:
                entry["cosine"] = prompt_cosine(own[s], own[t])
            except (MethodError, OSError) as error:
                entry["cosine_note"] = str(error)
            if families[s] != families[t]:  # asked before two models load for nothing
                entry["on_note"] = (f"ON reads one set of inputs with both prompts: {families[s]} and "
                                    f"{families[t]} tasks cannot share them")
            else:
                try:  # the target's own dev inputs: what the transferred prompt will read
                    entry["on"] = on_similarity(own[t], own[s], n=plan.on_examples)["overlap"]
                except (MethodError, ConfigError, DataError, BackboneError) as error:
                    entry["on_note"] = str(error)
            similarity.append(entry)
    result["similarity"] = similarity
    result["correlation"] = {}
    for key in ("cosine", "on"):
        values = {(e["source"], e["target"]): e[key] for e in similarity}
        try:
            result["correlation"][key] = rank_correlation(values, gains)
        except ValueError as error:
            result["correlation"][key] = {"rho": None, "p": None, "note": str(error)}

    # 4. PPT: few-shot targets from random, vocabulary and pre-trained prompts
    ppt = []
    for name, study in studies.items():
        if not name.startswith("ppt:"):
            continue
        target, finished = name.removeprefix("ppt:"), _finished(store, study)
        curves = {}
        for p in finished:
            curves.setdefault(p["changes"]["label"], {})[p["seed"]] = (read_metrics(store.root / p["run"]),
                                                                     p["metric_name"])
        for label, by_seed in curves.items():
            metric = next(iter(by_seed.values()))[1]
            try:
                scores = [best_and_final(rows_, metric) for rows_, _ in by_seed.values()]
                speedups = [convergence_speedup(curves["random"][s][0], rows_, metric)
                            for s, (rows_, _) in by_seed.items() if label != "random" and s in curves.get("random", {})]
            except ValueError as error:
                notes.append(f"ppt {target} {label}: {error}")
                continue
            ppt.append({"target": target, "init": label, "metric": metric, "n": len(scores),
                        "best": _mean([x["best"] for x in scores]), "final": _mean([x["final"] for x in scores]),
                        "speedup_vs_random": _median_speedup(speedups) if speedups else None})
    result["ppt"] = ppt
    if plan.ppt and not vocab_init_available(plan):
        notes.append(f"PPT: {plan.base.get('method')} has no vocabulary initialisation (only prompt-tuning "
                     "samples its prompt from vocabulary embeddings), so that arm is left out")
    return result


# -- the report: transfer.md, transfer.json, plots/*.html ----------------------------------------------

def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _times(value) -> str:
    if value is None:
        return "never"
    return "∞ (at once)" if value == math.inf else f"{value:.2f}×"


def _table(header: list[str], rows: list[list]) -> list[str]:
    clean = lambda cell: str(cell).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(clean(c) for c in row) + " |" for row in rows]]


def _json_safe(value):
    """inf (a speed-up "at once") as the text "inf": strict JSON readers refuse Infinity."""
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _from_json(value):
    if value == "inf":
        return math.inf
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _names(results: dict):
    """task as given (a preset, a file path) -> the name shown."""
    names = results.get("names") or {}
    return lambda task: names.get(task, task)


def report_markdown(plan: TransferSpec, mode: str | None, results: dict) -> str:
    """The report's tables, in the order of the issue: pairs, zero-shot, initialisation, similarity, PPT."""
    import time
    tasks, n = results["tasks"], _names(results)
    lines = [f"# Soft-prompt transfer: {plan.name} ({mode or 'as written'} mode)", "",
             f"Written {time.strftime('%Y-%m-%d %H:%M')}. Backbone {plan.base.get('backbone', RunConfig.backbone)}, "
             f"method {plan.base.get('method', RunConfig.method)}; tasks {', '.join(map(n, tasks))}; seeds "
             f"{', '.join(map(str, plan.seeds))}. Figures are dev metrics (%) of the runs in the lab.", "",
             "## 1. Zero-shot transfer", "", "Which (source → target) pairs can be evaluated as trained, and why:", ""]
    pairs = results.get("pairs", {})
    lines += _table(["source", "target", "why it qualifies"], [p for p in pairs.get("qualified", []) if p[0] != p[1]]
                    or [["–", "–", "no pair of two different tasks qualifies (only the diagonal)"]])
    lines += ["", "Refused pairs:", ""]
    lines += _table(["source", "target", "why not"], pairs.get("refused", []) or [["–", "–", "none"]])
    zero = results.get("zero_shot")
    if zero:
        lines += ["", "Relative score: zero-shot metric on the target ÷ the target's own prompt (the diagonal is "
                      "1.00; – is a refused pair). In brackets the absolute zero-shot metric (%).", ""]
        lines += _table(["source \\ target", *map(n, zero["tasks"])], [
            [n(s), *(("–" if zero["relative"][s][t] is None else f"{zero['relative'][s][t]:.2f}")
                  + (f" ({_pct(zero['absolute'][s][t])})" if zero["absolute"][s][t] is not None else "")
                  for t in zero["tasks"])] for s in zero["tasks"]])
    else:
        lines += ["", "No zero-shot matrix (no finished source run)."]
    lines += ["", "## 2. Transfer as initialisation", "",
              "Each target trained from another task's prompt against the same target from a random start (its "
              "stage-1 run). Speed-up: steps the scratch run needs to reach 90% of its best, divided by the steps "
              "the initialised run needs (Su et al., 2022); 'never': it did not get there. Means over seeds, "
              "median speed-up.", ""]
    lines += _table(["source → target", "scratch best", "init best", "gain", "scratch final", "init final",
                     "speed-up", "seeds"],
                    [[f"{n(r['source'])} → {n(r['target'])}", _pct(r["scratch_best"]), _pct(r["best"]),
                      f"{100 * r['gain']:+.1f}", _pct(r["scratch_final"]), _pct(r["final"]), _times(r["speedup"]),
                      r["n"]] for r in results.get("init", [])] or [["no finished pair yet", *["–"] * 7]])
    speed = {(r["source"], r["target"]): r["speedup"] for r in results.get("init", [])}
    lines += ["", "Speed-up matrix (source row → target column):", ""]
    lines += _table(["source \\ target", *map(n, tasks)], [[n(s), *("·" if s == t else _times(speed[(s, t)]) if (s, t) in speed
                                                        else "–" for t in tasks)] for s in tasks])
    lines += ["", "## 3. Prompt similarity as a predictor of the gain", "",
              "Cosine: of the two tasks' own prompts, tokens averaged (SPoT). ON: overlap of the top 10% "
              "feed-forward neurons each prompt activates on the target's dev inputs (Su et al., 2022); it needs "
              "two tasks of one family.", ""]
    lines += _table(["source → target", "cosine", "ON", "gain"],
                    [[f"{n(e['source'])} → {n(e['target'])}", "–" if e["cosine"] is None else f"{e['cosine']:.3f}",
                      "–" if e["on"] is None else f"{e['on']:.3f}",
                      "–" if e["gain"] is None else f"{100 * e['gain']:+.1f}"] for e in results.get("similarity", [])]
                    or [["–", "–", "–", "–"]])
    lines += ["", "Spearman rank correlation with the gain:", ""]
    corr = results.get("correlation", {})
    lines += _table(["predictor", "rho", "p", "pairs / note"],
                    [[k, "–" if c.get("rho") is None else f"{c['rho']:.3f}",
                      "–" if c.get("p") is None else f"{c['p']:.3g}",
                      c.get("note") or (f"{c.get('pairs')} pairs" + ("; one side is constant" if c.get("rho") is None
                                                                      else ""))]
                     for k, c in corr.items()])
    lines += ["", "## 4. Prompt pre-training (PPT)", ""]
    if plan.ppt:
        lines += [f"A prompt pre-trained on {plan.ppt.get('kind', 'next-sentence')} pairs built from the texts of "
                  f"{', '.join(plan.ppt['texts_from'])}, then each target trained on {plan.ppt.get('examples', 32)} "
                  "examples from it, from a random prompt and from sampled vocabulary embeddings.", ""]
        lines += _table(["target", "start", "best", "final", "speed-up vs random", "seeds"],
                        [[n(r["target"]), r["init"], _pct(r["best"]), _pct(r["final"]),
                          "·" if r["init"] == "random" else _times(r["speedup_vs_random"]), r["n"]]
                         for r in results.get("ppt", [])] or [["no finished run yet", *["–"] * 5]])
    else:
        lines.append("Not part of this study (no `ppt`).")
    if results.get("notes"):
        lines += ["", "## Notes", "", *[f"- {n}" for n in results["notes"]]]
    return "\n".join(lines) + "\n"


def zero_shot_figure(results: dict):
    """Heatmap: relative zero-shot score, source rows × target columns; refused pairs blank."""
    import plotly.graph_objects as go
    zero = results.get("zero_shot")
    if not zero:
        return None
    tasks, labels = zero["tasks"], [_names(results)(t) for t in zero["tasks"]]
    z = [[zero["relative"][s][t] for t in tasks] for s in tasks]
    text = [["refused" if v is None else f"{v:.2f}" for v in row] for row in z]
    figure = go.Figure(go.Heatmap(z=z, x=labels, y=labels, text=text, texttemplate="%{text}", colorscale="Viridis",
                                  hovertemplate="%{y} → %{x}: %{text}<extra></extra>"))
    figure.update_layout(title="Zero-shot transfer relative to the target's own prompt", xaxis_title="target",
                         yaxis_title="source", yaxis_autorange="reversed", template="plotly_white", height=420)
    return figure


def speedup_figure(results: dict):
    """Heatmap: convergence speed-up of each target initialised from each source (text: speed-up and gain)."""
    import plotly.graph_objects as go
    tasks, init = results["tasks"], {(r["source"], r["target"]): r for r in results.get("init", [])}
    if not init:
        return None
    cap = lambda v: None if v is None else min(v, 10.0)  # noqa: E731 - inf shown as 10 on the colour scale
    z = [[cap(init[(s, t)]["speedup"]) if (s, t) in init else None for t in tasks] for s in tasks]
    text = [[f"{_times(init[(s, t)]['speedup'])}<br>{100 * init[(s, t)]['gain']:+.1f}" if (s, t) in init else ""
             for t in tasks] for s in tasks]
    labels = [_names(results)(t) for t in tasks]
    figure = go.Figure(go.Heatmap(z=z, x=labels, y=labels, text=text, texttemplate="%{text}", colorscale="RdBu",
                                  zmid=1.0, hovertemplate="%{y} → %{x}: %{text}<extra></extra>"))
    figure.update_layout(title="Transfer as initialisation: speed-up (and gain in points)", xaxis_title="target",
                         yaxis_title="source", yaxis_autorange="reversed", template="plotly_white", height=420)
    return figure


def similarity_figure(results: dict):
    """Scatter: gain against each similarity (cosine, ON), one marker per (source, target)."""
    import plotly.graph_objects as go
    figure, n = go.Figure(), _names(results)
    corr = results.get("correlation", {})
    for key, name in (("cosine", "cosine of averaged prompts"), ("on", "activated-neuron overlap (ON)")):
        points = [e for e in results.get("similarity", []) if e[key] is not None and e["gain"] is not None]
        if not points:
            continue
        rho = corr.get(key, {}).get("rho")
        figure.add_trace(go.Scatter(x=[e[key] for e in points], y=[100 * e["gain"] for e in points],
                                    mode="markers+text", text=[f"{n(e['source'])}→{n(e['target'])}" for e in points],
                                    textposition="top center",
                                    name=name + ("" if rho is None else f" (Spearman ρ {rho:.2f})")))
    if not figure.data:
        return None
    figure.update_layout(title="Prompt similarity against the transfer gain", xaxis_title="similarity",
                         yaxis_title="gain in best dev metric (points)", template="plotly_white", height=420,
                         legend={"orientation": "h", "y": -0.2})
    return figure


FIGURES = {"zero-shot": zero_shot_figure, "speedup": speedup_figure, "similarity": similarity_figure}


def write_transfer(out: Path, state: dict, plan: TransferSpec, results: dict) -> dict:
    """transfer.md, transfer.json (the state and the numbers) and plots/<figure>.html. -> the results."""
    import time
    import plotly.offline
    from core.runs import _write_json
    plots = out / "plots"
    plots.mkdir(exist_ok=True)
    (plots / "plotly.min.js").write_text(plotly.offline.get_plotlyjs())
    for name, build in FIGURES.items():
        figure = build(results)
        if figure is not None:
            figure.write_html(plots / f"{name}.html", include_plotlyjs="directory")
    (out / "transfer.md").write_text(report_markdown(plan, state.get("mode"), results))
    _write_json(out / "transfer.json", {**state, "results": _json_safe(results), "written": time.time()})
    return results


def read_results(out: str | Path) -> dict | None:
    """A report folder's results (inf restored), or None before its analysis ran."""
    results = transfer_state(Path(out)).get("results")
    return _from_json(results) if isinstance(results, dict) else None
