"""core/tasks/qa.py and core/tasks/squad_metric.py on the real offline tokenizers (an encoder's
WordPiece with [CLS]; SmolLM2's byte-level BPE with no special tokens at all)."""
import numpy as np
import pytest
import torch

from core.backbones import load_tokenizer
from core.tasks import Task, collate
from core.tasks.qa import QuestionAnswering
from core.tasks.squad_metric import compute_f1, normalize_answer, squad_scores

FAMILY = QuestionAnswering()
ANIMALS = ["fox", "owl", "heron", "badger", "otter", "lynx", "marten", "stoat"]
CITIES = ["Oslo", "Lima", "Zanzibar", "Kraków", "Quito", "Hanoi", "Tbilisi", "Windhoek"]
LONG = " ".join(f"Sentence {i} says that the {ANIMALS[i % 8]} number {i} lives in {CITIES[(i * 3) % 8]}."
                for i in range(40))


def example(qid: str, question: str, answer: str | None, context: str = LONG, nth: int = 0) -> dict:
    """A SQuAD record whose answer is the nth occurrence of `answer` in the context (None: unanswerable)."""
    if answer is None:
        return {"id": qid, "context": context, "question": question, "answers": {"text": [], "answer_start": []}}
    start = -1
    for _ in range(nth + 1):
        start = context.index(answer, start + 1)
    return {"id": qid, "context": context, "question": question,
            "answers": {"text": [answer], "answer_start": [start]}}


EXAMPLES = [
    example("early", "Where does fox number 0 live?", "Oslo"),
    example("middle", "Which animal is number 12?", "otter number 12 lives in Quito"),
    example("late", "Where does number 39 live?", "Windhoek", nth=4),
    example("short", "Who sat?", "The cat", context="The cat sat on the mat."),
]
UNANSWERABLE = example("none", "Where does the walrus live?", None)
V1 = Task("qa-test", "qa", train=EXAMPLES, dev=EXAMPLES)
V2 = Task("qa2-test", "qa", train=EXAMPLES, dev=EXAMPLES, unanswerable=True)


@pytest.fixture(scope="module", params=["minilm-l6", "smollm2-135m"])
def tokenizer(request):
    return load_tokenizer(request.param)


def perfect_logits(features) -> list[dict]:
    """Logits that peak at the labelled start/end (position 0 where the window has no answer)."""
    outputs = []
    for f in features:
        start, end = np.zeros(len(f["input_ids"])), np.zeros(len(f["input_ids"]))
        start[f["start_positions"]] = end[f["end_positions"]] = 10.0
        outputs.append({"start_logits": start, "end_logits": end})
    return outputs


def context_range(feature):
    chars = [o for o in feature["offset_mapping"] if o is not None]
    return chars[0][0], chars[-1][1]


def test_stride_windows_and_answer_positions(tokenizer):
    features = FAMILY.encode(V1, EXAMPLES, tokenizer, max_length=64, doc_stride=16)
    windows = [f for f in features if f["example_index"] == 0]
    assert len(windows) > 5 and all(len(f["input_ids"]) <= 64 for f in features)
    assert features[0]["offset_mapping"][0] is None  # position 0 is [CLS] or a question token
    for before, after in zip(windows, windows[1:]):  # consecutive windows share doc_stride tokens
        shared = [o for o in before["offset_mapping"] if o is not None][-16:]
        assert [o for o in after["offset_mapping"] if o is not None][:16] == shared
    for index, ex in enumerate(EXAMPLES):
        answer, start_char = ex["answers"]["text"][0], ex["answers"]["answer_start"][0]
        holding = 0
        for f in (f for f in features if f["example_index"] == index):
            first, last = context_range(f)
            if first <= start_char and start_char + len(answer) <= last:
                holding += 1
                s, e = f["start_positions"], f["end_positions"]
                assert 0 < s <= e
                assert ex["context"][f["offset_mapping"][s][0]:f["offset_mapping"][e][1]].strip() == answer
            else:
                assert (f["start_positions"], f["end_positions"]) == (0, 0)
        assert holding >= 1


def test_perfect_logits_give_exact_match_100(tokenizer):
    features = FAMILY.encode(V1, EXAMPLES, tokenizer, max_length=64, doc_stride=16)
    predictions = FAMILY.predict(V1, perfect_logits(features), features, EXAMPLES)
    assert [p["text"] for p in predictions] == [e["answers"]["text"][0] for e in EXAMPLES]
    assert [p["start"] for p in predictions] == [e["answers"]["answer_start"][0] for e in EXAMPLES]
    assert FAMILY.compute_metrics(V1, predictions, EXAMPLES) == {"exact": 1.0, "f1": 1.0}  # 0-1 like every task


def test_unanswerable_questions_predict_empty(tokenizer):
    examples = EXAMPLES + [UNANSWERABLE]
    features = FAMILY.encode(V2, examples, tokenizer, max_length=64, doc_stride=16)
    assert all(f["start_positions"] == f["end_positions"] == 0 for f in features if f["example_index"] == 4)
    predictions = FAMILY.predict(V2, perfect_logits(features), features, examples)
    assert predictions[-1]["text"] == "" and predictions[-1]["null_score_diff"] > 0
    metrics = FAMILY.compute_metrics(V2, predictions, examples)
    assert metrics["exact"] == metrics["HasAns_f1"] == metrics["NoAns_f1"] == 1.0


