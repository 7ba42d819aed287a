"""Trained runs to and from PEFT's adapter format: `adapter_config.json` + `adapter_model.safetensors`.

    python -m core.export runs/<id> --format peft --out DIR
    export_peft("runs/<id>", "DIR")   # -> DIR, or ExportError saying why this run cannot be exported
    peft_plan("runs/<id>")            # what it would write, checked; reads tensor headers only

A folder written here loads with `PeftModel.from_pretrained(AutoModelFor<Task>.from_pretrained(<backbone>,
num_labels=N), DIR)` and computes the lab's outputs (tests/core/test_export.py checks it to 1e-5 on tiny
random backbones; the lab's token and span outputs are PEFT's with the prompt's leading positions dropped).
Its fields and tensor names are those PEFT 0.21 writes itself (PEFT's own config classes write the JSON;
the test compares both files with a `save_pretrained` of the same PEFT model):

    prompt-tuning  PROMPT_TUNING  prompt_embeddings (P, H) + the head in modules_to_save
    prefix-tuning  PREFIX_TUNING  prompt_embeddings (P, layers * 2 * kv_heads * head_dim), the key/value
    p-tuning-v2                   layout PEFT and P-tuning v2 share; a prefix trained through an MLP is
                                  written as the prefix the MLP makes (PEFT saves projected prefixes so too),
                                  with prefix_projection false, so it also loads for further training
    lora           LORA           lora_A / lora_B of the lab's target modules, rank r, alpha 2r

Conventions. PEFT prepends a shallow prompt before [CLS] and lets deep prompts shift the input's positions
by the prompt length (it hands them over as past_key_values, and the backbone counts positions on from the
cache's length); transformers' BertForSequenceClassification reads its pooler, and decoders' score has no
bias. The original P-tuning v2 code (THUDM/P-tuning-v2, model/prefix_encoder.py and
model/sequence_classification.py) does the same as PEFT: `self.bert(input_ids, ..., position_ids=position_ids,
past_key_values=past_key_values)` with position_ids None, so BertEmbeddings takes positions
past_key_values_length .. + T (shifted by pre_seq_len), and the classifier reads `outputs[1]`, the frozen
pretrained pooler's output. The lab's default layout ('lab') keeps each input token at the position it had
in pretraining (explicit position_ids 0..T-1 under deep prompts, so a prompt takes none of max_length's
positions), puts a shallow prompt after [CLS] and reads [CLS] with one linear layer; its figures were all
measured that way, so it stays the default. `layout: peft` (core/methods/layout.py, core/model.py) trains
the PEFT / P-tuning v2 way, and such runs export exactly.

What exports, per method (anything else is refused with its reason; tested on BERT, Llama and BART):
  prompt-tuning  layout peft: every head below. Layout lab: decoders and encoder-decoders (the prompt is
                 first there in both layouts) with token and generation heads; not on an encoder (prompt
                 after [CLS]) nor a decoder's classification head (bias).
  prefix-tuning, p-tuning-v2   layout peft, prompts in every layer, encoders and decoders; not layout lab
                 (positions), prompt_layers other than all, encoder-decoders (the lab prefixes the encoder's
                 self-attention too; PEFT's prefix tuning only the decoder's), nor head verbalizer.
  lora           token, span and generation heads in both layouts; classification heads in layout peft.
  heads          sequence -> SEQ_CLS, token (tagging, SRL) -> TOKEN_CLS, span -> QUESTION_ANS, generation ->
                 CAUSAL_LM / SEQ_2_SEQ_LM. Label words read by the LM head (verbalizer, probing) have no PEFT
                 task type. P-tuning (template slots, anchors, a verbalizer), hand-written prompts, BitFit and
                 fine-tuning have no PEFT adapter that reproduces them.
What PEFT and transformers themselves compute differently (peft 0.21, transformers 5.23), so refused or noted:
  QA on BERT     PeftModelForQuestionAnswering does not pass token_type_ids on: prompt methods are refused;
                 LoRA exports, called through `model.get_base_model()` (its note says so).
  QA on Llama    LlamaForQuestionAnswering names its transformer `transformer`, Llama checkpoints `model`:
                 from_pretrained leaves the backbone random, so every method is refused there.
  prompt tuning, decoder classification: PEFT passes inputs_embeds, so the classifier reads the last
                 position, padding or not: one input at a time (noted).

The other way, `--init-from` accepts a PEFT adapter folder (`adapter_prompts`): PROMPT_TUNING and P_TUNING
prompt embeddings start a prompt-tuning prompt, PREFIX_TUNING's prefix a deep prompt trained directly.
"""
from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from core.backbones import BackboneError, backbone_presets, load_backbone, quiet_transformers
from core.config import ConfigError, DEEP_PROMPT_METHODS, RunConfig

