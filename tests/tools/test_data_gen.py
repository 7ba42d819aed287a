"""tools/data_gen regenerates every shipped preset dataset byte for byte, and presets/ holds only
data (the generator is a build tool, not a preset). The generation presets' own checks follow:
table-to-text references state every attribute, its dev_unseen split really holds unseen
categories, and summaries name only what their report says without copying its lead."""
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.data_gen import summarization, table_to_text
from tools.data_gen import table_to_text_lexicon as lex
from tools.data_gen.summarization_world import News

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "presets" / "data"


def test_generator_reproduces_shipped_files(tmp_path):
    subprocess.run([sys.executable, "-m", "tools.data_gen", "--out", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    shipped = sorted(p.relative_to(DATA) for p in DATA.rglob("*.jsonl"))
    assert shipped and sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.jsonl")) == shipped
    for path in shipped:
        assert (tmp_path / path).read_bytes() == (DATA / path).read_bytes(), \
            f"presets/data/{path} differs from the generator output"


def test_presets_hold_no_code():
    code = [p.relative_to(ROOT) for p in (ROOT / "presets").rglob("*.py")]
    assert not code, f"presets/ is data only; move {code} under tools/"


# --- generation presets: table-to-text (E2E style) and summarization (XSum style) ---

CATEGORIES = ("eatType", "food", "area")  # the attributes whose values dev_unseen holds out


def meaning_of(source: str) -> dict[str, str]:
    """'name[The Eagle], food[French]' -> {'name': 'The Eagle', 'food': 'French'}."""
    return {attr.strip(", "): value for attr, value in re.findall(r"([^\[\]]+)\[([^\]]*)\]", source)}


@pytest.fixture(scope="module")
def tables():
    return table_to_text.build()


@pytest.fixture(scope="module")
def reports():
    return summarization.build()


@pytest.mark.parametrize("builder", [table_to_text.build, summarization.build])
def test_generation_builders_are_deterministic(builder):
    assert builder() == builder()
    assert builder(seed=1) != builder()


def test_table_to_text_sizes_and_shape(tables):
    assert {k: len(v) for k, v in tables.items()} == {"train": 1500, "dev": 300, "dev_unseen": 200}
    for rows in tables.values():
        for row in rows:
            mr = meaning_of(row["input"])
            assert table_to_text.linearise(mr) == row["input"]  # E2E's own format and attribute order
            assert "name" in mr and 3 <= len(mr) <= 8
            assert 2 <= len(row["output"]) <= 4 and len(set(row["output"])) == len(row["output"])
            assert all(1 <= len(re.findall(r"[.!?](?= [A-Z]|$)", ref)) <= 3 for ref in row["output"])


def test_table_to_text_splits_do_not_overlap(tables):
    inputs = {split: {row["input"] for row in rows} for split, rows in tables.items()}
    assert not inputs["train"] & inputs["dev"] and not inputs["train"] & inputs["dev_unseen"]
    names = {split: {v for row in rows for a, v in meaning_of(row["input"]).items() if a in ("name", "near")}
             for split, rows in tables.items()}
    assert not names["train"] & names["dev"] and not names["train"] & names["dev_unseen"]  # held-out names


def test_every_unseen_input_has_a_category_train_and_dev_never_show(tables):
    seen = {(a, v) for split in ("train", "dev") for row in tables[split]
            for a, v in meaning_of(row["input"]).items() if a in CATEGORIES}
    for row in tables["dev_unseen"]:
        mr = meaning_of(row["input"])
        assert any((a, mr[a]) not in seen for a in CATEGORIES if a in mr), row["input"]


def test_every_reference_states_every_attribute(tables):
    for rows in tables.values():
        for row in rows:
            mr = meaning_of(row["input"])
            for ref in row["output"]:
                missing = [a for a in mr if not lex.mentions(a, mr[a], ref)]
                assert not missing, f"{ref!r} does not say {missing} of {row['input']}"


def test_the_realiser_reports_realising_every_attribute(tables):
    rng = random.Random(0)
    for row in tables["train"][:300] + tables["dev_unseen"][:100]:
        mr = meaning_of(row["input"])
        for _ in range(3):
            text, realised = table_to_text.describe(rng, mr)
            assert realised == set(mr), text


def test_summarization_sizes_and_shape(reports):
    assert {k: len(v) for k, v in reports.items()} == {"train": 800, "dev": 200}
    for rows in reports.values():
        for row in rows:
            assert 60 <= len(row["input"].split()) <= 150
            assert 3 <= len(re.findall(r'[.!?]"?(?= [A-Z"]|$)', row["input"])) <= 6
            assert 1 <= len(row["output"]) <= 2
            for summary in row["output"]:
                assert summary.endswith(".") and ". " not in summary  # one sentence


def test_summaries_are_not_copied_and_name_only_what_the_report_says(reports):
    for rows in reports.values():
        for row in rows:
            lead = row["input"].split(". ")[0]
            for summary in row["output"]:
                assert summary not in row["input"] and not summary.startswith(lead)
                # every name and number after the first word appears in the report
                facts = re.findall(r"\b[A-Z][\w-]*|£?\d[\d,.]*\d|\d", summary)[1:]
                assert all(f in row["input"] for f in facts), (summary, row["input"])


def test_summarization_splits_do_not_overlap_and_dev_uses_held_out_names(reports):
    assert not {r["input"] for r in reports["train"]} & {r["input"] for r in reports["dev"]}
    train_words = {w for r in reports["train"] for w in re.findall(r"\b[A-Z][a-z]+\b", r["input"])}
    fresh = [r for r in reports["dev"] if set(re.findall(r"\b[A-Z][a-z]+\b", r["input"])) - train_words]
    assert len(fresh) >= 0.8 * len(reports["dev"])


@pytest.mark.parametrize("kind", list(summarization.KINDS), ids=lambda k: k.__name__)
def test_every_story_keeps_its_key_facts_in_report_and_summaries(kind):
    rng = random.Random(1)
    world = News(rng, dev=False)
    for _ in range(30):
        story = kind(world)
        text = summarization.assemble(rng, story)
        for key in story.keys:
            assert text is None or key in text, (key, text)
            assert all(key.lower() in summary.lower() for summary in story.summaries), (key, story.summaries)
