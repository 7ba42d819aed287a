"""Public data in its own formats: SQuAD's JSON, SuperGLUE / FewGLUE JSON lines, CoNLL files known by
their content, train/dev/test folders, and what an unreadable file's message says.

Every file is written here, small, in the published layout (never the shared data); offline.
"""
from __future__ import annotations

import json

import pytest

from core.data import DataError, hub, load_task, superglue
from core.data.files import split_of
from core.tasks.cloze import Cloze
from tests.core.test_data import jsonl, write  # the same small file writers

SUPERGLUE = ("boolq", "rte", "cb", "wic", "copa", "wsc", "multirc")


def raises(match: str):
    return pytest.raises(DataError, match=match)


# --- SQuAD's JSON ------------------------------------------------------------------------------

CONTEXT = "Ada Lovelace was born in London in 1815."


def squad(version: str, n_articles: int = 3, impossible: bool = False) -> dict:
    """A SQuAD document: each article one paragraph, two questions (the second unanswerable in 2.0)."""
    articles = []
    for a in range(n_articles):
        qas = [{"id": f"a{a}q0", "question": "Where was Ada born?",
                "answers": [{"text": "London", "answer_start": 25}, {"text": "in London", "answer_start": 22}]}]
        if impossible:
            qas.append({"id": f"a{a}q1", "question": "Where did Ada die?", "answers": [], "is_impossible": True,
                        "plausible_answers": [{"text": "London", "answer_start": 25}]})
        articles.append({"title": f"Article {a}", "paragraphs": [{"context": CONTEXT, "qas": qas}]})
    return {"version": version, "data": articles}


def test_squad_v1_json_file_is_read_as_qa(tmp_path):
    task = load_task(str(write(tmp_path, "train-v1.1.json", json.dumps(squad("1.1", 5)))))
    assert task.family == "qa" and not task.unanswerable and len(task.train) + len(task.dev) == 5
    example = next(e for e in task.train + task.dev if e["id"] == "a0q0")
    assert example == {"id": "a0q0", "context": CONTEXT, "question": "Where was Ada born?",
                       "answers": {"text": ["London", "in London"], "answer_start": [25, 22]}}
    assert "read as SQuAD JSON" in task.description


def test_squad_v2_pretty_printed_keeps_plausible_answers_out_of_the_gold(tmp_path):
    task = load_task(str(write(tmp_path, "dev-v2.0.json", json.dumps(squad("v2.0", 3, True), indent=2))))
    examples = {e["id"]: e for e in task.train + task.dev}
    assert task.unanswerable and len(examples) == 6
    assert examples["a1q1"]["answers"] == {"text": [], "answer_start": []}
    assert examples["a1q0"]["answers"]["text"] == ["London", "in London"]


def test_squad_folder_with_train_and_dev_files(tmp_path):
    write(tmp_path, "train-v2.0.json", json.dumps(squad("v2.0", 4, True)))
    write(tmp_path, "dev-v2.0.json", json.dumps(squad("v2.0", 2, True)))
    task = load_task(str(tmp_path))
    assert (len(task.train), len(task.dev), task.test) == (8, 4, [])
    assert task.unanswerable and "train-v2.0.json (8 examples) for training" in task.description


def test_squad_errors_name_the_article_paragraph_and_question(tmp_path):
    document = squad("v2.0", 4, True)
    document["data"][3]["paragraphs"][0]["qas"][0]["answers"][0]["answer_start"] = 3
    with raises(r"^dev-v2.0.json data\[3\].paragraphs\[0\].qas\[0\] \(id a3q0\): answer 'London' not found at "
                r"character 3 of the context$"):
        load_task(str(write(tmp_path, "dev-v2.0.json", json.dumps(document))))
    document = squad("1.1", 2)
    document["data"][0]["paragraphs"] = {"context": CONTEXT}  # not a list
    with raises(r"^bad.json data\[0\].paragraphs: expected the paragraphs \(a list\), got dict .*\. "
                r"Read as SQuAD JSON \(a JSON document with a 'data' list of articles\); expected shape: "
                r'\{"version": "1.1", "data": \[\{"title"'):
        load_task(str(write(tmp_path, "bad.json", json.dumps(document))))
    document = squad("1.1", 2)
    document["data"][1]["paragraphs"][0]["qas"][0]["is_impossible"] = "no"
    with raises(r"data\[1\].paragraphs\[0\].qas\[0\] \(id a1q0\), field 'is_impossible': expected true or false"):
        load_task(str(write(tmp_path, "odd.json", json.dumps(document))))


