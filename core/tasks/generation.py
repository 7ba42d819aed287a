"""Text generation: an input text (a linearised table, a document) -> an output text, one or more
references per input. Prefix-tuning's own tasks (Li & Liang, 2021): table-to-text (E2E, WebNLG,
DART) on a frozen decoder, summarization (XSum) on a frozen encoder-decoder.

Encoding: a decoder reads "input\\n" and then the output (the loss covers the output tokens and
the end-of-sequence token only); an encoder-decoder reads the input and decodes the output. Each
reference is one training feature, as in the paper's E2E training; evaluation decodes each input
once with `generate` (greedy or beam search) through the run's prompt or prefix
(core.model.PromptModel.generate).

Metrics, from the libraries everyone reports with: corpus BLEU (sacrebleu) against all references,
ROUGE-1/2/L F-measures (rouge-score, the best reference per input), all on a 0-1 scale like every
other family's. A preset names its main metric (BLEU for table-to-text, ROUGE-L for summaries).
"""
from __future__ import annotations

import contextlib
import functools

import numpy as np
import torch
import torch.nn.functional as F

from core.config import ConfigError
from core.tasks.base import IGNORE, JSONL, TABLE, DataError, Task

SEPARATOR = "\n"  # between a decoder's input and its output
DEFAULT_NEW_TOKENS = 64  # when neither the run nor its task says
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def _text(value, where: str, column: str) -> str:
    """A text cell; a list of strings (WebNLG's triples) is joined with ' | '."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = " | ".join(v.strip() for v in value)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where}, column '{column}': expected non-empty text, got {value!r}")
    return value.strip()


def generation_example(row: dict, where: str, default_id: str) -> dict:
    """{"id", "input", "references": [str, ...]}: `output` is one reference or a list of them;
    an unlabelled file (no `output`) has none."""
    if "input" not in row:
        raise DataError(f"{where}: no 'input' field; found: {', '.join(row) or 'none'}; "
                        "expected input and output (one reference, or a list of them)")
    references = []
    if "output" in row:
        output = row["output"]
        outputs = output if isinstance(output, list) else [output]
        if not outputs:
            raise DataError(f"{where}, column 'output': an empty list; give at least one reference text")
        references = [_text(o, where, "output") for o in outputs]
    return {"id": str(row.get("id", default_id)), "input": _text(row["input"], where, "input"),
            "references": references}


def gather(items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Rows with the same input become one example with all their references (E2E's CSV and a
    user's table hold one reference per row), in the order inputs first appear."""
    merged: dict[str, tuple[str, dict]] = {}
    for where, example in items:
        if example["input"] in merged:
            kept = merged[example["input"]][1]["references"]
            kept += [r for r in example["references"] if r not in kept]
        else:
            merged[example["input"]] = (where, {**example, "references": list(example["references"])})
    return list(merged.values())


@functools.cache
def _rouge():
    from rouge_score import rouge_scorer  # imported on first use: it loads nltk
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def rouge(prediction: str, references: list[str]) -> dict[str, float]:
    """ROUGE-1/2/L F-measure of one prediction against its best reference."""
    scores = _rouge().score_multi(references, prediction)
    return {key: scores[key].fmeasure for key in ROUGE_TYPES}


def generation_metrics(predictions: list[str], references: list[list[str]]) -> dict[str, float]:
    """Pure metric: corpus BLEU (sacrebleu, all references) and mean ROUGE F-measures, on 0-1."""
    import sacrebleu
    if not predictions:
        return {"bleu": 0.0, **{key: 0.0 for key in ROUGE_TYPES}}
    width = max(len(refs) for refs in references)
    streams = [[refs[i] if i < len(refs) else None for refs in references] for i in range(width)]
    bleu = sacrebleu.corpus_bleu(predictions, streams).score / 100
    rouges = [rouge(p, refs) for p, refs in zip(predictions, references)]
    return {"bleu": bleu, **{key: float(np.mean([r[key] for r in rouges])) for key in ROUGE_TYPES}}


def sentence_scores(prediction: str, references: list[str]) -> dict[str, float]:
    """Per-input BLEU (sacrebleu's smoothed sentence BLEU) and ROUGE-L, for sorting in Inspect."""
    import sacrebleu
    return {"bleu": sacrebleu.sentence_bleu(prediction, references).score / 100,
            "rougeL": rouge(prediction, references)["rougeL"]}


