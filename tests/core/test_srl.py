"""core/tasks/srl.py and core/data/conll05.py: the predicate as a second segment (appended on encoders,
first on decoders), labels on the sentence only, the verb never truncated, argument F1 without V,
display rows, typed input, JSON lines and CoNLL-2005 readers with line-precise errors, and learning."""

import numpy as np
import pytest
import torch

from core.backbones import load_backbone, load_tokenizer
from core.config import RunConfig
from core.data import DataError, load_task
from core.methods import MethodError, build_model
from core.tasks import collate, get_family, infer_family
from core.tasks.base import IGNORE
from core.tasks.srl import argument_f1
from core.train import train
from tests.conftest import tiny_task
from tests.core.test_data import jsonl, write
from tests.core.test_learning import StepLosses

FAMILY = get_family("srl")
TASK = tiny_task("srl")
EXAMPLE = TASK.train[1]  # Anna gave Tom a book yesterday .


def raises(match: str):
    return pytest.raises(DataError, match=match)


@pytest.fixture(scope="module", params=[("minilm-l6", "encoder"), ("smollm2-135m", "decoder")], ids=["enc", "dec"])
def tokenizer_kind(request):
    return load_tokenizer(request.param[0]), request.param[1]


# -- encoding -----------------------------------------------------------------------------------
def test_encoder_appends_the_verb_as_a_second_segment():
    tokenizer = load_tokenizer("minilm-l6")
    feature = FAMILY.encode(TASK, [EXAMPLE], tokenizer, 64, kind="encoder")[0]
    pieces = tokenizer.convert_ids_to_tokens(feature["input_ids"])
    assert pieces == ["[CLS]", "anna", "gave", "tom", "a", "book", "yesterday", ".", "[SEP]", "gave", "[SEP]"]
    assert feature["token_type_ids"] == [0] * 9 + [1, 1]
    assert feature["labels"] == [IGNORE] + [TASK.labels.index(t) for t in EXAMPLE["tags"]] + [IGNORE] * 3


def test_decoder_puts_the_verb_first_where_causal_attention_sees_it():
    tokenizer = load_tokenizer("smollm2-135m")
    feature = FAMILY.encode(TASK, [EXAMPLE], tokenizer, 64, kind="decoder")[0]
    assert feature["input_ids"] == tokenizer(" gave : " + " ".join(EXAMPLE["tokens"]))["input_ids"]
    assert feature["labels"][:2] == [IGNORE, IGNORE]  # " gave", " :"
    assert feature["labels"][2:] == [TASK.labels.index(t) for t in EXAMPLE["tags"]]


def test_only_sentence_words_are_labelled_at_their_first_sub_token(tokenizer_kind):
    tokenizer, kind = tokenizer_kind
    example = {"tokens": ["Zbigniew", "unbelievably", "photographed", "Kraków", "."], "verb_index": 2,
               "tags": ["B-A0", "B-AM-MNR", "B-V", "B-A1", "O"]}
    task = tiny_task("srl")
    task.labels = ["O", "B-A0", "I-A0", "B-A1", "I-A1", "B-AM-MNR", "I-AM-MNR", "B-V", "I-V"]
    feature = FAMILY.encode(task, [example], tokenizer, 64, kind=kind)[0]
    labelled = [(w, label) for w, label in zip(feature["word_ids"], feature["labels"]) if label != IGNORE]
    assert labelled == [(i, task.labels.index(t)) for i, t in enumerate(example["tags"])]
    assert any(feature["word_ids"].count(w) > 1 for w in range(5))  # some words do split
    assert len(feature["input_ids"]) > sum(w is not None for w in feature["word_ids"]) + 1  # the verb is there too


