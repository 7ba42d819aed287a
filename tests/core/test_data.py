"""Tests for core.data: every source kind, every format, every error message, offline hub.

Fast and offline: files are written to tmp_path, the hub is either offline or replaced by
small in-memory `datasets` objects with the features the real hub datasets have.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from core.data import DataError, list_presets, load_task
from core.data import hub, presets
from core.data.build import split
from core.tasks import FAMILIES
from core.tasks.iob import tag_names, to_iob2

REPO_PRESETS = Path(__file__).parents[2] / "presets"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(rows) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def sentiment_rows(n: int) -> str:
    return "text,label\n" + "".join(f"review number {i},{('negative', 'positive')[i % 2]}\n" for i in range(n))


def raises(match: str):
    return pytest.raises(DataError, match=match)


# --- formats -----------------------------------------------------------------------------------

def test_csv_classification_keeps_labels_as_strings_and_states_the_split(tmp_path):
    rows = "".join(f'"pair {i}, quoted","other {i}",{i % 3}\n' for i in range(10))
    task = load_task(str(write(tmp_path, "pairs.csv", "sentence1,sentence2,label\n" + rows)))
    assert task.family == "classification" and task.name == "pairs"
    assert task.labels == ["0", "1", "2"]
    assert len(task.train) == 8 and len(task.dev) == 2
    example = task.train[0]
    assert set(example) == {"text", "text_b", "label"} and example["text"].startswith("pair ")
    assert "10 examples split into 8 train / 2 dev" in task.description
    assert task.templates == [] and task.ptuning_template is None and task.defaults == {}


def test_tsv_is_read_unquoted(tmp_path):
    rows = "".join(f'a "quoted" phrase {i}\t{i % 2}\n' for i in range(5))
    task = load_task(str(write(tmp_path, "phrases.tsv", "sentence\tlabel\n" + rows)))
    assert {e["text"] for e in task.train + task.dev} == {f'a "quoted" phrase {i}' for i in range(5)}
    assert task.labels == ["0", "1"]


def test_jsonl_classification_with_integer_labels(tmp_path):
    rows = [{"premise": f"p{i}", "hypothesis": f"h{i}", "label": i % 2} for i in range(6)]
    task = load_task(str(write(tmp_path, "nli.jsonl", jsonl(rows))))
    assert task.labels == ["0", "1"]
    assert all(set(e) == {"text", "text_b", "label"} for e in task.train + task.dev)


def test_jsonl_tagging_accepts_ner_tags_and_converts_to_iob2(tmp_path):
    rows = [{"tokens": ["Ann", "Lee", "met", "Bob"], "ner_tags": ["I-PER", "I-PER", "O", "I-PER"]}] * 3 + \
           [{"tokens": ["in", "Paris"], "tags": ["O", "B-LOC"]}] * 2
    task = load_task(str(write(tmp_path, "ner.json", jsonl(rows))))
    assert task.family == "tagging"
    assert task.labels == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
    assert {"tokens": ["Ann", "Lee", "met", "Bob"], "tags": ["B-PER", "I-PER", "O", "B-PER"]} in task.train + task.dev


def test_jsonl_qa_detects_unanswerable(tmp_path):
    context = "The capital of France is Paris."
    answerable = {"id": "a", "context": context, "question": "Capital?",
                  "answers": {"text": ["Paris"], "answer_start": [25]}}
    empty = {"id": "b", "context": context, "question": "Population?", "answers": {"text": [], "answer_start": []}}
    task = load_task(str(write(tmp_path, "qa.jsonl", jsonl([answerable] * 4 + [empty]))))
    assert task.family == "qa" and task.labels == [] and task.unanswerable
    task = load_task(str(write(tmp_path, "qa1.jsonl", jsonl([answerable] * 5))))
    assert not task.unanswerable


def test_conll_skips_docstart_takes_last_column_and_converts_iob1(tmp_path):
    document = ("-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\n\n"
                "Peter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\nBRUSSELS NNP I-NP I-LOC\n\n")
    task = load_task(str(write(tmp_path, "news.conll", document * 3)))
    examples = task.train + task.dev
    assert len(examples) == 9
    assert {"tokens": ["EU", "rejects", "German"], "tags": ["B-ORG", "O", "B-MISC"]} in examples
    assert {"tokens": ["Peter", "Blackburn"], "tags": ["B-PER", "I-PER"]} in examples
    assert task.labels == tag_names({"LOC", "MISC", "ORG", "PER"})


def test_txt_is_conll(tmp_path):
    task = load_task(str(write(tmp_path, "ner.txt", "a O\nb B-X\n\nc B-X\n\nd B-X\n\ne O\n")))
    assert task.family == "tagging" and task.labels == ["O", "B-X", "I-X"]


def test_iob1_to_iob2():
    assert to_iob2(["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]) == \
        ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]
    iob2 = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]
    assert to_iob2(iob2) == iob2


def test_family_argument_overrides_inference(tmp_path):
    rows = [{"question": f"q{i}", "context": f"c{i}", "label": "yes" if i % 2 else "no"} for i in range(5)]
    path = str(write(tmp_path, "boolq.jsonl", jsonl(rows)))
    with raises("boolq.jsonl line 1: no 'answers' field"):
        load_task(path)  # context + question looks like QA
    assert load_task(path, family="classification").labels == ["no", "yes"]


# --- folders -----------------------------------------------------------------------------------

def test_folder_with_train_and_dev(tmp_path):
    write(tmp_path, "train.csv", sentiment_rows(6))
    write(tmp_path, "dev.csv", sentiment_rows(3))
    task = load_task(str(tmp_path))
    assert (len(task.train), len(task.dev)) == (6, 3)
    assert task.labels == ["negative", "positive"]
    assert "train.csv (6 examples) for training, dev.csv (3) for evaluation" in task.description


def test_folder_accepts_validation_file(tmp_path):
    rows = [{"tokens": ["x", "y"], "tags": ["B-A", "O"]}]
    write(tmp_path, "train.jsonl", jsonl(rows * 2))
    write(tmp_path, "validation.jsonl", jsonl(rows))
    assert len(load_task(str(tmp_path)).dev) == 1


def test_folder_without_dev_file(tmp_path):
    write(tmp_path, "train.csv", sentiment_rows(4))
    with raises(r"^folder \w+: no dev file; expected files named like train.jsonl and dev.jsonl \(dev may be "
                r"dev32, validation or val\) and optionally test.jsonl, as .csv, .*; found: train.csv$"):
        load_task(str(tmp_path))


# --- the split ---------------------------------------------------------------------------------

def test_split_is_deterministic_disjoint_and_capped():
    items = [(f"f line {i}", {"label": "ab"[i % 2]}) for i in range(6000)]
    train, dev, note = split("f", "classification", items)
    assert len(dev) == 1000 and len(train) == 5000
    assert {w for w, _ in train}.isdisjoint(w for w, _ in dev)
    assert split("f", "classification", items) == (train, dev, note)
    assert split("f", "classification", items[:100])[1] != split("f", "classification", items[:100], seed=1)[1]
    assert len(split("f", "classification", items[:10])[1]) == 2


def test_split_of_too_few_examples_for_the_labels():
    items = [("f line 1", {"tags": ["B-PER"]}), ("f line 2", {"tags": ["B-LOC"]})]
    with raises(r"f: too few examples to split: .*first: f line \d, \['(LOC|PER)'\]"):
        split("f", "tagging", items)


def test_split_moves_labels_unseen_in_train_to_train():
    items = [(f"line {i}", {"label": "common"}) for i in range(9)] + [("line 9", {"label": "rare"})]
    for seed in range(10):
        train, dev, note = split("f", "classification", items, seed=seed)
        assert all(e["label"] == "common" for _, e in dev) and len(train) + len(dev) == 10


def test_same_file_gives_same_task(tmp_path):
    path = str(write(tmp_path, "reviews.csv", sentiment_rows(50)))
    assert load_task(path).dev == load_task(path).dev


# --- error messages ----------------------------------------------------------------------------

def test_csv_without_label_column(tmp_path):
    path = write(tmp_path, "sentences.csv", "a,b\n1,2\n")
    with raises(r"^sentences.csv: no 'label' column; found columns: a, b; "
                r"expected one of text/sentence/sentence1/premise/question and label\. "
                r"Read as CSV/TSV \(from the .csv extension\) of classification examples \(the default, as no "
                r"family claims the header a, b; choose the family to override\); expected shape: classification: a "
                r'header row "text,label" \(a pair: "text,text_b,label"\), then rows like "a great film,positive"; '
                r"generation: columns input,output \(one reference per row; rows with the same input are gathered\)$"):
        load_task(str(path))


def test_csv_without_text_column(tmp_path):
    with raises("sentences.csv: no text column; found columns: body, label"):
        load_task(str(write(tmp_path, "sentences.csv", "body,label\nx,1\n")))


def test_empty_text_cell_names_line_and_column(tmp_path):
    lines = sentiment_rows(5) + " ,positive\n"  # header is line 1, so this row is line 7
    with raises(r"^reviews.csv line 7, column 'text': empty text$"):
        load_task(str(write(tmp_path, "reviews.csv", lines)))


def test_csv_line_numbers_count_multiline_cells(tmp_path):
    text = 'text,label\n"two\nlines",a\n"one",b\n,a\n'
    with raises("line 5, column 'text'"):
        load_task(str(write(tmp_path, "multi.csv", text)))


def test_csv_row_with_wrong_field_count(tmp_path):
    with raises("short.csv line 3: 1 fields but the header has 2 columns"):
        load_task(str(write(tmp_path, "short.csv", "text,label\nfine,a\nbroken\n")))


def test_invalid_json_line(tmp_path):
    text = '{"text": "a", "label": "x"}\n{"text": "b", "label": "y"}\n{"text": "c" "label": "x"}\n'
    with raises(r"^bad.jsonl line 3: not valid JSON: Expecting ',' delimiter \(character 14\)$"):
        load_task(str(write(tmp_path, "bad.jsonl", text)))


def test_json_array_is_not_json_lines(tmp_path):
    with raises("line 1: expected one JSON object per line"):
        load_task(str(write(tmp_path, "array.json", '[{"text": "a", "label": "x"}]\n')))


def test_tokens_and_tags_of_different_length(tmp_path):
    good = {"tokens": ["a", "b"], "tags": ["O", "B-X"]}
    rows = jsonl([good] * 4) + jsonl([{"tokens": ["w", "x", "y", "z"], "tags": ["O", "O", "O"]}])
    with raises(r"^ner.jsonl line 5: 4 tokens but 3 tags$"):
        load_task(str(write(tmp_path, "ner.jsonl", rows)))


def test_invalid_iob_tag_names_line_in_conll(tmp_path):
    train = "EU B-ORG\nrejects O\n\n" * 3 + "Peter O\nsaid O\nBlackburn X-PER\n"  # line 12
    write(tmp_path, "train.conll", train)
    write(tmp_path, "dev.conll", "EU B-ORG\n")
    with raises(r"^train.conll line 12: tag 'X-PER' is not IOB2 \(O, B-TYPE or I-TYPE\)$"):
        load_task(str(tmp_path))


def test_invalid_tag_in_jsonl_names_the_token(tmp_path):
    with raises(r"t.jsonl line 1, token 2: tag 'PER' is not IOB2"):
        load_task(str(write(tmp_path, "t.jsonl", jsonl([{"tokens": ["a", "b"], "tags": ["O", "PER"]}] * 2))))


def test_qa_answer_not_at_answer_start(tmp_path):
    context = "Many people believe that the capital of France is Paris."
    good = {"id": "1", "context": context, "question": "q", "answers": {"text": ["Paris"], "answer_start": [50]}}
    bad = dict(good, answers={"text": ["Paris"], "answer_start": [41]})
    with raises(r"^qa.jsonl line 9: answer 'Paris' not found at character 41 of the context$"):
        load_task(str(write(tmp_path, "qa.jsonl", jsonl([good] * 8 + [bad]))))


def test_dev_label_not_in_training_labels(tmp_path):
    write(tmp_path, "train.csv", sentiment_rows(4))
    write(tmp_path, "dev.csv", "text,label\ngood,positive\nbad,negative\nmeh,neutrall\n")
    with raises(r"^dev.csv line 4: label 'neutrall' does not appear in the training labels "
                r"\(negative, positive\)$"):
        load_task(str(tmp_path))


def test_dev_entity_type_not_in_training_tags(tmp_path):
    write(tmp_path, "train.conll", "a B-PER\n")
    write(tmp_path, "dev.conll", "a O\n\nb B-LOC\n")
    with raises("dev.conll line 3: entity type 'LOC' does not appear in the training labels"):
        load_task(str(tmp_path))


def test_fewer_than_two_examples(tmp_path):
    with raises(r"one.csv: 1 example\(s\); need at least 2"):
        load_task(str(write(tmp_path, "one.csv", "text,label\nonly,a\n")))


def test_single_label_is_not_a_classification_task(tmp_path):
    with raises("every training example has the label 'a'"):
        load_task(str(write(tmp_path, "same.csv", "text,label\nx,a\ny,a\nz,a\n")))


def test_unknown_extension(tmp_path):
    with raises(r"^notes.xlsx: unknown file type '.xlsx'; expected .csv, .tsv, .jsonl, .json, .conll, .txt, .iob, "
                r".bio, or a file of any name holding JSON lines or one token and its IOB tag a line \(its first "
                r"lines look like neither\)$"):
        load_task(str(write(tmp_path, "notes.xlsx", "x")))


def test_missing_file(tmp_path):
    with raises("missing.csv: file does not exist"):
        load_task(str(tmp_path / "missing.csv"))
    with raises("^reviews.xlsx: file does not exist$"):
        load_task("reviews.xlsx")


def test_empty_and_non_utf8_files(tmp_path):
    with raises("^empty.csv: the file is empty$"):
        load_task(str(write(tmp_path, "empty.csv", "\n")))
    (tmp_path / "latin.csv").write_bytes(b"text,label\ncaf\xe9,a\n")
    with raises("latin.csv line 2: not UTF-8 text"):
        load_task(str(tmp_path / "latin.csv"))


def test_wrong_family_for_format(tmp_path):
    with raises("CSV/TSV files hold generation or classification data"):
        load_task(str(write(tmp_path, "x.csv", sentiment_rows(3))), family="tagging")
    with raises(f"family 'regression' is not one of {', '.join(FAMILIES)}"):
        load_task("sentiment", family="regression")


def test_unknown_source_lists_presets():
    with raises("unknown task 'sentimen': not a preset"):
        load_task("sentimen")


def test_failed_load_writes_nothing(tmp_path):
    write(tmp_path, "train.csv", sentiment_rows(4))
    write(tmp_path, "dev.csv", "text,label\nx,neutral\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DataError):
        load_task(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- presets -----------------------------------------------------------------------------------

SENTIMENT_YAML = """\
description: Movie-review sentiment
family: classification
labels: [negative, positive]
templates:
  - {name: It was, template: "{text} It was {mask}.", verbalizer: {negative: terrible, positive: great}}