def test_squad_json_is_qa_only_and_other_json_documents_are_refused(tmp_path):
    path = write(tmp_path, "squad.json", json.dumps(squad("1.1")))
    with raises("^squad.json: SQuAD JSON holds qa data, not classification$"):
        load_task(str(path), family="classification")
    with raises(r"^things.json: one JSON object, not JSON lines nor SQuAD's JSON; expected one JSON object per line "
                r"\(e.g. \{\"text\": \"a great film\""):
        load_task(str(write(tmp_path, "things.json", json.dumps({"rows": [1, 2]}, indent=2))))


# --- SuperGLUE / FewGLUE JSON lines ------------------------------------------------------------

def records(task: str, n: int, labelled: bool = True) -> list[dict]:
    """n records in the published layout of `task`, the labels alternating."""
    out = []
    for i in range(n):
        yes = i % 2 == 0
        if task == "boolq":
            record = {"question": f"is question {i} true", "passage": f"Passage {i} says so.", "idx": i, "label": yes}
        elif task in ("rte", "cb"):
            label = ["entailment", "not_entailment"][i % 2] if task == "rte" else \
                ["entailment", "contradiction", "neutral"][i % 3]
            record = {"premise": f"Premise {i}.", "hypothesis": f"Hypothesis {i}.", "idx": i, "label": label}
        elif task == "wic":
            record = {"word": "bank", "sentence1": f"The bank {i} lends money.",
                      "sentence2": "We sat on the river bank.",
                      "idx": i, "start1": 4, "end1": 8, "start2": 20, "end2": 24, "version": 1.1, "label": yes}
        elif task == "copa":
            record = {"premise": f"The ice melted {i}.", "choice1": "It got warm.", "choice2": "It got cold.",
                      "question": ("cause", "effect")[i % 2], "idx": i, "label": i % 2}
        elif task == "wsc":
            record = {"text": f"Ann thanked Bea {i} because she helped.", "idx": i, "label": yes,
                      "target": {"span1_text": "Bea", "span1_index": 2, "span2_text": "she", "span2_index": 5}}
        else:  # multirc: one passage, one question, two candidate answers (one right)
            record = {"idx": i, "version": 1.1, "passage": {"text": f"Passage {i}: Ada was born in London.",
                      "questions": [{"question": "Where was Ada born?", "idx": i, "answers": [
                          {"text": "London", "idx": 2 * i, "label": 1},
                          {"text": "Paris", "idx": 2 * i + 1, "label": 0}]}]}}
        if not labelled:
            record.pop("label", None)
            for question in record.get("passage", {}).get("questions", []) if task == "multirc" else []:
                for answer in question["answers"]:
                    answer.pop("label")
        out.append(record)
    return out


FIRST = {  # what the first record of `records(task, n)` becomes
    "boolq": {"text": "Passage 0 says so.", "text_b": "is question 0 true", "label": "true"},
    "rte": {"text": "Premise 0.", "text_b": "Hypothesis 0.", "label": "entailment"},
    "cb": {"text": "Premise 0.", "text_b": "Hypothesis 0.", "label": "entailment"},
    "wic": {"text": "The *bank* 0 lends money.", "text_b": "We sat on the river *bank*.", "label": "true"},
    "copa": {"text": "The ice melted 0. What was the cause of this?", "text_b": "(1) It got warm. (2) It got cold.",
             "label": "choice1"},
    "wsc": {"text": "Ann thanked [Bea] 0 because *she* helped.", "text_b": "*she* refers to Bea", "label": "true"},
    "multirc": {"text": "Passage 0: Ada was born in London.", "text_b": "Where was Ada born? Answer: London",
                "label": "true"},
}


@pytest.mark.parametrize("task", SUPERGLUE)
def test_superglue_file_is_recognised_converted_and_gets_its_prompts(tmp_path, task):
    loaded = load_task(str(write(tmp_path, "train.jsonl", jsonl(records(task, 10)))))
    spec = superglue.prompts(task)
    assert loaded.family == "classification" and loaded.labels == spec["labels"]
    assert FIRST[task] in loaded.train + loaded.dev
    assert [t["name"] for t in loaded.templates] == [t["name"] for t in spec["templates"]]
    assert loaded.ptuning_template == spec["ptuning_template"]
    assert f"recognised as SuperGLUE {superglue.NAMES[task]}" in loaded.description
    assert len(loaded.train) + len(loaded.dev) == (20 if task == "multirc" else 10)


