"""Knowledge probing (LAMA, Petroni et al. 2019; the P-tuning paper's headline experiment).

A fact is (subject, relation, object). The model fills the object slot of a relation's template
("[X] is located in [Y] .") and its prediction is ranked over the backbone's WHOLE vocabulary:
an encoder at [MASK], a decoder as the next token after the template cut at the object slot.
Metrics: P@1 (main), P@10 and MRR per relation, macro-averaged over relations (as LAMA and
P-tuning report them).

As in LAMA and the P-tuning paper, only facts whose object is ONE token of the backbone's
vocabulary are evaluated (optionally also only objects in LAMA's common vocabulary, a task's
`object_vocabulary`); the others are dropped before encoding and counted per relation, with why.

Templates whose object slot is not at the end ("[X] is a [Y] by profession .") are rewritten for
decoders: the words after [Y] are cut, since a causal LM can only predict the object from what
precedes it; the run reports each rewrite. A template with [Y] before [X] is unusable on a decoder
and its relation's facts are dropped with that reason.

Which template a run writes facts into (`FactPrompts`): the relation's hand-written one (the
preset's templates[i] of that relation: manual prompts and the plain heads of fine-tuning, prompt
tuning, ...), one template string for all relations, or a P-tuning template with {prompt} slots,
whose pseudo tokens are trained per relation (`prompt_group`), as the paper trains one prompt a
relation.

Example: {"id", "subject", "relation", "object"} (+ "template": a fact's own sentence, from
LAMA's `masked_sentences`). Files: {"subject", "relation", "object"} JSON lines, AutoPrompt's
{"sub_label", "obj_label"} (relation from `predicate_id`/`relation`, else the LAMA folder loader
in core/data/lama.py names it), and LAMA's original test records (`predicate_id`,
`masked_sentences`, `sub_label`, `obj_label`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import torch.nn.functional as F

from core.tasks.base import IGNORE, JSONL, DataError, Task
from core.tasks.cloze import Cloze, TemplateError

TOP_K = 10
SUBJECT, OBJECT = "[X]", "[Y]"
FIELDS = {"subject": ("subject", "sub_label"), "object": ("object", "obj_label"),
          "relation": ("relation", "predicate_id")}
PUNCTUATION_ONLY = re.compile(r"[\s.,;:!?]*")


def field_of(row: dict, name: str):
    return next((row[key] for key in FIELDS[name] if key in row), None)


def fact_example(row: dict, where: str, default_id: str = "") -> dict:
    example = {"id": str(row.get("id") or row.get("uuid") or default_id)}
    for name in ("subject", "relation", "object"):
        value = field_of(row, name)
        if name == "relation" and value is None:
            raise DataError(f"{where}: no relation: give 'relation' (or LAMA's 'predicate_id'), or read LAMA's "
                            "folder (relations.jsonl + trex/<relation>/) so each file's folder names it")
        if name == "object" and value is None:
            continue  # unlabelled: typed facts, a test file
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{where}: '{FIELDS[name][0]}' must be non-empty text, got {value!r}")
        example[name] = value.strip()
    sentences = row.get("masked_sentences")
    if sentences:  # LAMA's own test records: the first evidence sentence is this fact's template
        example["template"] = _template_from_sentence(str(sentences[0]), example["subject"])
    return example


def _template_from_sentence(sentence: str, subject: str) -> str:
    """'Paris is the capital of [MASK] .' -> '[X] is the capital of [Y] .'"""
    sentence = sentence.replace("[MASK]", OBJECT, 1)
    return sentence.replace(subject, SUBJECT, 1) if subject in sentence else sentence


def to_cloze(template: str, kind: str) -> tuple[str, str]:
    """A LAMA template as a cloze template ("[X]" -> {text}, "[Y]" -> {mask}) and, for decoders,
    what was done to it ("" when used as written). {prompt} slots (P-tuning) pass through."""
    if OBJECT not in template:
        raise TemplateError(f"template {template!r} has no {OBJECT} for the object")
    text = template.replace(SUBJECT, "{text}").replace(OBJECT, "{mask}")
    if "{text}" not in text:
        text = "{text} " + text if kind == "encoder" else text
    note = ""
    if kind == "decoder":
        head, tail = text.split("{mask}", 1)
        if "{text}" not in head and "{text}" in text:
            raise TemplateError(f"template {template!r}: the object comes before the subject, so a decoder "
                                "cannot predict it as the next token")
        if "{text}" not in head:
            head = "{text} " + head
        if not PUNCTUATION_ONLY.fullmatch(tail):
            note = f"cut after {OBJECT} for a decoder: '{template}' read as '{template.split(OBJECT)[0] + OBJECT}'"
        text = head + "{mask}"
    return text, note


def relation_templates(task: Task, relation: str) -> list[dict]:
    return [t for t in task.templates if t.get("relation") == relation]


@dataclass
class FactPrompts:
    """How a run writes each fact: one Cloze per relation (or per own-template fact), the object
    token scored over the whole vocabulary. `groups` = relations, for P-tuning's per-relation prompts."""
    task: Task
    kind: str  # backbone kind
    choice: int | str = 0  # templates[choice] of each relation, or one template string for all
    prompt_length: int = 0
    max_length: int = 64
    clozes: dict = field(default_factory=dict)  # relation -> Cloze, or the reason it cannot be used
    notes: dict = field(default_factory=dict)  # relation -> how its template was rewritten

    def __post_init__(self):
        self.groups = max(len(self.task.labels), 1)
        for relation in self.task.labels:
            try:
                self.clozes[relation] = self._cloze(self._template(relation), relation)
            except TemplateError as e:
                self.clozes[relation] = str(e)

    def _template(self, relation: str) -> str:
        if isinstance(self.choice, str):
            return self.choice
        own = relation_templates(self.task, relation)
        if not own:  # a user's file without templates: the relation's name between subject and object
            return f"{SUBJECT} {relation} {OBJECT} ."
        if self.choice >= len(own):
            raise TemplateError(f"relation {relation} has {len(own)} template(s); index {self.choice} is out of range")
        return own[self.choice]["template"]

    def _cloze(self, template: str, relation: str) -> Cloze:
        text, note = to_cloze(template, self.kind)
        if note:
            self.notes[relation] = note
        return Cloze(text, {}, self.kind, self.prompt_length)

    def template_of(self, relation: str) -> str | None:
        cloze = self.clozes.get(relation)
        return cloze.template if isinstance(cloze, Cloze) else None

    def label_word_ids(self, labels, tokenizer) -> None:
        return None  # the whole vocabulary

    def encode(self, example: dict, tokenizer) -> tuple[dict | None, str]:
        """(feature, "") or (None, why the fact is dropped)."""
        cloze = self.clozes.get(example["relation"])
        own = example.get("template") and not isinstance(self.choice, str) and not self.prompt_length
        if own and not relation_templates(self.task, example["relation"]):  # LAMA's test sentences, no template
            try:
                cloze = Cloze(to_cloze(example["template"], self.kind)[0], {}, self.kind)
            except TemplateError as e:
                cloze = str(e)
        if not isinstance(cloze, Cloze):
            return None, f"template unusable: {cloze}"
        object_id = None
        if example.get("object") is not None:
            object_id = object_token(example["object"], tokenizer, self.kind)
            if object_id is None:
                return None, "object is not one token"
            vocabulary = self.task.object_vocabulary
            if vocabulary and example["object"] not in vocabulary:
                return None, "object not in the common vocabulary"
        feature = cloze.encode({"text": example["subject"]}, tokenizer, self.max_length)
        feature["labels"] = IGNORE if object_id is None else object_id
        feature["prompt_group"] = self.task.labels.index(example["relation"])
        return feature, ""


