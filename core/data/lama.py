"""LAMA's T-REx layout, as AutoPrompt split it and the P-tuning paper used it for knowledge probing:

    lama/relations.jsonl              {"relation": "P17", "template": "[X] is located in [Y] .", "label", "type"}
    lama/trex/<relation>/train.jsonl  {"sub_label", "obj_label", "sub_uri", "obj_uri"} a line
    lama/trex/<relation>/dev.jsonl
    lama/common_vocab_cased.txt       optional: LAMA's common vocabulary, one word a line

`load_task("path/to/lama")` reads every relation; `load_task("path/to/lama/trex/P17")` one relation
(its template from a relations.jsonl up to two folders above). When common_vocab_cased.txt is there,
only facts whose object is one of its words are evaluated, as in the papers (the run's data report
counts the others as dropped).
"""
from __future__ import annotations

import json
from pathlib import Path

from core.data.build import make_task
from core.data.errors import DataError
from core.tasks.base import Task
from core.tasks.probing import fact_example

RELATIONS, COMMON_VOCAB = "relations.jsonl", "common_vocab_cased.txt"


def lama_root(folder: Path) -> Path | None:
    """The LAMA folder that holds relations.jsonl for `folder` (itself, or up to two levels above a
    relation folder), when `folder` has LAMA's layout."""
    if (folder / RELATIONS).is_file() and any(folder.glob("*/*/train.jsonl")):
        return folder
    if (folder / "train.jsonl").is_file():
        for parent in (folder.parent, folder.parent.parent):
            if (parent / RELATIONS).is_file():
                return parent
    return None


def load_lama(folder: Path, common_vocab: bool = True, max_facts: int | None = None) -> Task:
    """One Task over the relations under `folder` (results per relation); max_facts: per relation and split."""
    root = lama_root(folder)
    if root is None:
        raise DataError(f"{folder}: not LAMA's layout (relations.jsonl + <data>/<relation>/train.jsonl, dev.jsonl)")
    templates = _relations(root / RELATIONS)
    relation_folders = [folder] if (folder / "train.jsonl").is_file() else sorted(
        p.parent for p in folder.glob("*/*/train.jsonl"))
    train, dev, missing = [], [], []
    for relation_folder in relation_folders:
        relation = relation_folder.name
        if relation not in templates:
            missing.append(relation)
            continue
        for split, out in (("train", train), ("dev", dev)):
            out += _facts(relation_folder / f"{split}.jsonl", relation, max_facts)
    if missing:
        raise DataError(f"{root / RELATIONS}: no template for relation(s) {', '.join(missing)}")
    vocabulary = None
    if common_vocab and (root / COMMON_VOCAB).is_file():
        vocabulary = frozenset(w.strip() for w in (root / COMMON_VOCAB).read_text(encoding="utf-8").splitlines()
                               if w.strip())
    used = sorted({e["relation"] for _, e in train})
    note = (f"LAMA T-REx: {len(used)} relation(s), {len(train)} training and {len(dev)} dev facts "
            f"(AutoPrompt's split)" + (f"; objects restricted to LAMA's common vocabulary ({len(vocabulary)} words)"
                                       if vocabulary else ""))
    task = make_task(folder.resolve().name, "probing", train, dev, description=note,
                     templates=[{"name": r, "relation": r, "template": templates[r]["template"],
                                 "label": templates[r].get("label", "")} for r in used])
    task.object_vocabulary = vocabulary
    return task


def _relations(path: Path) -> dict[str, dict]:
    relations = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"{path.name} line {number}: not JSON ({e.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("template"), str) or "[Y]" not in row["template"]:
            raise DataError(f"{path.name} line {number}: expected {{\"relation\": \"P17\", \"template\": "
                            "\"[X] is located in [Y] .\"}, with [Y] where the object goes")
        relations[str(row.get("relation"))] = row
    return relations


def _facts(path: Path, relation: str, max_facts: int | None) -> list[tuple[str, dict]]:
    if not path.is_file():
        raise DataError(f"{path}: file does not exist (each relation folder needs train.jsonl and dev.jsonl)")
    facts = []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if max_facts is not None and len(facts) >= max_facts:
                break
            if not line.strip():
                continue
            where = f"{relation}/{path.name} line {number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{where}: not JSON ({e.msg})") from None
            if not isinstance(row, dict):
                raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}")
            facts.append((where, fact_example({"relation": relation, **row}, where, f"{relation}-{number}")))
    return facts