@pytest.mark.parametrize("task", SUPERGLUE)
def test_fewglue_folder_with_dev32_and_an_unlabelled_test_file(tmp_path, task):
    write(tmp_path, "train.jsonl", jsonl(records(task, 8)))
    write(tmp_path, "dev32.jsonl", jsonl(records(task, 4)))
    write(tmp_path, "test.jsonl", jsonl(records(task, 3, labelled=False)))
    write(tmp_path, "unlabeled.jsonl", jsonl(records(task, 3, labelled=False)))
    loaded = load_task(str(tmp_path))
    pairs = 2 if task == "multirc" else 1
    assert (len(loaded.train), len(loaded.dev), loaded.test) == (8 * pairs, 4 * pairs, [])
    assert loaded.train[0] == FIRST[task] and loaded.templates
    assert "dev32.jsonl (%d) for evaluation" % (4 * pairs) in loaded.description
    assert "test.jsonl skipped: its records have no labels" in loaded.description
    assert "so not read: unlabeled.jsonl" in loaded.description


def test_superglue_folder_with_val_and_a_labelled_test_file(tmp_path):
    write(tmp_path, "train.jsonl", jsonl(records("wic", 6)))
    write(tmp_path, "val.jsonl", jsonl(records("wic", 2)))
    write(tmp_path, "test.jsonl", jsonl(records("wic", 4)[1:]))
    loaded = load_task(str(tmp_path))
    assert [e["label"] for e in loaded.test] == ["false", "true", "false"]
    assert "test.jsonl (3) as the test set" in loaded.description


def test_rte_or_cb_by_labels_and_other_pairs_stay_plain(tmp_path):
    assert load_task(str(write(tmp_path, "a.jsonl", jsonl(records("rte", 6))))).templates[0]["verbalizer"] == \
        {"entailment": "true", "not_entailment": "false"}
    assert "neutral" in load_task(str(write(tmp_path, "b.jsonl", jsonl(records("cb", 8))))).labels
    rows = [{"premise": f"p{i}", "hypothesis": f"h{i}", "label": "yes" if i % 2 else "no"} for i in range(6)]
    plain = load_task(str(write(tmp_path, "c.jsonl", jsonl(rows))))
    assert (plain.labels, plain.templates, plain.ptuning_template) == (["no", "yes"], [], None)
    rows = [{"question": f"q{i}", "passage": f"p{i}", "label": "yes" if i % 2 else "no"} for i in range(6)]
    plain = load_task(str(write(tmp_path, "d.jsonl", jsonl(rows))))  # string labels: not BoolQ's booleans
    assert plain.templates == [] and plain.train[0]["text"].startswith("q")


def test_fewglue_wsc_without_false_training_examples_still_loads(tmp_path):
    write(tmp_path, "train.jsonl", jsonl([r for r in records("wsc", 8) if r["label"]]))  # as FewGLUE's WSC
    write(tmp_path, "dev32.jsonl", jsonl(records("wsc", 4)))
    loaded = load_task(str(tmp_path))
    assert loaded.labels == ["false", "true"] and {e["label"] for e in loaded.train} == {"true"}
    assert "no training example has the label false" in loaded.description


def test_superglue_errors_name_the_line_and_field(tmp_path):
    rows = records("wic", 4)
    rows[1]["start1"] = 99
    with raises(r"^train.jsonl line 2, field 'start1': expected a character offset from 0 to 23, got 99$"):
        load_task(str(write(tmp_path, "train.jsonl", jsonl(rows))))
    rows = records("wic", 4)
    rows[0]["end2"] = "x"
    with raises(r"^w.jsonl line 1, field 'end2': expected a character offset from 0 to 25, got 'x'\. "
                r"Read as SuperGLUE WiC JSON lines \(recognised by its first record's fields: end1, end2, idx, "
                r"label, .*\); expected shape: \{\"word\": \"bank\""):
        load_task(str(write(tmp_path, "w.jsonl", jsonl(rows))))
    rows = records("wsc", 4)
    rows[2]["target"]["span2_index"] = 1
    with raises(r"^s.jsonl line 3, field 'target.span2_text': 'she' is not at word 1 of the text \(found 'tha'\)$"):
        load_task(str(write(tmp_path, "s.jsonl", jsonl(rows))))
    rows = records("copa", 4)
    rows[3]["label"] = 2
    with raises(r"^c.jsonl line 4, field 'label': expected 0 or 1, got 2$"):
        load_task(str(write(tmp_path, "c.jsonl", jsonl(rows))))
    rows = records("multirc", 3)
    rows[2]["passage"]["questions"][0]["answers"][1]["label"] = "yes"
    with raises(r"^m.jsonl line 3 passage.questions\[0\].answers\[1\], field 'label': expected 1 or 0, got \"yes\"$"):
        load_task(str(write(tmp_path, "m.jsonl", jsonl(rows))))