ptuning_template: "{prompt} {text} {prompt} {mask}"
defaults:
  fine-tuning: {lr: 1.0e-4, epochs: 3}
"""
NER_YAML = "description: News NER\nfamily: tagging\nlabels: [O, B-PER, I-PER, B-ORG, I-ORG]\n"


@pytest.fixture
def preset_dir(tmp_path, monkeypatch):
    for name, meta in (("sentiment", SENTIMENT_YAML), ("ner", NER_YAML)):
        (tmp_path / "tasks").mkdir(exist_ok=True)
        write(tmp_path / "tasks", f"{name}.yaml", meta)
        (tmp_path / "data" / name).mkdir(parents=True)
    rows = [{"text": f"review {i}", "label": ("negative", "positive")[i % 2]} for i in range(4)]
    write(tmp_path / "data" / "sentiment", "train.jsonl", jsonl(rows))
    write(tmp_path / "data" / "sentiment", "dev.jsonl", jsonl(rows[:2]))
    sentence = {"tokens": ["Ann", "joined", "Acme"], "tags": ["B-PER", "O", "B-ORG"]}
    write(tmp_path / "data" / "ner", "train.jsonl", jsonl([sentence] * 3))
    write(tmp_path / "data" / "ner", "dev.jsonl", jsonl([sentence]))
    monkeypatch.setattr(presets, "PRESETS_DIR", tmp_path)
    return tmp_path


def test_preset_combines_yaml_and_data(preset_dir):
    task = load_task("sentiment")
    assert (task.name, task.family, task.labels) == ("sentiment", "classification", ["negative", "positive"])
    assert (len(task.train), len(task.dev)) == (4, 2)
    assert task.templates[0]["verbalizer"] == {"negative": "terrible", "positive": "great"}
    assert task.ptuning_template == "{prompt} {text} {prompt} {mask}"
    assert task.defaults == {"fine-tuning": {"lr": 1e-4, "epochs": 3}}
    assert list_presets() == {"ner": "News NER", "sentiment": "Movie-review sentiment"}


def test_tagging_preset_keeps_its_tag_order(preset_dir):
    assert load_task("ner").labels == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]


def test_preset_data_label_outside_preset_labels(preset_dir):
    write(preset_dir / "data" / "sentiment", "train.jsonl", jsonl([{"text": "x", "label": "neutral"}]))
    with raises(r"train.jsonl line 1: label 'neutral' does not appear in the task's labels"):
        load_task("sentiment")


def test_preset_without_data(preset_dir):
    (preset_dir / "data" / "ner" / "dev.jsonl").unlink()
    with raises("preset 'ner': data not found"):
        load_task("ner")


def test_preset_family_mismatch(preset_dir):
    with raises("preset 'ner' is a tagging task, not qa"):
        load_task("ner", family="qa")


SHIPPED = sorted(p.stem for p in (REPO_PRESETS / "tasks").glob("*.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_presets_load(name):
    if not (REPO_PRESETS / "data" / name / "dev.jsonl").is_file():
        pytest.skip(f"presets/data/{name} not generated yet")
    task = load_task(name)
    assert task.train and task.dev and task.description
    assert task.unanswerable == (name == "qa-v2")


# --- hub ---------------------------------------------------------------------------------------

@pytest.fixture
def online(monkeypatch):
    """The hub as reachable, with `datasets.load_dataset` answering from in-memory datasets."""
    import datasets

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hub, "_check_reachable", lambda dataset_id: None)
    calls = []

    def serve(splits):
        def load_dataset(repo, config=None, revision=None):
            calls.append((repo, config, revision))
            return datasets.DatasetDict({name: datasets.Dataset.from_dict(data, features=features)
                                         for name, (data, features) in splits.items()})
        monkeypatch.setattr(datasets, "load_dataset", load_dataset)
        return calls
    return serve


def test_hub_offline_env_fails_fast_naming_the_id(monkeypatch):
    import datasets

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # set after `datasets` read it at import
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    start = time.perf_counter()
    with raises("hub dataset 'glue/sst2': the Hugging Face hub is not reachable"):
        load_task("glue/sst2")
    with raises("hub dataset 'someone/reviews': the Hugging Face hub is not reachable"):
        load_task("someone/reviews")
    assert time.perf_counter() - start < 5


def test_hub_offline_mode_without_cache(monkeypatch, tmp_path):
    import datasets

    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path)
    with raises("hub dataset 'nobody/no-such-data': the Hugging Face hub is not reachable and no cached copy"):
        load_task("nobody/no-such-data")


def test_hub_unreachable_is_detected_before_download(monkeypatch):
    import datasets

    def refuse(*args, **kwargs):
        raise OSError("Network is unreachable")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(urllib.request, "getproxies", dict)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **k: pytest.fail("should not download"))
    with raises("hub dataset 'conll2003': the Hugging Face hub is not reachable .*Network is unreachable"):
        load_task("conll2003")


def test_hub_dataset_not_found(online, monkeypatch):
    import datasets
    from datasets.exceptions import DatasetNotFoundError

    def missing(*args, **kwargs):
        raise DatasetNotFoundError("Dataset 'someone/nothing' doesn't exist on the Hub")
    monkeypatch.setattr(datasets, "load_dataset", missing)
    with raises(r"^hub dataset 'someone/nothing': not found on the Hugging Face hub"):
        load_task("someone/nothing")


def test_hub_glue_sst2_maps_class_ids_to_names(online):
    from datasets import ClassLabel, Features, Value

    features = Features({"sentence": Value("string"), "label": ClassLabel(names=["negative", "positive"]),
                         "idx": Value("int32")})
    rows = {"sentence": ["bad film ", "great film"], "label": [0, 1], "idx": [0, 1]}
    calls = online({"train": (rows, features), "validation": (rows, features),
                    "test": ({"sentence": ["x"], "label": [-1], "idx": [0]}, features)})
    task = load_task("glue/sst2")
    assert calls == [("nyu-mll/glue", "sst2", None)]
    assert task.train == [{"text": "bad film", "label": "negative"}, {"text": "great film", "label": "positive"}]
    assert task.labels == ["negative", "positive"] and len(task.dev) == 2
    assert "validation split for evaluation" in task.description


def test_hub_mnli_uses_validation_matched(online):
    from datasets import ClassLabel, Features, Value

    features = Features({"premise": Value("string"), "hypothesis": Value("string"),
                         "label": ClassLabel(names=["entailment", "neutral", "contradiction"])})
    rows = {"premise": ["p1", "p2", "p3"], "hypothesis": ["h1", "h2", "h3"], "label": [0, 1, 2]}
    online({"train": (rows, features), "validation_matched": (rows, features)})
    task = load_task("glue/mnli")
    assert task.dev[2] == {"text": "p3", "text_b": "h3", "label": "contradiction"}
    assert task.labels == ["contradiction", "entailment", "neutral"]


def test_hub_conll2003_tag_ids_become_iob2_names(online):
    from datasets import ClassLabel, Features, List, Value

    names = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
    features = Features({"id": Value("string"), "tokens": List(Value("string")),
                         "ner_tags": List(ClassLabel(names=names))})
    rows = {"id": ["0"], "tokens": [["EU", "rejects", "German", "call"]], "ner_tags": [[3, 0, 7, 0]]}
    calls = online({"train": (rows, features), "validation": (rows, features)})
    task = load_task("conll2003")
    assert calls == [("eriktks/conll2003", None, "refs/convert/parquet")]
    assert task.train == [{"tokens": ["EU", "rejects", "German", "call"], "tags": ["B-ORG", "O", "B-MISC", "O"]}]
    assert task.labels == ["O", "B-MISC", "I-MISC", "B-ORG", "I-ORG"]


def test_hub_squad_v2_is_unanswerable(online):
    context = "Paris is the capital of France."
    rows = {"id": ["1", "2"], "title": ["t", "t"], "context": [context] * 2, "question": ["What?", "Who?"],
            "answers": [{"text": ["Paris"], "answer_start": [0]}, {"text": [], "answer_start": []}]}
    online({"train": (rows, None), "validation": (rows, None)})
    task = load_task("squad_v2")
    assert task.family == "qa" and task.unanswerable and task.dev[0]["answers"]["text"] == ["Paris"]


def test_hub_generic_id_infers_family_and_splits_without_dev(online):
    rows = {"text": [f"t{i}" for i in range(10)], "label": ["yes", "no"] * 5}
    calls = online({"train": (rows, None)})
    task = load_task("someone/reviews")
    assert calls == [("someone/reviews", None, None)]
    assert (task.family, task.labels, len(task.dev)) == ("classification", ["no", "yes"], 2)
    assert "10 examples split into 8 train / 2 dev" in task.description


def test_hub_generic_id_with_missing_columns(online):
    online({"train": ({"body": ["a", "b"], "stars": [1, 2]}, None)})
    with raises("hub dataset 'someone/stars': no 'label' column; found columns: body, stars"):
        load_task("someone/stars")

