"""Hugging Face hub datasets through `datasets.load_dataset`, turned into the Task schema.

A few well-known ids have a mapping (repository, config, columns, dev split); any other
"owner/name" is loaded as is and its columns decide the family. Several old short ids moved
to owner/name repositories, and script-based ones only load from their Parquet export
(datasets >= 4 runs no loading scripts), hence `repo` and `revision` below.
Offline, or with the hub out of reach, loading fails at once with a DataError instead of
minutes of retries.
"""
from __future__ import annotations

import os
import socket
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from core.data import superglue
from core.data.build import make_task, split
from core.data.errors import DataError
from core.tasks import get_family, infer_family
from core.tasks.base import Task

PARQUET = "refs/convert/parquet"
CONLL_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
DEV_SPLITS = ("validation", "validation_matched", "dev", "test")
TRUE = {"1", "ON", "YES", "TRUE"}


@dataclass(frozen=True)
class HubSpec:
    repo: str
    config: str | None
    family: str
    columns: dict[str, str] = field(default_factory=dict)  # our field -> their column
    dev_split: str = "validation"
    revision: str | None = None
    tag_names: tuple[str, ...] = ()  # used when the features do not name the tag ids
    superglue: str | None = None  # rows converted as the published files are, with that task's prompts


def _superglue(name: str, config: str | None = None) -> HubSpec:
    return HubSpec("aps/super_glue", config or name, "classification", revision=PARQUET, superglue=name)


HUB_DATASETS = {
    "glue/sst2": HubSpec("nyu-mll/glue", "sst2", "classification", {"text": "sentence", "label": "label"}),
    "glue/mnli": HubSpec("nyu-mll/glue", "mnli", "classification",
                         {"text": "premise", "text_b": "hypothesis", "label": "label"}, "validation_matched"),
    # SuperGLUE: the same conversion and hand-written prompts as the published JSON lines (core/data/superglue.py)
    **{f"super_glue/{name}": _superglue(name) for name in ("rte", "boolq", "cb", "wic", "copa", "multirc")},
    "super_glue/wsc": _superglue("wsc", "wsc.fixed"),  # the span indices as corrected by the hub's maintainers
    "conll2003": HubSpec("eriktks/conll2003", None, "tagging", {"tokens": "tokens", "tags": "ner_tags"},
                         revision=PARQUET, tag_names=CONLL_TAGS),
    "squad": HubSpec("rajpurkar/squad", None, "qa"),
    "squad_v2": HubSpec("rajpurkar/squad_v2", None, "qa"),
    # generation, Prefix-tuning's datasets: one reference per row, rows of one input gathered into one example
    "e2e_nlg": HubSpec("tuetschek/e2e_nlg", None, "generation",
                       {"input": "meaning_representation", "output": "human_reference"}),
    "GEM/web_nlg": HubSpec("GEM/web_nlg", "en", "generation", {"input": "input", "output": "target"},
                           revision=PARQUET),  # input: a list of triples, joined with " | "
    "xsum": HubSpec("EdinburghNLP/xsum", None, "generation", {"input": "document", "output": "summary"}),
}


def is_hub_id(source: str) -> bool:
    parts = source.split("/")
    return source in HUB_DATASETS or (len(parts) == 2 and all(p and not p.startswith(".") for p in parts))


def load_hub(dataset_id: str, family: str | None = None) -> Task:
    """Download (or read from the cache) a hub dataset and build its Task."""
    spec = HUB_DATASETS.get(dataset_id)
    if spec is not None and family not in (None, spec.family):
        raise DataError(f"hub dataset '{dataset_id}' is {spec.family} data, not {family}")
    splits = _download(dataset_id, spec)
    if "train" not in splits:
        raise DataError(f"hub dataset '{dataset_id}': no 'train' split; found {', '.join(splits)}")
    dev_name = spec.dev_split if spec else next((s for s in DEV_SPLITS if s in splits), None)
    family = spec.family if spec else family or infer_family(splits["train"].column_names)
    train = _examples(dataset_id, "train", splits["train"], family, spec)
    if dev_name in splits:
        dev = _examples(dataset_id, dev_name, splits[dev_name], family, spec)
        note = f"{dataset_id} (Hugging Face hub): train split for training, {dev_name} split for evaluation"
    else:
        train, dev, note = split(dataset_id, family, train)
    prompts = {}
    if spec and spec.superglue:
        prompts = {key: superglue.prompts(spec.superglue)[key] for key in ("labels", "templates", "ptuning_template")}
        note += f"; SuperGLUE {superglue.NAMES[spec.superglue]}'s hand-written templates (after PET) attached"
    return make_task(dataset_id, family, train, dev, description=note, **prompts)