def test_folder_files_must_hold_the_same_records(tmp_path):
    write(tmp_path, "train.jsonl", jsonl(records("wic", 4)))
    write(tmp_path, "dev.jsonl", jsonl(records("boolq", 2)))
    with raises("^dev.jsonl: read as SuperGLUE BoolQ JSON lines, but train.jsonl as SuperGLUE WiC JSON lines"):
        load_task(str(tmp_path))


@pytest.mark.parametrize("task", SUPERGLUE)
@pytest.mark.parametrize("tokenizer_name,kind", [("minilm-l6", "encoder"), ("smollm2-135m", "decoder")])
def test_superglue_templates_work_on_both_tokenizers(task, tokenizer_name, kind):
    from core.backbones import load_tokenizer

    spec, tokenizer = superglue.prompts(task), load_tokenizer(tokenizer_name)
    assert len(spec["templates"]) >= 4
    for entry in spec["templates"]:
        assert all(isinstance(word, str) for word in entry["verbalizer"].values()), entry  # YAML booleans quoted
        cloze = Cloze(entry["template"], entry["verbalizer"], kind)
        assert len(set(cloze.label_word_ids(spec["labels"], tokenizer))) == len(spec["labels"])
        feature = cloze.encode(FIRST[task], tokenizer, 128)
        assert 0 <= feature["mask_pos"] < len(feature["input_ids"])
    ptuning = Cloze(spec["ptuning_template"], spec["templates"][0]["verbalizer"], kind, prompt_length=8)
    assert sum(ptuning.encode(FIRST[task], tokenizer, 128)["prompt_mask"]) == 8


# --- the hub's super_glue ids reuse the conversion and the prompts -----------------------------

@pytest.fixture
def online(monkeypatch):
    """The hub as reachable, `datasets.load_dataset` answering from in-memory datasets."""
    import datasets

    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_check_reachable", lambda dataset_id: None)

    def serve(columns: dict, label_names: list[str]):
        from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

        features = Features({name: Value("int32" if isinstance(values[0], int) else "string")
                             for name, values in columns.items()} | {"label": ClassLabel(names=label_names)})
        calls = []

        def load_dataset(repo, config=None, revision=None):
            calls.append((repo, config))
            split = Dataset.from_dict(columns, features=features)
            test = Dataset.from_dict({**columns, "label": [-1] * len(columns["label"])}, features=features)
            return DatasetDict({"train": split, "validation": split, "test": test})
        monkeypatch.setattr(datasets, "load_dataset", load_dataset)
        return calls
    return serve


def test_hub_super_glue_wsc_multirc_copa_and_boolq(online):
    calls = online({"text": ["Ann thanked Bea because she helped."] * 2, "span1_index": [2, 0],
                    "span2_index": [4, 4], "span1_text": ["Bea", "Ann"], "span2_text": ["she", "she"],
                    "idx": [0, 1], "label": [1, 0]}, ["False", "True"])
    task = load_task("super_glue/wsc")
    assert calls == [("aps/super_glue", "wsc.fixed")]
    assert task.train == [{"text": "Ann thanked [Bea] because *she* helped.", "text_b": "*she* refers to Bea",
                           "label": "true"},
                          {"text": "[Ann] thanked Bea because *she* helped.", "text_b": "*she* refers to Ann",
                           "label": "false"}]
    assert task.templates == superglue.prompts("wsc")["templates"] and task.test == []

    online({"paragraph": ["Ada was born in London."] * 2, "question": ["Where was Ada born?"] * 2,
            "answer": ["London", "Paris"], "label": [1, 0]}, ["False", "True"])
    task = load_task("super_glue/multirc")
    assert [e["text_b"] for e in task.dev] == ["Where was Ada born? Answer: London",
                                               "Where was Ada born? Answer: Paris"]
    assert [e["label"] for e in task.dev] == ["true", "false"]

    online({"premise": ["The ice melted."] * 2, "choice1": ["It got warm."] * 2, "choice2": ["It got cold."] * 2,
            "question": ["cause", "effect"], "idx": [0, 1], "label": [0, 1]}, ["choice1", "choice2"])
    task = load_task("super_glue/copa")
    assert task.train[1] == {"text": "The ice melted. What happened as a result?",
                             "text_b": "(1) It got warm. (2) It got cold.", "label": "choice2"}

    online({"question": ["is it", "is it not"], "passage": ["It is.", "It is not."], "idx": [0, 1],
            "label": [1, 0]}, ["False", "True"])
    task = load_task("super_glue/boolq")
    assert task.train[0] == {"text": "It is.", "text_b": "is it", "label": "true"}
    assert task.ptuning_template == superglue.prompts("boolq")["ptuning_template"]