@pytest.mark.parametrize("max_length", [5, 6, 8])
def test_truncation_cuts_the_sentence_never_the_verb(tokenizer_kind, max_length):
    tokenizer, kind = tokenizer_kind
    example = {"tokens": ["A", "cat", "ate", "the", "fish", "in", "the", "kitchen", "yesterday", "."],
               "verb_index": 2, "tags": ["B-A0", "I-A0", "B-V", "B-A1", "I-A1"] + ["O"] * 5}
    feature = FAMILY.encode(TASK, [example], tokenizer, max_length, kind=kind)[0]
    verb_ids = tokenizer([" ate" if kind == "decoder" else "ate"], is_split_into_words=True,
                         add_special_tokens=False)["input_ids"]
    ids = feature["input_ids"]
    assert len(ids) == max_length
    at = (len(ids) - 1 - len(verb_ids)) if kind == "encoder" else 0  # before the final [SEP] / first
    assert ids[at:at + len(verb_ids)] == verb_ids
    kept = [w for w in feature["word_ids"] if w is not None]
    assert kept == list(range(len(kept))) and 0 < len(kept) < len(example["tokens"])
    tags = FAMILY.predict(TASK, gold_logits([feature]), [feature], [example])[0]["tags"]
    assert tags[:len(kept)] == example["tags"][:len(kept)] and set(tags[len(kept):]) == {"O"}


def test_no_room_for_the_sentence_is_a_clear_error(tokenizer_kind):
    tokenizer, kind = tokenizer_kind
    length = 4 if kind == "encoder" else 2  # [CLS] [SEP] gave [SEP] / " gave" " :"
    with raises(f"max_length {length} leaves no room for the sentence besides its predicate 'gave'"):
        FAMILY.encode(TASK, [EXAMPLE], tokenizer, length, kind=kind)
    assert FAMILY.encode(TASK, [EXAMPLE], tokenizer, length + 1, kind=kind)[0]["word_ids"].count(0) == 1