FORMATS = ("peft",)
# Where the offline backbones' weights come from on the hub (the lab's packages are copies of them; the
# GGUF ones are quantised copies, so a hub model computes slightly different outputs than the run)
HUB_IDS = {"minilm-l6": "sentence-transformers/all-MiniLM-L6-v2",
           "smollm2-135m": "HuggingFaceTB/SmolLM2-135M-Instruct",
           "gemma3-270m": "google/gemma-3-270m"}
# family head -> (PEFT task type, transformers Auto class, the head modules PEFT saves for that task type)
TASK_TYPES = {"sequence": ("SEQ_CLS", "AutoModelForSequenceClassification", ["classifier", "score"]),
              "token": ("TOKEN_CLS", "AutoModelForTokenClassification", ["classifier", "score"]),
              "span": ("QUESTION_ANS", "AutoModelForQuestionAnswering", ["qa_outputs"]),
              "lm": ("CAUSAL_LM", "AutoModelForCausalLM", None)}
SEQ2SEQ = ("SEQ_2_SEQ_LM", "AutoModelForSeq2SeqLM", None)
NO_ADAPTER = {
    "fine-tuning": "fine-tuning trains the whole backbone: its result is a full model, not an adapter",
    "bitfit": "BitFit trains the backbone's own bias terms, and PEFT has no adapter type that holds them",
    "manual-prompt": "a hand-written prompt trains no adapter (zero-shot it trains nothing; with epochs it "
                     "fine-tunes the whole backbone)",
    "p-tuning": "the lab's P-tuning puts its prompt vectors at template slots between the input's words, around "
                "anchor tokens, and scores label words at [MASK]; PEFT's P_TUNING only prepends virtual tokens "
                "and has no verbalizer, so no PEFT adapter computes this run",
}
TRAIN_PEFT = "train it with layout 'peft' (--layout peft, or layout: peft in its config) to export it exactly"


class ExportError(ValueError):
    """A run that cannot be exported; the message says why and what to do instead."""


@dataclass
class Plan:
    """What exporting a run writes, decided and checked without reading a tensor's values."""
    run: Path
    config: RunConfig
    peft_config: object  # PEFT's own config dataclass (it writes adapter_config.json)
    auto_class: str  # transformers Auto class the adapter goes on
    base_model: str  # hub id or path to load it from, or the lab's name for a backbone with no hub copy
    tensors: dict[str, str]  # PEFT key -> the run's tensor name ("prompt_embeddings" may be computed: `prefix`)
    load_kwargs: dict = field(default_factory=dict)  # what from_pretrained needs beyond the id (num_labels, ...)
    notes: list[str] = field(default_factory=list)
    reparameterized: bool = False  # the prefix comes from an MLP: written as the MLP's output

    @property
    def folder_name(self) -> str:
        return f"{self.run.name}-peft"

    @property
    def kind(self) -> str:
        """'PROMPT_TUNING (SEQ_CLS)'"""
        return f"{_text(self.peft_config.peft_type)} ({_text(self.peft_config.task_type)})"

    def code(self, folder: str | None = None) -> str:
        """The three lines that load the adapter."""
        extra = "".join(f", {k}={json.dumps(v)}" for k, v in self.load_kwargs.items())
        return (f"from transformers import {self.auto_class}\nfrom peft import PeftModel\n"
                f"model = PeftModel.from_pretrained({self.auto_class}.from_pretrained({json.dumps(self.base_model)}"
                f"{extra}), {json.dumps(folder or self.folder_name)})")


