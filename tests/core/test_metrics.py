"""The pure metrics on hand-computed cases: classification accuracy / macro F1 and the confusion
matrix (core/tasks/classification.py), seqeval entity F1 (core/tasks/tagging.py) and SQuAD EM / F1
(core/tasks/squad_metric.py). Each expected number is worked out in the comment beside it.
test_tagging.py and test_qa.py hold a few more (partial entities, normalisation)."""
import pytest

from core.tasks.classification import accuracy_and_f1, confusion_matrix
from core.tasks.squad_metric import squad_scores
from core.tasks.tagging import entity_f1

GOLD = ["pos", "pos", "neg", "neg"]
PRED = ["pos", "neg", "neg", "neg"]


# --- classification ----------------------------------------------------------------------------

def test_accuracy_and_macro_f1():
    scores = accuracy_and_f1(GOLD, PRED, ["neg", "pos"])
    assert scores["accuracy"] == pytest.approx(3 / 4)
    # neg: tp 2, gold 2, predicted 3 -> 2*2/(2+3) = 4/5; pos: tp 1, gold 2, predicted 1 -> 2/3
    assert scores["macro_f1"] == pytest.approx((4 / 5 + 2 / 3) / 2)


def test_label_order_does_not_change_the_scores():
    assert accuracy_and_f1(GOLD, PRED, ["pos", "neg"]) == accuracy_and_f1(GOLD, PRED, ["neg", "pos"])


def test_a_class_absent_from_gold_and_predictions_is_skipped():
    assert accuracy_and_f1(GOLD, PRED, ["neg", "neutral", "pos"]) == accuracy_and_f1(GOLD, PRED, ["neg", "pos"])


def test_a_predicted_class_absent_from_gold_counts_as_zero():
    scores = accuracy_and_f1(GOLD, ["pos", "neutral", "neg", "neg"], ["neg", "neutral", "pos"])
    # neg: 2*2/(2+2) = 1; neutral: never gold, predicted once -> 0; pos: 2*1/(2+1) = 2/3
    assert scores["accuracy"] == pytest.approx(3 / 4)
    assert scores["macro_f1"] == pytest.approx((1 + 0 + 2 / 3) / 3)


def test_all_wrong_and_all_right():
    assert accuracy_and_f1(["a", "b"], ["b", "a"], ["a", "b"]) == {"accuracy": 0.0, "macro_f1": 0.0}
    assert accuracy_and_f1(["a", "b"], ["a", "b"], ["a", "b"]) == {"accuracy": 1.0, "macro_f1": 1.0}


def test_empty_input_scores_zero():
    assert accuracy_and_f1([], [], ["a", "b"]) == {"accuracy": 0.0, "macro_f1": 0.0}


def test_confusion_matrix_rows_are_gold_columns_predicted_in_label_order():
    assert confusion_matrix(GOLD, PRED, ["neg", "pos"]) == [[2, 0],   # gold neg: both right
                                                            [1, 1]]   # gold pos: one called neg
    assert confusion_matrix(GOLD, PRED, ["pos", "neg"]) == [[1, 1],
                                                            [0, 2]]


def test_confusion_matrix_edges():
    assert confusion_matrix([], [], ["a", "b"]) == [[0, 0], [0, 0]]
    assert confusion_matrix(["a", "b"], ["b", "a"], ["a", "b"]) == [[0, 1], [1, 0]]  # all wrong: empty diagonal
    # a pair with a label outside `labels` is left out rather than miscounted
    assert confusion_matrix(["a", "b", "c"], ["a", "c", "a"], ["a", "b"]) == [[1, 0], [0, 0]]


# --- tagging (seqeval, default conlleval-compatible mode) ---------------------------------------

def test_entity_f1_is_micro_over_sentences():
    gold = [["B-PER"], ["B-LOC", "O"]]
    pred = [["B-PER"], ["O", "O"]]  # 1 predicted, right; 1 of 2 gold found
    scores = entity_f1(gold, pred)
    assert (scores["precision"], scores["recall"]) == (1.0, 0.5)
    assert scores["f1"] == pytest.approx(2 / 3) and scores["accuracy"] == pytest.approx(2 / 3)


def test_entity_needs_the_right_type_and_the_right_boundaries():
    assert entity_f1([["B-PER", "I-PER", "O"]], [["B-LOC", "I-LOC", "O"]])["f1"] == 0.0  # span right, type wrong
    assert entity_f1([["B-PER", "B-PER"]], [["B-PER", "I-PER"]])["f1"] == 0.0  # two names read as one


def test_an_entity_starting_with_i_counts_as_starting_there():
    # IOB1-style "I-PER I-PER" is the same entity as "B-PER I-PER" in seqeval's default mode,
    # although only one tag of three is equal
    scores = entity_f1([["B-PER", "I-PER", "O"]], [["I-PER", "I-PER", "O"]])
    assert scores["f1"] == 1.0 and scores["accuracy"] == pytest.approx(2 / 3)


def test_entity_f1_without_entities():
    assert entity_f1([], []) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "accuracy": 0.0}
    # no entity in gold or prediction: F1 is 0 (zero_division=0), not 1; tokens are all right
    assert entity_f1([["O", "O"]], [["O", "O"]]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "accuracy": 1.0}


# --- SQuAD --------------------------------------------------------------------------------------

def test_squad_exact_after_normalisation_and_best_gold():
    scores = squad_scores(["The Eiffel Tower.", "in Paris"], [["eiffel tower"], ["Lyon", "Paris"]])
    # 1: equal once lowercased, unpunctuated, without articles; 2: best gold "Paris", P 1/2, R 1
    assert scores["exact"] == pytest.approx(50.0)
    assert scores["f1"] == pytest.approx(100 * (1 + 2 / 3) / 2)
    assert scores["total"] == 2.0


def test_squad_f1_counts_repeated_tokens_once_each():
    # gold "cat cat" (articles dropped), prediction "cat": 1 shared token, P 1, R 1/2
    assert squad_scores(["cat"], [["the cat the cat"]])["f1"] == pytest.approx(100 * 2 / 3)


def test_squad_no_answer_cases():
    scores = squad_scores(["", "London", "", "x"], [["London"], ["London"], [], []], by_answerability=True)
    # answerable: empty prediction 0, right 1; unanswerable: abstained 1, answered 0
    assert scores["exact"] == scores["f1"] == pytest.approx(50.0)
    assert scores["HasAns_exact"] == scores["NoAns_exact"] == pytest.approx(50.0)
    assert scores["HasAns_total"] == scores["NoAns_total"] == 2.0


def test_squad_groups_only_when_they_have_questions_and_empty_input():
    scores = squad_scores(["Paris"], [["Paris"]], by_answerability=True)
    assert scores["HasAns_exact"] == 100.0 and not any(k.startswith("NoAns_") for k in scores)
    assert squad_scores([], []) == {"exact": 0.0, "f1": 0.0, "total": 0.0}
