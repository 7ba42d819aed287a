"""Pure display helpers and plotly figures."""
from app import plots, render


def test_progress_and_eta():
    rows = [{"step": 1, "elapsed": 10.0}, {"step": 11, "elapsed": 20.0}]
    fraction, text = render.progress({"status": "running", "step": 11, "total_steps": 101}, rows)
    assert fraction == 11 / 101 and text == "step 11 / 101 · about 1m 30s left"
    assert render.progress({"status": "finished", "step": 7, "total_steps": 7}, rows) == (1.0, "step 7 / 7")
    assert render.progress({"status": "queued"}, []) == (0.0, "")


def test_labels_and_numbers():
    assert render.task_label("/x/runs/uploads/ab12/reviews.csv") == "reviews.csv"
    assert render.task_label("glue/sst2") == "glue/sst2" and render.task_label("sentiment") == "sentiment"
    assert render.seconds(5) == "5s" and render.seconds(3700) == "1h 01m" and render.seconds(None) == ""
    assert render.main_metric([{"dev_macro_f1": 1, "dev_accuracy": 1}]) == "accuracy"
    assert render.main_metric([{"dev_precision": 1, "dev_f1": 1}]) == "f1"
    assert render.main_metric([{"dev_exact": 1, "dev_f1": 1}], "exact") == "exact"


def test_qa_segments_never_overlap():
    row = {"context": "abcdefgh", "entities": [{"entity": "predicted", "start": 1, "end": 5},
                                               {"entity": "gold", "start": 3, "end": 7}]}
    segments = render.qa_segments(row)
    assert "".join(text for text, _ in segments) == "abcdefgh"
    assert segments == [("a", None), ("bc", "predicted"), ("de", "predicted = gold"), ("fg", "gold"), ("h", None)]


def test_tag_colours_are_shared_by_b_and_i_tags():
    colors = render.tag_colors(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])
    assert set(colors) == {"PER", "LOC"} and colors["PER"] != colors["LOC"]


def test_curves_overlay_one_colour_per_run():
    rows = [{"step": 1, "loss": 1.0}, {"step": 2, "loss": 0.5, "dev_f1": 0.3}]
    figure = plots.curves([("a", rows), ("b", rows)], "f1")
    assert len(figure.data) == 4 and figure.data[0].line.color == figure.data[1].line.color
    assert list(figure.data[1].y) == [0.3]
    bars = plots.template_bars([{"name": "t", "accuracy": 0.7, "template": "{text} {mask}"}], chance=0.5)
    assert list(bars.data[0].x) == [0.7]


def test_generation_helpers():
    assert render.references_text(["one"]) == "one" and render.references_text(["a", "b"]) == "1. a\n2. b"
    assert render.splits_text({}) == "" and render.sample_text({"metric_name": "bleu"}) == ""
    text = render.splits_text({"metric_name": "rougeL", "splits": {"unseen": {"bleu": 0.1, "rougeL": 0.25}}})
    assert "unseen (rougeL 0.250 · bleu 0.100)" in text
    rows = render.generation_rows([{"input": "x", "generated": "y", "references": [], "bleu": None, "rougeL": None},
                                   {"input": "z", "generated": "w", "references": ["w"], "bleu": 0.12345,
                                    "rougeL": 1.0}], "bleu-asc")
    assert rows == [[1, "z", "w", "w", 0.123, 1.0], [0, "x", "y", "", None, None]]