# -- deciding --------------------------------------------------------------------------------------
def peft_plan(run_folder: str | Path) -> Plan:
    """Check that a finished run has a PEFT adapter that reproduces it, and lay out what it writes."""
    run = Path(run_folder)
    config, family_name = _finished_run(run)
    reason = NO_ADAPTER.get(config.method)
    if reason:
        raise ExportError(f"run {run.name} ({config.method}) cannot be exported to PEFT: {reason}")
    if config.tasks:
        raise ExportError(f"run {run.name} is a multi-task run with one head per task, which a PEFT adapter (one "
                          "head) cannot hold; continue one task alone (python -m core.train --continue-per-task) and "
                          "export that")
    from core.tasks import DataError, get_family
    try:
        head = get_family(family_name).head
    except DataError as error:
        raise ExportError(f"run {run.name}: {error}") from None
    if head not in TASK_TYPES or config.head == "verbalizer":
        raise ExportError(f"run {run.name} scores label words with the language model's head ({family_name}"
                          f"{', head verbalizer' if config.head == 'verbalizer' else ''}); PEFT has no task type that "
                          "reads label words, so no adapter reproduces it (head 'cls' runs export)")
    try:
        backbone = load_backbone(config.backbone, weights=False)  # the meta device: config and shapes only
    except BackboneError as error:
        raise ExportError(f"run {run.name}: {error}") from None
    _check_reproducible(run.name, config, backbone, head)
    try:
        with safe_open(str(run / "trained.safetensors"), "pt") as f:
            shapes = {name: tuple(f.get_slice(name).get_shape()) for name in f.keys()}
    except Exception as error:  # safetensors raises its own error type for a damaged file
        raise ExportError(f"run {run.name}: trained.safetensors cannot be read ({error})") from None
    task_type, auto_name, heads = SEQ2SEQ if backbone.kind == "encoder-decoder" else TASK_TYPES[head]
    target = _target_model(auto_name, backbone, shapes)
    if target.base_model_prefix != backbone.model.base_model_prefix:
        raise ExportError(f"run {run.name}: transformers' {type(target).__name__} names the transformer it wraps "
                          f"'{target.base_model_prefix}', and {backbone.config.model_type} checkpoints name it "
                          f"'{backbone.model.base_model_prefix}', so {auto_name}.from_pretrained would leave the whole "
                          "backbone at random weights; no adapter on it reproduces the run")
    lora = config.method == "lora"
    prefix = "base_model.model." if lora else "base_model."
    tensors = {prefix + theirs: ours for theirs, ours in _head_names(run.name, shapes, target, auto_name).items()}
    pooled = "head.pooler.dense.weight" in shapes
    modules = (["pooler"] if pooled else []) + heads if heads else None
    if lora:
        peft_config, names = _lora(run.name, config, shapes, backbone, target, task_type, modules)
    else:
        peft_config, names = _prompt(run.name, config, shapes, backbone, task_type, modules)
    tensors.update({(k if k == "prompt_embeddings" else prefix + k): v for k, v in names.items()})
    peft_config.base_model_name_or_path, base_model = _base_model(config.backbone)
    peft_config.inference_mode = True  # as PeftModel.save_pretrained writes it
    return Plan(run, config, peft_config, auto_name, base_model, tensors, _load_kwargs(head, backbone, shapes),
                _notes(config, backbone, head, task_type), reparameterized="deep_prompt.mlp.0.weight" in shapes)


def _finished_run(run: Path) -> tuple[RunConfig, str]:
    """-> (the run's config, its task family), or ExportError when it is not a finished run folder."""
    if not (run / "config.yaml").is_file():
        raise ExportError(f"{run} is not a run folder (it has no config.yaml)")
    try:
        config = RunConfig.from_yaml(run / "config.yaml")
    except ConfigError as error:
        raise ExportError(f"run {run.name}: {error}") from None
    status = _json(run / "status.json").get("status", "unknown")
    if status != "finished":
        raise ExportError(f"run {run.name} is {status}: only a finished run's trained parameters are exported")
    if not (run / "trained.safetensors").is_file():
        raise ExportError(f"run {run.name} has no trained.safetensors, so there is nothing to export")
    family = _json(run / "final.json").get("family") or config.family or _preset_family(config.task)
    if not family:
        raise ExportError(f"run {run.name}: its task family is not recorded (final.json has none)")
    return config, family


