"""Soft-prompt transfer studies: the measurements behind a transfer matrix.

SPoT (Vu et al., 2022) and "On Transferability of Prompt Tuning" (Su et al., 2022) ask which trained
prompts help which tasks, zero-shot and as an initialisation, and what predicts it; PPT (Gu et al., 2022)
pre-trains prompts on self-supervised data first. core/studies.py plans and queues the runs; this module
measures them:

    qualified, refused = transfer_pairs(["sentiment", "nli"], ["sentiment", "nli"], method="prompt-tuning")
    metrics = evaluate_on("runs/<sst>", "sentiment-2")            # zero-shot: the source's prompt AND head
    matrix = transfer_matrix({"sentiment": "runs/a", "my-reviews.csv": "runs/b"})   # absolute + relative
    convergence_speedup(read_metrics(scratch), read_metrics(initialised), "accuracy")
    prompt_cosine("runs/a", "runs/b"); on_similarity("runs/a", "runs/b")   # similarity predictors
    rank_correlation(similarities, gains)                          # Spearman over pairs
    task = pretraining_task(task_texts(load_task("qa")), n=400)   # PPT-style next-sentence pairs

Everything here reads finished run folders (config.yaml, metrics.jsonl, trained.safetensors) and
trains nothing itself. Zero-shot loading is done here rather than through core/methods/transfer.py
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
    """A run folder's metrics.jsonl rows (a line that is not a JSON row with an int step is skipped,
    as core.runs does: the line being written right now)."""
    rows = []
    try:
        lines = (Path(folder) / "metrics.jsonl").read_text(errors="replace").splitlines()
    except OSError:
        return rows
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and isinstance(row.get("step"), int):
            rows.append(row)
    return rows


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