def _download(dataset_id: str, spec: HubSpec | None):
    import datasets  # imported here: it is slow to import and only hub ids need it
    from datasets.exceptions import DatasetsError

    offline = datasets.config.HF_HUB_OFFLINE or any(
        os.environ.get(var, "").upper() in TRUE for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))
    if offline and not datasets.config.HF_HUB_OFFLINE:
        # Set after `datasets` was imported, which reads it only then: it would still try the network.
        raise DataError(f"hub dataset '{dataset_id}': the Hugging Face hub is not reachable "
                        "(HF_HUB_OFFLINE is set); use a preset or a local file")
    if not offline:
        _check_reachable(dataset_id)
    repo, config = (spec.repo, spec.config) if spec else (dataset_id, None)
    try:
        return datasets.load_dataset(repo, config, revision=spec.revision if spec else None)
    except ConnectionError:
        raise DataError(f"hub dataset '{dataset_id}': the Hugging Face hub is not reachable and no cached "
                        "copy was found; use a preset or a local file") from None
    except FileNotFoundError:
        raise DataError(f"hub dataset '{dataset_id}': not found on the Hugging Face hub "
                        "(or it is private or gated); check the id") from None
    except (OSError, ValueError, RuntimeError, DatasetsError) as e:
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise DataError(f"hub dataset '{dataset_id}' could not be loaded: {reason}") from None


def _check_reachable(dataset_id: str, timeout: float = 3.0) -> None:
    """One quick TCP connect, because without a network huggingface_hub retries for tens of seconds."""
    from huggingface_hub import constants

    if "https" in urllib.request.getproxies():
        return  # behind a proxy a direct connection says nothing; let the download try
    endpoint = urllib.parse.urlparse(constants.ENDPOINT)
    host, port = endpoint.hostname, endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as e:
        raise DataError(f"hub dataset '{dataset_id}': the Hugging Face hub is not reachable ({host}: {e}); "
                        "set HF_HUB_OFFLINE=1 to use a cached copy, or use a preset or a local file") from None


def _examples(dataset_id: str, split_name: str, rows, family: str, spec: HubSpec | None) -> list:
    """Checked examples of one split, with "hub dataset 'x' train row 5" as their location: columns
    renamed by the mapping, class and tag ids turned into their names, then the family's reader."""
    columns = dict(spec.columns) if spec else {}
    missing = [c for c in columns.values() if c not in rows.column_names]
    if missing:
        raise DataError(f"hub dataset '{dataset_id}' {split_name}: no column {', '.join(missing)} for {family} "
                        f"data; found columns: {', '.join(rows.column_names)}")
    ours = {theirs: mine for mine, theirs in columns.items()}
    names = {ours.get(c, c): _id_names(rows.features[c], spec) for c in rows.column_names}
    convert = spec.superglue if spec else None
    read = get_family(family).reader(["text", "text_b", "label"] if convert else
                                     [ours.get(c, c) for c in rows.column_names if not columns or c in ours],
                                     f"hub dataset '{dataset_id}'")
    items = []
    for i, row in enumerate(rows.to_list()):
        where = f"hub dataset '{dataset_id}' {split_name} row {i + 1}"
        row = {ours[c]: v for c, v in row.items() if c in ours} if columns else row
        row = _named(row, names)
        if row is None:
            continue
        pairs = superglue.from_hub(convert, row, where) if convert else [(where, row)]
        items += [(at, read(pair, at, str(i))) for at, pair in pairs]
    return items


def _named(row: dict, names: dict[str, list[str] | None]) -> dict | None:
    """Class and tag ids -> their names; None for an unlabelled row (a class id of -1, as in test splits)."""
    out = {}
    for column, value in row.items():
        labels = names.get(column)
        if labels and isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                return None
            value = labels[value]
        elif labels and isinstance(value, list):
            value = [labels[v] if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        out[column] = value
    return out


def _id_names(feature, spec: HubSpec | None) -> list[str] | None:
    """Names of integer class or tag ids: the ClassLabel names, else the mapping's fallback."""
    listed = hasattr(feature, "feature")
    feature = getattr(feature, "feature", feature)  # a list of tags: the feature of one item
    if getattr(feature, "names", None):
        return list(feature.names)
    integers = str(getattr(feature, "dtype", "")).startswith("int")
    return list(spec.tag_names) if spec and spec.tag_names and listed and integers else None