def _check_reproducible(run: str, config: RunConfig, backbone, head: str) -> None:
    """Refuse a run whose convention PEFT computes differently (the module docstring's table)."""
    peft, kind = config.layout == "peft", backbone.kind
    if head == "span" and segments(backbone) and config.method != "lora":
        raise ExportError(f"run {run} reads question and passage as two segments (token_type_ids); PEFT's "
                          "PeftModelForQuestionAnswering (peft 0.21) does not hand token_type_ids on to the model, so "
                          "under a prompt it would read the passage as the first segment and compute other answers")
    if config.method == "prompt-tuning" and not peft:
        if kind == "encoder":
            raise ExportError(f"run {run} was trained with the lab's layout, which puts the prompt after [CLS]; PEFT "
                              f"puts it before [CLS], so the encoder would read another sequence; {TRAIN_PEFT}")
        if head == "sequence":
            raise ExportError(f"run {run} classifies with the lab's head (a linear layer with a bias on the last "
                              f"token); a decoder's *ForSequenceClassification has no bias; {TRAIN_PEFT}")
    if config.method in DEEP_PROMPT_METHODS:
        if not peft:
            raise ExportError(f"run {run} was trained with the lab's layout, which keeps the input at positions "
                              "0..T-1 under the prefix; PEFT (like P-tuning v2's own code) shifts them by the "
                              f"prompt length, so it would compute other outputs; {TRAIN_PEFT}")
        if kind == "encoder-decoder":
            raise ExportError(f"run {run}: the lab prefixes an encoder-decoder's encoder self-attention, decoder "
                              "self-attention and cross-attention (as Prefix-tuning does); PEFT's prefix tuning "
                              "prefixes the decoder only, so no PEFT adapter reproduces it")
        if config.prompt_layers not in (None, "all"):
            raise ExportError(f"run {run} has prompts in layers {config.prompt_layers} only; PEFT's prefix tuning "
                              "prompts every layer")
    if config.method == "lora" and head == "sequence" and not peft:
        what = "the raw [CLS] vector (no pooler)" if kind == "encoder" else "the last token with a bias"
        raise ExportError(f"run {run} classifies with the lab's head on {what}; transformers' "
                          f"*ForSequenceClassification computes another head; {TRAIN_PEFT}")


def segments(backbone) -> bool:
    """The encoder tells its input's segments apart (BERT's token_type_ids), which the lab hands it."""
    return backbone.kind == "encoder" and getattr(backbone.config, "type_vocab_size", 1) > 1


def _target_model(auto_name: str, backbone, shapes: dict) -> torch.nn.Module:
    """The Auto class's model for this backbone on the meta device: what the adapter's names must fit."""
    import transformers
    config = copy.deepcopy(backbone.config)
    if "head.classifier.weight" in shapes:
        config.num_labels = shapes["head.classifier.weight"][0]
    if config.pad_token_id is None:
        config.pad_token_id = backbone.tokenizer.pad_token_id
    try:
        with torch.device("meta"), quiet_transformers():
            return getattr(transformers, auto_name).from_config(config)
    except (ValueError, KeyError) as error:
        raise ExportError(f"transformers has no {auto_name} for {backbone.name} ({config.model_type}): "
                          f"{str(error).splitlines()[0]}") from None


def _head_names(run: str, shapes: dict, target, auto_name: str) -> dict[str, str]:
    """The run's head tensors -> the Auto model's names for them, every one of those modules filled."""
    owner = {"classifier": "classifier" if hasattr(target, "classifier") else "score",
             "pooler": f"{target.base_model_prefix}.pooler", "qa_outputs": "qa_outputs"}
    theirs = dict(target.named_parameters())
    names, modules = {}, set()
    for ours in (n for n in shapes if n.startswith("head.")):
        module, _, leaf = ours[len("head."):].partition(".")
        mapped = f"{owner.get(module, module)}.{leaf}"
        if mapped not in theirs or tuple(theirs[mapped].shape) != shapes[ours]:
            raise ExportError(f"run {run}: its head tensor {ours} {shapes[ours]} has no place in {auto_name}"
                              f"({type(target).__name__}), whose head is another shape; no adapter reproduces it")
        names[ours], modules = mapped, modules | {owner.get(module, module)}
    for module in modules:  # a parameter left out would stay the base model's random initialisation
        missing = [n for n in theirs if n.startswith(module + ".") and n not in names.values()]
        if missing:
            raise ExportError(f"run {run}: {type(target).__name__} has {', '.join(missing)} in its head, which the "
                              "run's head lacks (e.g. a bias), so PEFT would compute another head")
    return {theirs_name: ours for ours, theirs_name in names.items()}