def test_every_super_glue_hub_id_has_a_spec_with_prompts():
    for name in SUPERGLUE:
        spec = hub.HUB_DATASETS[f"super_glue/{name}"]
        assert spec.superglue == name and spec.family == "classification" and superglue.prompts(name)["templates"]


# --- CoNLL by content --------------------------------------------------------------------------

IOB1 = ("-DOCSTART- -X- -X- O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\n\n"
        "Peter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\n")
IOB2 = "Ann\tB-PER\nLee\tI-PER\nmet\tO\nBob\tB-PER\n\nin\tO\nParis\tB-LOC\n\n"


@pytest.mark.parametrize("name", ["eng.testb", "news.iob", "news.bio", "news", "news.data"])
@pytest.mark.parametrize("text", [IOB1, IOB2], ids=["iob1", "iob2"])
def test_token_per_line_files_by_content(tmp_path, name, text):
    task = load_task(str(write(tmp_path, name, text * 3)))
    examples = task.train + task.dev
    assert task.family == "tagging" and len(examples) == 6
    expected = {"tokens": ["EU", "rejects", "German"], "tags": ["B-ORG", "O", "B-MISC"]} if text == IOB1 else \
        {"tokens": ["Ann", "Lee", "met", "Bob"], "tags": ["B-PER", "I-PER", "O", "B-PER"]}
    assert expected in examples


def test_conll_2003_folder_eng_train_testa_testb(tmp_path):
    write(tmp_path, "eng.train", IOB1 * 3)
    write(tmp_path, "eng.testa", IOB1)
    write(tmp_path, "eng.testb", IOB1.replace("Peter NNP I-NP I-PER", "Paris NNP I-NP I-LOC"))
    with raises(r"^eng.testb line 7: entity type 'LOC' does not appear in the training labels"):
        load_task(str(tmp_path))
    write(tmp_path, "eng.testb", IOB1)
    task = load_task(str(tmp_path))
    assert (len(task.train), len(task.dev), len(task.test)) == (6, 2, 2)
    assert task.test[1] == {"tokens": ["Peter", "Blackburn"], "tags": ["B-PER", "I-PER"]}


def test_files_that_look_like_nothing_known(tmp_path):
    with raises(r"^notes.testb: unknown file type '.testb'; expected .csv, .*IOB tag a line \(its first lines look "
                r"like neither\)$"):
        load_task(str(write(tmp_path, "notes.testb", "Some prose that is not tagged.\nAnother line.\n")))
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04\x00\xff\xfe binary")
    with raises("^sheet.xlsx: unknown file type '.xlsx'"):
        load_task(str(tmp_path / "sheet.xlsx"))
    with raises(r"^tags.bio line 2: tag 'S-PER' is not IOB2"):  # sniffed as tags, then checked
        load_task(str(write(tmp_path, "tags.bio", "Ann B-PER\nBob S-PER\n\n")))


def test_split_of_file_names():
    assert [split_of(n) for n in ("train-v1.1.json", "dev32.jsonl", "val.jsonl", "validation.csv", "eng.testa",
                                  "eng.testb", "test.jsonl", "unlabeled.jsonl", "README.md")] == \
        ["train", "dev", "dev", "dev", "dev", "test", "test", None, None]


# --- train / dev / test folders ----------------------------------------------------------------

def sentiment(n: int, start: int = 0) -> str:
    return "text,label\n" + "".join(f"review {i},{('negative', 'positive')[i % 2]}\n" for i in range(start, start + n))


def test_folder_with_a_labelled_test_file(tmp_path):
    write(tmp_path, "train.csv", sentiment(6))
    write(tmp_path, "validation.csv", sentiment(2, 6))
    write(tmp_path, "test.csv", sentiment(3, 8))
    task = load_task(str(tmp_path))
    assert task.test == [{"text": "review 8", "label": "negative"}, {"text": "review 9", "label": "positive"},
                         {"text": "review 10", "label": "negative"}]
    assert "train.csv (6 examples) for training, validation.csv (2) for evaluation, test.csv (3) as the test set" \
        in task.description
    write(tmp_path, "test.csv", "text,label\nok,positive\nhm,neutral\n")
    with raises(r"^test.csv line 3: label 'neutral' does not appear in the training labels \(negative, positive\)$"):
        load_task(str(tmp_path))