class Generation:
    name = "generation"
    head = "lm"  # the backbone's own language-model head (core.heads.NextToken)
    main_metric = "bleu"  # a preset may name another (its `metric:`), e.g. rougeL for summaries
    view = "generations"
    formats = (TABLE, JSONL)
    cloze = False
    label_noun = "reference"
    label_fields = ("output",)
    record_shapes = {
        JSONL: '{"input": "name[The Eagle], food[French], area[riverside]", "output": ["The Eagle serves French '
               'food by the river.", "By the riverside, The Eagle offers French food."]} (output: one text or a list)',
        TABLE: "columns input,output (one reference per row; rows with the same input are gathered)"}

    # -- data -----------------------------------------------------------------------------------
    def matches(self, columns: set[str]) -> bool:
        return "input" in columns and ("output" in columns or len(columns - {"id"}) == 1)

    def reader(self, columns: list[str], source: str):
        if "input" not in columns:
            raise DataError(f"{source}: no 'input' column; found: {', '.join(columns) or 'none'}; "
                            "expected input and output")
        return generation_example

    def gather(self, items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        return gather(items)

    def label_keys(self, example: dict) -> set[str]:
        return set()  # references are free text: nothing a dev set must share with training

    def labels_from(self, keys: set[str]) -> list[str]:
        return []

    def keys_of(self, labels: list[str]) -> set[str]:
        return set()

    def check_labels(self, name: str, labels: list[str]) -> None:
        pass

    def task_extras(self, examples: list[dict]) -> dict:
        return {}

    def from_text(self, text: str, second: str = "") -> dict:
        if not text.strip():
            raise ValueError("type an input first")
        return {"id": "input", "input": text.strip(), "references": []}

    def check_config(self, config) -> None:
        if config.max_new_tokens is not None and config.max_length is not None \
                and config.max_new_tokens >= config.max_length:
            raise ConfigError(f"max_new_tokens ({config.max_new_tokens}) must be under max_length "
                              f"({config.max_length}): a decoder reads the input and its output within max_length")

    # -- model ----------------------------------------------------------------------------------
    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int,
               max_new_tokens: int | None = None, kind: str = "decoder", **_) -> list[dict]:
        """One feature per (input, reference); an input without references gets one feature to decode.
        `source_length` marks where the input ends: generation reads input_ids[:source_length]."""
        eos, max_new_tokens = tokenizer.eos_token_id, max_new_tokens or DEFAULT_NEW_TOKENS
        features = []
        for index, example in enumerate(examples):
            for reference in example.get("references") or [None]:
                if kind == "encoder-decoder":
                    source = tokenizer(example["input"], truncation=True, max_length=max_length)["input_ids"]
                    target = [] if reference is None else tokenizer(
                        text_target=reference, truncation=True, max_length=max_new_tokens)["input_ids"]
                    if target and target[-1] != eos:  # BART/T5 tokenizers end it with eos; others do not
                        target = target[:max_new_tokens - 1] + [eos]
                    ids, labels = source, target
                else:
                    target = [] if reference is None else \
                        tokenizer(reference, add_special_tokens=False)["input_ids"][:max_new_tokens - 1] + [eos]
                    source = tokenizer(example["input"] + SEPARATOR)["input_ids"][:max(1, max_length - len(target))]
                    ids, labels = source + target, [IGNORE] * len(source) + target
                features.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels,
                                 "example_index": index, "source_length": len(source)})
        return features

    def loss(self, outputs, batch):
        logits = outputs["logits"].float()  # (B, K, V) at the positions that predict a target
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), outputs["targets"].reshape(-1),
                               ignore_index=IGNORE)

    def run_model(self, s, features: list[dict], accelerator=None, streamer=None) -> list[dict]:
        """Decode each input once (its first feature) with the run's decoding settings."""
        firsts = {}
        for feature in features:
            firsts.setdefault(feature["example_index"], feature)
        device = accelerator.device if accelerator is not None else next(s.model.parameters()).device
        autocast = accelerator.autocast if accelerator is not None else contextlib.nullcontext
        tokenizer, outputs, was_training = s.backbone.tokenizer, [], s.model.training
        order = list(firsts.values())
        size = max(s.config.batch_size, 16)
        s.model.eval()
        for start in range(0, len(order), size):
            chunk = [f["input_ids"][:f["source_length"]] for f in order[start:start + size]]
            input_ids, mask = pad_sources(chunk, tokenizer.pad_token_id, left=s.backbone.kind != "encoder-decoder")
            with autocast():
                new = s.model.generate(input_ids.to(device), mask.to(device),
                                       max_new_tokens=s.config.max_new_tokens or DEFAULT_NEW_TOKENS,
                                       num_beams=s.config.num_beams, repetition_penalty=s.config.repetition_penalty,
                                       streamer=streamer)
            outputs += [{"text": text.strip()} for text in tokenizer.batch_decode(new, skip_special_tokens=True)]
        s.model.train(was_training)
        return outputs

    def predict(self, task: Task, outputs, features, examples) -> list[dict]:
        return list(outputs)  # already one {"text"} per example

    def compute_metrics(self, task: Task, predictions, examples) -> dict[str, float]:
        scored = [(p["text"], e["references"]) for p, e in zip(predictions, examples) if e.get("references")]
        return generation_metrics([p for p, _ in scored], [refs for _, refs in scored])

    def display(self, task: Task, examples, predictions) -> list[dict]:
        rows = []
        for example, prediction in zip(examples, predictions):
            references = example.get("references") or []
            scores = sentence_scores(prediction["text"], references) if references else {}
            rows.append({"input": example["input"], "generated": prediction["text"], "references": references,
                         "bleu": scores.get("bleu"), "rougeL": scores.get("rougeL")})
        return rows


def pad_sources(sources: list[list[int]], pad_id: int, left: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask): a decoder continues from its last token, so its batch is padded
    on the left; an encoder reads the whole input, padded on the right."""
    width = max(len(s) for s in sources)
    ids = [[pad_id] * (width - len(s)) + s if left else s + [pad_id] * (width - len(s)) for s in sources]
    mask = [[0] * (width - len(s)) + [1] * len(s) if left else [1] * len(s) + [0] * (width - len(s))
            for s in sources]
    return torch.tensor(ids), torch.tensor(mask)