def _prompt(run: str, config: RunConfig, shapes: dict, backbone, task_type: str, modules):
    """PEFT's PROMPT_TUNING / PREFIX_TUNING config and the prompt tensor, checked against PEFT's sizing."""
    from peft import PrefixTuningConfig, PromptTuningConfig
    from peft.utils.other import _prepare_prompt_learning_config
    if "input_prompt.embedding" in shapes:
        length, width = shapes["input_prompt.embedding"]
        peft_config = PromptTuningConfig(task_type=task_type, num_virtual_tokens=length, num_transformer_submodules=1,
                                         modules_to_save=modules)
        source = "input_prompt.embedding"
    elif "deep_prompt.embedding.weight" in shapes:
        length = shapes["deep_prompt.embedding.weight"][0]
        width = shapes["deep_prompt.mlp.2.weight"][0] if "deep_prompt.mlp.2.weight" in shapes \
            else shapes["deep_prompt.embedding.weight"][1]
        peft_config = PrefixTuningConfig(task_type=task_type, num_virtual_tokens=length, prefix_projection=False,
                                         num_transformer_submodules=1, modules_to_save=modules)
        source = "deep_prompt.embedding.weight"
    else:
        raise ExportError(f"run {run} ({config.method}) has no prompt in its trained parameters")
    peft_config = _prepare_prompt_learning_config(peft_config, backbone.config)
    expected = peft_config.token_dim * (2 * peft_config.num_layers if source.startswith("deep") else 1)
    if width != expected:
        raise ExportError(f"run {run}: its prompt is {length} x {width}, and PEFT sizes one for {backbone.name} as "
                          f"{length} x {expected}; no PEFT adapter holds it")
    return peft_config, {"prompt_embeddings": source}


def _lora(run: str, config: RunConfig, shapes: dict, backbone, target, task_type: str, modules):
    """PEFT's LORA config (rank, alpha 2r as core/methods/lora.py) and the run's A/B matrices in PEFT's names."""
    from peft import LoraConfig
    body = backbone.model.base_model_prefix  # the lab's LM names its transformer this; the Auto class maybe not
    theirs = dict(target.named_modules())
    names, leaves, ranks = {}, set(), set()
    for ours in (n for n in shapes if ".lora_" in n):
        path, kind, _adapter, leaf = ours[len("backbone."):].rsplit(".", 3)  # <module>.lora_A.default.weight
        module = target.base_model_prefix + path[len(body):] if path.startswith(body + ".") else path
        if not isinstance(theirs.get(module), torch.nn.Linear):
            raise ExportError(f"run {run}: its LoRA module {path} has no counterpart in {type(target).__name__}")
        names[f"{module}.{kind}.{leaf}"] = ours
        leaves.add(module.rsplit(".", 1)[-1])
        ranks.add(shapes[ours][0] if kind == "lora_A" else shapes[ours][1])
    if not names or len(ranks) != 1:
        raise ExportError(f"run {run}: its trained parameters hold no LoRA matrices of one rank")
    rank = ranks.pop()
    peft_config = LoraConfig(task_type=task_type, r=rank, lora_alpha=2 * rank, lora_dropout=config.dropout or 0.0,
                             target_modules=sorted(leaves), modules_to_save=modules)
    return peft_config, names


def _base_model(name: str) -> tuple[str | None, str]:
    """-> (adapter_config's base_model_name_or_path, what the load code names)."""
    if name in HUB_IDS:
        return HUB_IDS[name], HUB_IDS[name]
    spec = backbone_presets().get(name)
    if spec and spec["source"] == "config":
        return None, f"<{name}: a random test model with no hub copy; save its backbone and give that folder>"
    if spec:
        return None, f"<{name}: a folder holding its weights>"
    return name, name  # a hub id or a local folder the run was trained from


def _load_kwargs(head: str, backbone, shapes: dict) -> dict:
    kwargs = {}
    if "head.classifier.weight" in shapes:
        kwargs["num_labels"] = shapes["head.classifier.weight"][0]
    if head == "sequence" and backbone.kind == "decoder":  # the last token before padding: found by its id
        kwargs["pad_token_id"] = backbone.tokenizer.pad_token_id
    return kwargs