@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
def test_every_sentence_word_sees_the_predicate(backbone_name):
    """Same sentence, other predicate: every labelled position's hidden state changes (a verb appended
    after the sentence would leave a decoder's sentence positions unchanged)."""
    backbone = load_backbone(backbone_name, seed=0)
    backbone.model.eval()
    features = FAMILY.encode(TASK, TASK.train[2:4], backbone.tokenizer, 64, kind=backbone.kind)
    batch = collate(features, backbone.tokenizer.pad_token_id)
    inputs = {k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
    with torch.no_grad():
        hidden = backbone.body(**inputs).last_hidden_state  # (2, T, H)
    for position in [i for i, w in enumerate(features[0]["word_ids"]) if w is not None]:
        other = features[1]["word_ids"].index(features[0]["word_ids"][position])
        assert not torch.allclose(hidden[0, position], hidden[1, other], atol=1e-4)


# -- prediction, metric, display ----------------------------------------------------------------
def gold_logits(features, examples=None):
    """Logits that put the gold tag first at every labelled position, noise elsewhere."""
    rng = np.random.default_rng(0)
    outputs = []
    for feature in features:
        logits = rng.normal(size=(len(feature["input_ids"]), len(TASK.labels)))
        for position, label in enumerate(feature["labels"]):
            if label != IGNORE:
                logits[position, label] = 10.0
        outputs.append({"logits": logits})
    return outputs


def test_gold_logits_round_trip_to_f1_one(tokenizer_kind):
    tokenizer, kind = tokenizer_kind
    features = FAMILY.encode(TASK, TASK.dev, tokenizer, 64, kind=kind)
    predictions = FAMILY.predict(TASK, gold_logits(features), features, TASK.dev)
    assert [p["tags"] for p in predictions] == [e["tags"] for e in TASK.dev]
    scores = FAMILY.compute_metrics(TASK, predictions, TASK.dev)
    assert scores["f1"] == scores["precision"] == scores["recall"] == scores["f1/A0"] == 1.0


def test_the_verb_span_is_never_scored():
    gold = [e["tags"] for e in TASK.dev]
    only_v = [["B-V" if t == "B-V" else "O" for t in tags] for tags in gold]
    assert argument_f1(gold, only_v)["f1"] == 0.0
    assert argument_f1(gold, gold)["f1"] == 1.0
    no_v = [["O" if t == "B-V" else t for t in tags] for tags in gold]
    assert argument_f1(gold, no_v)["f1"] == 1.0  # missing the verb costs nothing
    assert argument_f1([["B-V", "O"]], [["B-V", "O"]])["f1"] == 0.0  # nothing to find: no credit


def test_argument_f1_on_a_hand_made_case():
    gold = [["B-A0", "I-A0", "B-V", "B-A1", "B-AM-TMP"], ["B-A1", "B-V", "B-A0"]]
    pred = [["B-A0", "O", "B-V", "B-A1", "B-AM-LOC"], ["B-A1", "B-A1", "B-A0"]]  # 3 right of 6 predicted, 5 gold
    scores = argument_f1(gold, pred)
    assert scores["precision"] == pytest.approx(3 / 6) and scores["recall"] == pytest.approx(3 / 5)
    assert scores["f1"] == pytest.approx(6 / 11)
    assert scores["f1/A1"] == pytest.approx(2 * 2 / (2 + 3)) and scores["f1/A0"] == pytest.approx(2 * 1 / (2 + 2))
    assert scores["f1/AM-TMP"] == 0.0 and "f1/V" not in scores and "f1/AM-LOC" not in scores


def test_display_rows_add_the_predicate_and_arguments_without_v():
    predicted = ["B-A0", "B-V", "B-A2", "B-A1", "I-A1", "B-AM-LOC", "O"]
    row = FAMILY.display(TASK, [EXAMPLE], [{"tokens": EXAMPLE["tokens"], "tags": predicted}])[0]
    text = row["text"]
    assert {"tokens", "gold", "predicted", "errors", "text", "entities", "gold_entities"} <= set(row)
    assert row["errors"] == [5] and row["predicate"] == 1
    assert text[row["predicate_span"]["start"]:row["predicate_span"]["end"]] == "gave"
    assert [(a["entity"], text[a["start"]:a["end"]]) for a in row["arguments"]] == [
        ("A0", "Anna"), ("A2", "Tom"), ("A1", "a book"), ("AM-LOC", "yesterday")]
    assert [a["entity"] for a in row["gold_arguments"]] == ["A0", "A2", "A1", "AM-TMP"]
    assert "V" in [e["entity"] for e in row["entities"]]  # tagging's own rows keep it


def test_typed_sentence_with_its_predicate():
    assert FAMILY.from_text("Anna gave Tom a book.", "gave") == \
        {"tokens": ["Anna", "gave", "Tom", "a", "book", "."], "verb_index": 1}
    assert FAMILY.from_text("Anna gave Tom a book.", " 2 ")["verb_index"] == 1
    assert FAMILY.from_text("Anna Gave Tom a book.", "gave")["verb_index"] == 1
    with pytest.raises(ValueError, match="predicate 'took' is not a word of the sentence"):
        FAMILY.from_text("Anna gave Tom a book.", "took")
    with pytest.raises(ValueError, match="predicate position 9 is out of range: the sentence has 6 words"):
        FAMILY.from_text("Anna gave Tom a book.", "9")
    with pytest.raises(ValueError, match="name the predicate"):
        FAMILY.from_text("Anna gave Tom a book.", "")


# -- JSON lines -----------------------------------------------------------------------------------
ROWS = [{"tokens": ["Dogs", "bark", "."], "verb_index": 1, "tags": ["B-A0", "B-V", "O"]},
        {"tokens": ["Anna", "ate", "soup", "."], "predicate_index": 1, "tags": ["B-A0", "B-V", "B-A1", "O"]},
        {"tokens": ["Tom", "slept", "."], "verb": "slept", "tags": ["B-A0", "B-V", "O"]},
        {"tokens": ["Tom", "slept", "soundly"], "verb_index": 1, "tags": ["I-A0", "B-V", "I-AM-MNR"]}]


def test_jsonl_with_verb_index_is_srl_and_aliases_are_read(tmp_path):
    assert infer_family({"tokens", "verb_index", "tags"}) == "srl"
    assert infer_family({"tokens", "tags"}) == "tagging"
    write(tmp_path, "train.jsonl", jsonl(ROWS))
    write(tmp_path, "dev.jsonl", jsonl(ROWS[:1]))
    task = load_task(str(tmp_path))
    assert task.family == "srl" and [e["verb_index"] for e in task.train] == [1, 1, 1, 1]
    assert task.train[3]["tags"] == ["B-A0", "B-V", "B-AM-MNR"]  # IOB1 -> IOB2
    assert "B-AM-MNR" in task.labels and "B-V" in task.labels


@pytest.mark.parametrize("row, message", [
    ({"tokens": ["a", "b"], "verb_index": 2, "tags": ["O", "B-V"]},
     r"^t.jsonl line 2: 'verb_index' 2 is out of range: 2 tokens, so 0 to 1"),
    ({"tokens": ["a", "b"], "verb_index": "1", "tags": ["O", "B-V"]}, r"^t.jsonl line 2: 'verb_index' must be a whole"),
    ({"tokens": ["a", "b", "c"], "verb_index": 1, "tags": ["O", "B-V"]}, r"^t.jsonl line 2: 3 tokens but 2 tags"),
    ({"tokens": ["a", "b", "c"], "verb_index": 0, "tags": ["O", "B-V", "O"]},
     r"^t.jsonl line 2, token 1: 'verb_index' 0 points to 'a', tagged O, but the V tag is on 'b' \(position 1\)"),
    ({"tokens": ["a", "b"], "verb_index": 0, "tags": ["B-V", "B-V"]}, r"^t.jsonl line 2: the tags mark 2 V spans"),
    ({"tokens": ["a", "b"], "verb": "c", "tags": ["O", "B-V"]},
     r"^t.jsonl line 2: 'verb' 'c' is not one of the tokens"),
    ({"tokens": ["a", "b"], "verb_index": 1, "tags": ["O", "V"]}, r"^t.jsonl line 2, token 2: tag 'V' is not IOB2"),
])
def test_jsonl_errors_name_the_line(tmp_path, row, message):
    with raises(message):
        load_task(str(write(tmp_path, "t.jsonl", jsonl([ROWS[0], row]))))


# -- CoNLL-2005 -----------------------------------------------------------------------------------
PROPS = """The    DT   -      (A0*    (A0*
cat    NN   -      *)      *)
ate    VBD  eat    (V*)    *
and    CC   -      *       *
slept  VBD  sleep  *       (V*)
soundly RB  -      *       (AM-MNR*)
.      .    -      *       *

Dogs   NNS  -      (A0*)
bark   VBP  bark   (V*)

"""


def test_conll05_gives_one_example_per_proposition(tmp_path):
    write(tmp_path, "train.props", PROPS)  # no known extension: recognised by its content
    write(tmp_path, "dev.txt", PROPS)
    task = load_task(str(tmp_path))
    assert task.family == "srl" and "read as CoNLL-2005 propositions" in task.description
    tokens = ["The", "cat", "ate", "and", "slept", "soundly", "."]
    assert task.train == [
        {"tokens": tokens, "verb_index": 2, "tags": ["B-A0", "I-A0", "B-V", "O", "O", "O", "O"]},
        {"tokens": tokens, "verb_index": 4, "tags": ["B-A0", "I-A0", "O", "O", "B-V", "B-AM-MNR", "O"]},
        {"tokens": ["Dogs", "bark"], "verb_index": 1, "tags": ["B-A0", "B-V"]}]
    assert task.dev == task.train


def test_conll05_without_other_columns_and_conll04_closing(tmp_path):
    write(tmp_path, "train.conll", "Big (A0*\ndogs *A0)\nbark (V*)\nloudly (AM-MNR*AM-MNR)\n")  # no verb column
    write(tmp_path, "dev.conll", "Cats - (A0*)\nsleep sleep (V*)\n")
    task = load_task(str(tmp_path), family="srl")
    assert task.train == [{"tokens": ["Big", "dogs", "bark", "loudly"], "verb_index": 2,
                           "tags": ["B-A0", "I-A0", "B-V", "B-AM-MNR"]}]
    assert task.dev == [{"tokens": ["Cats", "sleep"], "verb_index": 1, "tags": ["B-A0", "B-V"]}]


def bad(lines: str) -> str:
    return "Dogs - (A0*)\nbark bark (V*)\n\n" + lines  # line 4 onwards: the sentence at fault


@pytest.mark.parametrize("text, message", [
    (bad("The - (A0*\ncat - *\nate eat (V*)\n"),
     r"^bad.props line 6, column 3: '\(V\*\)' opens V while A0 \(opened on line 4\) is still open"),
    (bad("The - (A0*\ncat - *\nate eat *\n"),
     r"^bad.props line 4, column 3: argument A0 opened here is never closed \(the sentence ends on line 6\)"),
    (bad("The - *)\nate eat (V*)\n"), r"^bad.props line 4, column 3: '\*\)' closes an argument, but none is open"),
    (bad("The - (A0*A1)\nate eat (V*)\n"), r"^bad.props line 4, column 3: '\(A0\*A1\)' closes A1, but the open"),
    (bad("The - (A0\nate eat (V*)\n"), r"^bad.props line 4, column 3: '\(A0' is not a proposition cell"),
    (bad("The - (A0*)\ncat -\nate eat (V*)\n"), r"^bad.props line 5: 2 columns, but line 4 \(the sentence's first\)"),
    (bad("The - (A0*)\nate eat *\n"), r"^bad.props line 4, column 3: proposition 1 has no \(V\*\)"),
    (bad("The - (V*)\nate eat (V*)\n"), r"^bad.props line 5, column 3: a second \(V\*\) in proposition 1"),
    (bad("The - (A0*) *\nate eat (V*) *\n"), r"^bad.props line 4: the target-verb column \(column 2\) names 1 "
                                              r"predicate\(s\) but the sentence has 2 proposition column\(s\)"),
    (bad("The - (V*)\nate eat (A0*)\n"), r"^bad.props line 4: \(V\*\) in column 3, but the target-verb column"),
])
def test_conll05_errors_name_the_line(tmp_path, text, message):
    with raises(message):
        load_task(str(write(tmp_path, "bad.props", text)))


def test_conll05_is_srl_data_only(tmp_path):
    with raises(r"^t.props: read as CoNLL-2005 propositions \(from its content: .*\), which hold srl data, not "
                r"tagging"):
        load_task(str(write(tmp_path, "t.props", PROPS)), family="tagging")
    plain = write(tmp_path, "ner.conll", "EU B-ORG\nrejects O\n\nGerman B-ORG\ncall O\n")
    assert load_task(str(plain)).family == "tagging"  # token-and-tag files stay tagging's
    with raises(r"^ner.conll line 1: the target-verb column \(column 2\) names 2 predicate\(s\) but the sentence "
                r"has 0 .*Read as CoNLL-2005 propositions \(from the .conll extension\); expected shape: CoNLL-2005"):
        load_task(str(plain), family="srl")


# -- methods --------------------------------------------------------------------------------------
def test_cloze_methods_refuse_srl():
    backbone = load_backbone("tiny-encoder")
    for method in ("manual-prompt", "p-tuning"):
        with pytest.raises(MethodError, match=f"{method} does not fit a srl task"):
            build_model(RunConfig(task="toy-srl", backbone="tiny-encoder", method=method), backbone, TASK)


def test_p_tuning_v2_overfits_a_handful_of_propositions():
    """As tests/core/test_learning.py does for every method on tagging (tiny-decoder: the same, 2x slower)."""
    config = RunConfig(task=TASK.name, backbone="tiny-encoder", method="p-tuning-v2", prompt_length=4, lr=3e-2,
                       max_steps=30, batch_size=len(TASK.train), epochs=1, dropout=0.0, max_length=32,
                       weight_decay=0.0, warmup_ratio=0.0, eval_every=30, seed=0)
    recorder = StepLosses()
    final = train(config, recorder, show_progress=False, task=TASK)
    last = sum(recorder.losses[-5:]) / 5
    assert last < 0.5 * recorder.losses[0], f"loss {recorder.losses[0]:.3f} -> {last:.3f}"
    assert "f1/A0" in final["dev"] and final["dev"]["f1"] > 0.5