def object_token(word: str, tokenizer, kind: str) -> int | None:
    """The object's one token id as the model reads it in running text (after a space on
    decoders), or None when it is several tokens."""
    ids = tokenizer((" " if kind == "decoder" else "") + word, add_special_tokens=False).input_ids
    return ids[0] if len(ids) == 1 else None


def rank_metrics(ranks: list[int]) -> dict[str, float]:
    """Pure metric: P@1, P@10 and MRR of 1-based gold ranks."""
    if not ranks:
        return {"p@1": 0.0, "p@10": 0.0, "mrr": 0.0}
    ranks = np.asarray(ranks)
    return {"p@1": float((ranks == 1).mean()), "p@10": float((ranks <= 10).mean()), "mrr": float((1 / ranks).mean())}


class Probing:
    name = "probing"
    head = "vocab"
    main_metric = "p@1"
    view = "facts"
    formats = (JSONL,)
    cloze = True
    label_noun = "relation"
    label_fields = FIELDS["object"]
    record_shapes = {JSONL: '{"subject": "France", "relation": "capital", "object": "Paris"} (or LAMA\'s '
                            '{"sub_label": "France", "obj_label": "Paris", "predicate_id": "P36"})'}

    # -- data ---------------------------------------------------------------------------------
    def matches(self, columns: set[str]) -> bool:
        return bool(columns & set(FIELDS["subject"])) and bool(columns & set(FIELDS["object"]))

    def reader(self, columns: list[str], source: str):
        return fact_example

    def label_keys(self, example: dict) -> set[str]:
        return {example["relation"]}

    def labels_from(self, keys: set[str]) -> list[str]:
        return sorted(keys)

    def keys_of(self, labels: list[str]) -> set[str]:
        return set(labels)

    def check_labels(self, name: str, labels: list[str]) -> None:
        pass

    def task_extras(self, examples: list[dict]) -> dict:
        return {}

    def from_text(self, text: str, second: str = "") -> dict:
        """Typed input: the subject, and the relation (its name) in the second box."""
        subject, relation = text.strip(), second.strip()
        if not subject:
            raise ValueError("type a subject first (e.g. France)")
        if not relation:
            raise ValueError("name the relation in the second box (e.g. capital)")
        return {"id": "typed", "subject": subject, "relation": relation}

    def check_config(self, config) -> None:
        pass

    # -- model --------------------------------------------------------------------------------
    def cloze_for(self, config, backbone, task: Task, template: str | None = None, prompt_length: int = 0):
        """manual-prompt: config.template (an index into each relation's templates, or one string);
        P-tuning: its template with {prompt} slots, LAMA's [X]/[Y] or the lab's {text}/{mask}."""
        choice = template or config.template
        if isinstance(choice, str):
            choice = choice.replace("{text}", SUBJECT).replace("{mask}", OBJECT)
        prompts = FactPrompts(task, backbone.kind, choice, prompt_length)
        if all(isinstance(c, str) for c in prompts.clozes.values()):
            raise TemplateError(f"no relation of task '{task.name}' can be probed with this template: "
                                + next(iter(prompts.clozes.values()), "no relations"))
        return prompts

    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int, cloze=None,
               kind: str = "encoder", **_) -> list[dict]:
        """Features of the facts that can be scored; the others get none (predict marks them dropped)."""
        prompts = cloze if isinstance(cloze, FactPrompts) else FactPrompts(task, kind)
        prompts.max_length = max_length
        features = []
        for index, example in enumerate(examples):
            if example["relation"] not in task.labels:
                continue
            feature, _ = prompts.encode(example, tokenizer)
            if feature is not None:
                feature["example_index"] = index
                features.append(feature)
        return features

    def encode_report(self, task: Task, splits: dict[str, list[dict]], tokenizer, kind: str, cloze=None) -> dict:
        """Per relation: the template in force (and how it was rewritten for a decoder), and per split
        how many facts are scored and why the others are dropped, as encode decides."""
        prompts = cloze if isinstance(cloze, FactPrompts) else FactPrompts(task, kind)
        report = {r: {"template": prompts.template_of(r) or "", "note": prompts.notes.get(r, "")}
                  for r in task.labels}
        for split, examples in splits.items():
            for example in examples:
                why = ("relation unknown to training" if example["relation"] not in task.labels
                       else prompts.encode(example, tokenizer)[1])
                row = report.setdefault(example["relation"], {"template": "", "note": ""})
                counts = row.setdefault(split, {"kept": 0, "dropped": {}})
                if why:
                    counts["dropped"][why] = counts["dropped"].get(why, 0) + 1
                else:
                    counts["kept"] += 1
        return report

    def loss(self, outputs, batch):
        return F.cross_entropy(outputs["logits"].float(), batch["labels"], ignore_index=IGNORE)

    def shrink(self, output: dict, feature: dict, tokenizer) -> dict:
        """A (V,) row of logits -> the top-k words and the gold object's rank, so evaluation keeps
        k numbers a fact, not a vocabulary's worth."""
        logits = output["logits"].astype(np.float64)
        top = np.argsort(-logits)[:TOP_K]
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        gold = feature.get("labels", IGNORE)
        rank = int((logits > logits[gold]).sum()) + 1 if gold != IGNORE else None
        words = [tokenizer.decode([int(i)]).strip() for i in top]
        return {"top": [(w, float(probs[i])) for w, i in zip(words, top)], "rank": rank}

    def predict(self, task: Task, outputs, features, examples) -> list[dict]:
        by_example = {f["example_index"]: o for o, f in zip(outputs, features)}
        return [by_example.get(i, {"top": [], "rank": None, "dropped": True}) for i in range(len(examples))]

    def compute_metrics(self, task: Task, predictions, examples) -> dict[str, float]:
        """P@1 / P@10 / MRR macro-averaged over the relations with scored facts, each relation's own
        ("p@1/capital"), how many facts were scored and dropped ("kept/capital", "dropped/capital"),
        and P@1 over all scored facts ("p@1_micro")."""
        ranks, dropped = {}, {}
        for example, prediction in zip(examples, predictions):
            relation = example["relation"]
            if prediction.get("dropped") or prediction.get("rank") is None:
                dropped[relation] = dropped.get(relation, 0) + 1
            else:
                ranks.setdefault(relation, []).append(prediction["rank"])
        per = {relation: rank_metrics(r) for relation, r in sorted(ranks.items())}
        metrics = {name: float(np.mean([m[name] for m in per.values()])) if per else 0.0
                   for name in ("p@1", "p@10", "mrr")}
        metrics["p@1_micro"] = rank_metrics([r for rs in ranks.values() for r in rs])["p@1"]
        metrics["facts"] = float(sum(len(r) for r in ranks.values()))
        for relation in sorted(set(ranks) | set(dropped)):
            for name, value in per.get(relation, {"p@1": 0.0, "p@10": 0.0, "mrr": 0.0}).items():
                metrics[f"{name}/{relation}"] = value
            metrics[f"kept/{relation}"] = float(len(ranks.get(relation, [])))
            metrics[f"dropped/{relation}"] = float(dropped.get(relation, 0))
        return metrics

    def display(self, task: Task, examples, predictions) -> list[dict]:
        return [{"subject": e["subject"], "relation": e["relation"], "gold": e.get("object"),
                 "predicted": p["top"][0][0] if p["top"] else None, "top": p["top"], "rank": p.get("rank"),
                 "correct": p.get("rank") == 1, "dropped": bool(p.get("dropped"))}
                for e, p in zip(examples, predictions)]


def per_relation(metrics: dict) -> list[dict]:
    """The per-relation rows of a probing run's metrics: relation, P@1, P@10, MRR, kept, dropped."""
    relations = sorted({key.split("/", 1)[1] for key in metrics if key.startswith("kept/")})
    return [{"relation": r, "p@1": metrics.get(f"p@1/{r}", 0.0), "p@10": metrics.get(f"p@10/{r}", 0.0),
             "mrr": metrics.get(f"mrr/{r}", 0.0), "kept": int(metrics.get(f"kept/{r}", 0)),
             "dropped": int(metrics.get(f"dropped/{r}", 0))} for r in relations]