def _notes(config: RunConfig, backbone, head: str, task_type: str) -> list[str]:
    notes = ["Tokenize as the lab did: tokenizer(text[, text_b], truncation=True, "
             f"max_length={config.max_length}), padded on the right."]
    spec = backbone_presets().get(config.backbone) or {}
    if spec.get("source") == "gguf":
        notes.append(f"{config.backbone}'s weights come from {HUB_IDS.get(config.backbone, 'the hub')}; the lab "
                     "trained on its quantised GGUF file, de-quantised, so that hub model's outputs differ slightly "
                     "from the run's. The lab's own copy is the folder ~/.cache/prompt-lab/"
                     f"{config.backbone}/model: load that instead for the run's exact outputs.")
    if config.method == "prompt-tuning" and head in ("token", "span"):
        notes.append(f"PEFT's outputs start with the prompt's {config.prompt_length} positions: drop them "
                     f"(logits[:, {config.prompt_length}:]) to align them with the input tokens.")
    if config.method == "prompt-tuning" and head == "sequence" and backbone.kind == "decoder":
        notes.append("Under prompt tuning PEFT hands the decoder inputs_embeds, so *ForSequenceClassification reads "
                     "the last position, padding or not: classify one input at a time.")
    if head == "span" and segments(backbone):
        notes.append("PeftModelForQuestionAnswering (peft 0.21) drops token_type_ids: call the model it wraps, "
                     "which holds the LoRA layers: model.get_base_model()(input_ids=..., attention_mask=..., "
                     "token_type_ids=...).")
    if task_type == "SEQ_2_SEQ_LM" and config.method == "prompt-tuning":
        notes.append("The prompt goes before the encoder's input only (num_transformer_submodules 1).")
    return notes


# -- writing ----------------------------------------------------------------------------------------
def export_peft(run_folder: str | Path, out: str | Path) -> Path:
    """Write the run's adapter folder at `out` (created; an existing adapter there is replaced). -> out."""
    return write(peft_plan(run_folder), out)