def test_null_threshold(tokenizer):
    ex = EXAMPLES[3]  # "The cat sat on the mat."
    feature = FAMILY.encode(V2, [ex], tokenizer, max_length=64)[0]
    start, end = np.zeros(len(feature["input_ids"])), np.zeros(len(feature["input_ids"]))
    start[0] = end[0] = 1.5  # null score 3.0
    start[feature["start_positions"]] = end[feature["end_positions"]] = 1.0  # span score 2.0
    outputs = [{"start_logits": start, "end_logits": end}]
    empty = FAMILY.predict(V2, outputs, [feature], [ex])[0]
    assert empty["text"] == "" and empty["null_score_diff"] == pytest.approx(1.0)
    assert FAMILY.predict(V2, outputs, [feature], [ex], null_threshold=1.5)[0]["text"] == "The cat"
    assert FAMILY.predict(V1, outputs, [feature], [ex])[0]["text"] == "The cat"  # SQuAD 1.1: always answer


@pytest.mark.parametrize("starts, ends", [
    ({20: 50.0, 12: 0.0}, {10: 50.0, 14: 0.0}),  # the top start lies after the top end
    ({2: 50.0, 50: 0.0}, {40: 50.0, 52: 0.0}),  # the top pair spans 39 tokens, over 30
], ids=["end-before-start", "too-long"])
def test_span_search_keeps_valid_spans_only(tokenizer, starts, ends):
    ex = example("q", "Where?", "Sentence 1", context=LONG)
    feature = FAMILY.encode(V1, [ex], tokenizer, max_length=128)[0]
    context = [i for i, o in enumerate(feature["offset_mapping"]) if o is not None]
    start_logits, end_logits = np.full(len(feature["input_ids"]), -100.0), np.full(len(feature["input_ids"]), -100.0)
    start_logits[0] = end_logits[0] = 100.0  # not a context token: never part of a span
    for logits, peaks in ((start_logits, starts), (end_logits, ends)):
        for nth, value in peaks.items():
            logits[context[nth]] = value
    prediction = FAMILY.predict(V1, [{"start_logits": start_logits, "end_logits": end_logits}], [feature], [ex])[0]
    first, last = context[min(starts, key=starts.get)], context[min(ends, key=ends.get)]  # the 0.0 pair
    offsets = feature["offset_mapping"]
    assert prediction["text"] == LONG[offsets[first][0]:offsets[last][1]].strip()
    assert prediction["score"] == 0.0


def test_long_question_and_loss(tokenizer):
    question = "Which of these many words " * 30 + "is the answer?"
    features = FAMILY.encode(V1, [example("long", question, "Oslo")], tokenizer, max_length=64, doc_stride=60)
    assert all(len(f["input_ids"]) <= 64 and any(f["offset_mapping"]) for f in features)
    batch = collate(features, tokenizer.pad_token_id)
    logits = torch.zeros(batch["input_ids"].shape)  # (B, T): uniform over T positions
    loss = FAMILY.loss({"start_logits": logits, "end_logits": logits}, batch)
    assert loss.item() == pytest.approx(np.log(batch["input_ids"].shape[1]), rel=1e-5)


def test_display_spans():
    ex = EXAMPLES[3]  # gold "The cat"
    wrong = {"text": "cat sat", "start": 4, "end": 11, "score": 1.0, "null_score_diff": -1.0}
    right = {"text": "cat", "start": 4, "end": 7, "score": 1.0, "null_score_diff": -1.0}
    rows = FAMILY.display(V1, [ex, ex], [wrong, right])
    assert [r["correct"] for r in rows] == [False, True] and rows[0]["gold"] == ["The cat"]
    spans = {e["entity"]: ex["context"][e["start"]:e["end"]] for e in rows[0]["entities"]}
    assert spans == {"predicted": "cat sat", "gold": "The cat"}


@pytest.mark.parametrize("a, b", [("The  Cat!", "cat"), ("an apple, a pear", "apple pear"),
                                  ("  THE end.  ", "end"), ("Theatre", "theatre")])
def test_official_normalisation(a, b):
    assert normalize_answer(a) == b


def test_f1_partial_overlap_and_no_answer():
    assert compute_f1("red dog barked", "the big red dog") == pytest.approx(2 / 3)  # P = R = 2/3
    assert compute_f1("New York City", "York") == pytest.approx(0.5)  # P = 1, R = 1/3
    assert compute_f1("", "") == 1.0 and compute_f1("", "cat") == 0.0
    scores = squad_scores(["York", "", "cat", "Paris"], [["New York City", "York City"], [], [], ["Paris"]],
                          by_answerability=True)
    assert scores["f1"] == pytest.approx(100 * (2 / 3 + 1 + 0 + 1) / 4)  # best gold: "York City"
    assert scores["exact"] == pytest.approx(50.0)
    assert scores["HasAns_f1"] == pytest.approx(100 * (2 / 3 + 1) / 2)
    assert scores["NoAns_exact"] == pytest.approx(50.0)
    assert squad_scores(["a"], [["the"]])["exact"] == 100.0  # gold that normalises away counts as no answer