def test_folder_with_an_unlabelled_test_file(tmp_path):
    write(tmp_path, "train.csv", sentiment(6))
    write(tmp_path, "dev.csv", sentiment(2))
    write(tmp_path, "test.csv", "text\nan unlabelled review\n")
    task = load_task(str(tmp_path))
    assert task.test == [] and "test.csv skipped: its records have no labels" in task.description


def test_folder_preview_keeps_test_examples_whose_labels_were_read(tmp_path):
    write(tmp_path, "train.csv", sentiment(6) + "z,neutral\n")
    write(tmp_path, "dev.csv", sentiment(2))
    write(tmp_path, "test.csv", "text,label\na,neutral\nb,positive\n")
    task = load_task(str(tmp_path), max_rows=4)
    assert task.test == [{"text": "b", "label": "positive"}] and "train.csv" in task.data_note


def test_folder_with_two_dev_files(tmp_path):
    write(tmp_path, "train.jsonl", jsonl(records("rte", 4)))
    write(tmp_path, "dev32.jsonl", jsonl(records("rte", 2)))
    write(tmp_path, "val.jsonl", jsonl(records("rte", 2)))
    with raises(r"^folder \w+: several dev files \(dev32.jsonl, val.jsonl\); keep one$"):
        load_task(str(tmp_path))


# --- what an unreadable file's message says ----------------------------------------------------

def test_jsonl_of_unknown_keys_says_what_it_was_read_as_and_each_shape(tmp_path):
    path = write(tmp_path, "reviews.jsonl", jsonl([{"foo": 1, "bar": 2}] * 2))
    with raises(r"^reviews.jsonl line 1: no 'label' column; found columns: foo, bar; .*\. Read as JSON lines "
                r"\(from the .jsonl extension\) of classification examples \(the default, as no family claims the "
                r"first record's keys foo, bar; choose the family to override\); expected shape: classification: "
                r'\{"text": "a great film", "label": "positive"\}.*; tagging: \{"tokens": .*; qa: \{"id": "q1"'):
        load_task(str(path))


def test_a_guessed_family_is_named_with_its_shape(tmp_path):
    rows = [{"question": "q", "context": "c", "label": "yes"}] * 2
    with raises(r"^boolq.jsonl line 1: no 'answers' field; .*\. Read as JSON lines \(from the .jsonl extension\) "
                r"of qa examples \(guessed from its first record's keys: question, context, label; choose the "
                r"family to override\); expected shape: \{\"id\": \"q1\", \"context\""):
        load_task(str(write(tmp_path, "boolq.jsonl", jsonl(rows))))
    with raises(r"^t.jsonl line 1, token 2: tag 'PER' is not IOB2 .*Read as JSON lines \(from the .jsonl "
                r"extension\) of tagging examples \(as asked\); expected shape: \{\"tokens\": \["):
        load_task(str(write(tmp_path, "t.jsonl", jsonl([{"tokens": ["a", "b"], "tags": ["O", "PER"]}] * 2))),
                  family="tagging")


def test_first_line_errors_say_what_the_file_was_read_as(tmp_path):
    with raises(r"^bad.jsonl line 1: not valid JSON: Expecting ',' delimiter \(character 14\)\. Read as JSON "
                r"\(from the .jsonl extension\); expected one JSON object per line, such as \{\"text\""):
        load_task(str(write(tmp_path, "bad.jsonl", '{"text": "a" "label": "x"}\n')))
    with raises(r"^eng.testb line 6: expected a token and its tag separated by a space or tab, got 'boycott'\. "
                r"Read as CoNLL \(from its content: its first lines are a token and a tag\) of tagging examples "
                r"\(CoNLL files hold tagging data\); expected shape: one token a line"):
        load_task(str(write(tmp_path, "eng.testb", "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\nto O\nboycott\n")))
    with raises(r"^later.jsonl line 3: not valid JSON: Expecting ',' delimiter \(character 14\)$"):  # format was right
        load_task(str(write(tmp_path, "later.jsonl", jsonl(records("rte", 2)) + '{"text": "a" "label": "x"}\n')))