def write(plan: Plan, out: str | Path) -> Path:
    """Write a checked plan's adapter folder at `out`. -> out."""
    with safe_open(str(plan.run / "trained.safetensors"), "pt") as f:
        tensors = {key: _tensor(f, plan, ours) for key, ours in plan.tensors.items()}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plan.peft_config.save_pretrained(str(out))  # PEFT's own writer: its fields, as PEFT writes them
    save_file(tensors, str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    (out / "README.md").write_text(_readme(plan, out.name))
    return out


def _tensor(f, plan: Plan, ours: str) -> torch.Tensor:
    value = f.get_tensor(ours).float()
    if ours == "deep_prompt.embedding.weight" and plan.reparameterized:
        with torch.no_grad():  # the MLP's output is the prefix (core/methods/deep_prompt.py, eval mode)
            hidden = torch.tanh(torch.nn.functional.linear(value, f.get_tensor("deep_prompt.mlp.0.weight").float(),
                                                           f.get_tensor("deep_prompt.mlp.0.bias").float()))
            value = torch.nn.functional.linear(hidden, f.get_tensor("deep_prompt.mlp.2.weight").float(),
                                               f.get_tensor("deep_prompt.mlp.2.bias").float())
    return value.contiguous()


def _readme(plan: Plan, folder: str) -> str:
    config = plan.config
    labels = _labels(config.task)
    lines = [f"# {plan.run.name}: {config.method} on {config.task}, exported from Prompt Lab", "",
             f"A PEFT {plan.kind} adapter for {config.backbone}, trained with layout '{config.layout}'. "
             "Load it with:", "", "```python",
             plan.code(folder), "```", ""]
    if labels and len(labels) == plan.load_kwargs.get("num_labels"):
        lines += [f"Labels, in the order of the outputs: {', '.join(map(str, labels))}.", ""]
    if plan.reparameterized:
        lines += ["The prefix was trained through an MLP; this is the prefix it produces (as PEFT saves one).", ""]
    return "\n".join(lines + [f"- {note}" for note in plan.notes]) + "\n"


def peft_zip(run_folder: str | Path, into: str | Path, plan: Plan | None = None) -> Path:
    """The adapter folder as a zip inside `into` (a fresh folder of the caller's: the web lab's temp dir)."""
    plan = plan or peft_plan(run_folder)
    folder = write(plan, Path(into) / plan.folder_name)
    archive = shutil.make_archive(str(folder), "zip", root_dir=folder.parent, base_dir=folder.name)
    shutil.rmtree(folder)
    return Path(archive)


# -- reading: --init-from a PEFT adapter folder ------------------------------------------------------
def is_adapter_folder(path: str | Path) -> bool:
    return (Path(path) / "adapter_config.json").is_file()


def adapter_prompts(folder: str | Path, own: dict[str, tuple], load: bool = True) -> dict[str, torch.Tensor | None]:
    """A PEFT adapter's soft prompt as this run's prompt parameters ({name: shape} in `own`): PROMPT_TUNING and
    P_TUNING embeddings (virtual tokens x hidden size) fill a prompt-tuning prompt, a PREFIX_TUNING prefix
    (virtual tokens x layers * 2 * kv width) a deep prompt trained directly. Shapes are checked from the
    file's header; load=False reads no values (a preview). MethodError on any mismatch."""
    from core.methods.base import MethodError
    folder = Path(folder)
    config = _json(folder / "adapter_config.json")
    kind = config.get("peft_type")
    file = folder / "adapter_model.safetensors"
    if not file.is_file():
        raise MethodError(f"init_from: {folder} has no adapter_model.safetensors (an adapter_model.bin is not read; "
                          "save it again with a recent PEFT, which writes safetensors)")
    targets = {"PROMPT_TUNING": "input_prompt.embedding", "P_TUNING": "input_prompt.embedding",
               "PREFIX_TUNING": "deep_prompt.embedding.weight"}
    if kind not in targets:
        raise MethodError(f"init_from: {folder} is a PEFT {kind} adapter, which holds no soft prompt to start from "
                          f"(PROMPT_TUNING, P_TUNING and PREFIX_TUNING adapters do)")
    name = targets[kind]
    if set(own) != {name}:
        what = "a prompt-tuning prompt" if name.startswith("input") else \
            "a deep prompt trained directly (p-tuning-v2, or prefix-tuning with reparameterize false)"
        raise MethodError(f"init_from: the {kind} adapter in {folder} can start {what}, and this run's prompt is "
                          f"{', '.join(sorted(own))}")
    with safe_open(str(file), "pt") as f:
        if "prompt_embeddings" not in f.keys():
            raise MethodError(f"init_from: {file} has no prompt_embeddings tensor")
        shape = tuple(f.get_slice("prompt_embeddings").get_shape())
        rows = config.get("num_virtual_tokens") or shape[0]  # a seq2seq prompt has a second, decoder half
        if len(shape) != 2 or shape[0] < rows or (rows, shape[1]) != tuple(own[name]):
            raise MethodError(f"init_from: the {kind} adapter in {folder} holds a {rows} x {shape[-1]} prompt, and "
                              f"this run's is {' x '.join(map(str, own[name]))} (the same number of virtual tokens as "
                              "prompt_length, on a backbone of the same size and depth, is needed)")
        return {name: f.get_slice("prompt_embeddings")[:rows].float() if load else None}


# -- helpers --------------------------------------------------------------------------------------
def _text(value) -> str:
    return str(getattr(value, "value", value))  # PEFT's enums, or the string it was given


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _preset_family(task: str) -> str | None:
    from core.data.presets import is_preset, read_meta
    return read_meta(task).get("family") if is_preset(task) else None


def _labels(task: str) -> list | None:
    from core.data.presets import is_preset, read_meta
    return read_meta(task).get("labels") if is_preset(task) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.export", description="Export a finished run's adapter.")
    parser.add_argument("run", help="the run folder, e.g. runs/<id>")
    parser.add_argument("--format", choices=FORMATS, default="peft", help="adapter format (PEFT's)")
    parser.add_argument("--out", required=True, help="folder to write the adapter into")
    args = parser.parse_args(argv)
    try:
        plan = peft_plan(args.run)
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = write(plan, args.out)
    print(f"wrote {out}: a PEFT {plan.kind} adapter; load it with:\n")
    print(plan.code(str(out)))
    for note in plan.notes:
        print(f"\nnote: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
