"""The lab in headless Chromium (Debian's `chromium` package driven by Playwright): open the app,
start a run, see the curve appear, open Inspect and see highlighted tags, compare with
fine-tuning, score templates in the classroom; a generation run from its decoding settings to
its generations table and a typed input streamed back. A screenshot of every tab is saved to
screenshots/ (or $PROMPT_LAB_SCREENSHOTS). Skipped where /usr/bin/chromium is missing:
`apt-get install -y chromium` (never `playwright install`, which downloads browsers)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from labtools import ROOT, AppProcess, kill_workers

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                   reason="needs Debian's chromium: apt-get install -y chromium")]
SHOTS = Path(os.environ.get("PROMPT_LAB_SCREENSHOTS", ROOT / "screenshots"))
# the Train form starts on a tiny NER run, so the whole story takes seconds on CPU
FORM = {"preset": "ner", "backbone": "tiny-encoder", "method": "p-tuning-v2", "max_steps": 8, "eval_every": 2,
        "max_train_examples": 32, "max_eval_examples": 12, "prompt_length": 4, "lr": 0.03}
# a tiny table-to-text run; the repetition penalty keeps the random decoder from repeating "\n" forever
GENERATION_FORM = {"preset": "table-to-text", "backbone": "tiny-decoder", "method": "fine-tuning", "max_steps": 4,
                   "eval_every": 2, "max_train_examples": 16, "max_eval_examples": 6, "eval_sample": 3,
                   "max_new_tokens": 24, "repetition_penalty": 2.0, "lr": 1e-5, "batch_size": 4, "max_length": 64}


@pytest.fixture
def page(tmp_path):
    yield from lab_page(tmp_path, FORM)


@pytest.fixture
def generation_page(tmp_path):
    yield from lab_page(tmp_path, GENERATION_FORM)


def lab_page(tmp_path, form):
    """`python app.py` on a temp runs folder with the Train form starting on `form`, in a Chromium page."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    runs = tmp_path / "runs"
    runs.mkdir()
    app = AppProcess(runs, form=form)
    try:
        app.wait_ready()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app.url)
            yield page
            browser.close()
    finally:
        app.kill()
        kill_workers(runs)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let plots finish their transition
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def pick(page, elem_id: str, text: str) -> None:
    """Choose an option of a Gradio dropdown by typing it."""
    box = page.locator(f"#{elem_id} input")
    box.click()
    box.fill(text)
    page.locator("ul[role=listbox] li", has_text=text).first.click()


def test_train_watch_inspect_compare_classroom(page):
    # Train: the preview shows the trainable share and the CLI before launching
    page.get_by_text("Trainable parameters").wait_for(timeout=30_000)
    assert "--task ner" in page.locator(".cm-content").first.inner_text()
    shot(page, "train")
    page.locator("#train-button").click()

    # Runs: Train switched here; the curve appears while it trains, then the run finishes
    page.locator("#runs-plot .js-plotly-plot").wait_for(timeout=60_000)
    assert page.locator("#runs-plot .scatterlayer .trace").count() >= 1
    page.locator("#runs-status", has_text="finished").wait_for(timeout=60_000)
    assert page.locator("#runs-table").get_by_text("finished").count() >= 1
    shot(page, "runs")

    # Inspect: the sentence's tokens highlighted by predicted and gold tags, errors marked
    page.get_by_role("button", name="Inspect this run").click()
    page.locator("#inspect-summary", has_text="ner").wait_for(timeout=30_000)
    gold = page.locator("#inspect-gold .token.highlighted")
    gold.first.wait_for(timeout=30_000)
    assert gold.count() >= 1  # gold entities of the first dev sentence, coloured by type
    assert page.locator("table.lab-tags tr").count() > 2
    shot(page, "inspect")

    # Compare: the run beside its fine-tuning baseline, started on demand
    page.get_by_role("tab", name="Compare").click()
    run_id = page.locator("#inspect-run input").input_value().split(" · ")[0]
    pick(page, "compare-runs", run_id)
    page.locator("#compare-baseline").click()
    page.get_by_text("Started the fine-tuning baseline").wait_for(timeout=30_000)
    page.locator("#compare-table").get_by_text("fine-tuning", exact=True).wait_for(timeout=30_000)
    page.locator("#compare-plot .js-plotly-plot").wait_for(timeout=60_000)
    page.locator("#compare-table").get_by_text("finished", exact=True).nth(1).wait_for(timeout=90_000)
    shot(page, "compare")

    # Classroom: every hand-written template scored zero-shot, side by side (tiny decoder: fast, not meaningful)
    page.get_by_role("tab", name="Classroom").click()
    pick(page, "classroom-backbone", "tiny-decoder")
    page.locator("#classroom-score").click()
    page.locator("#classroom-plot .js-plotly-plot").wait_for(timeout=120_000)
    assert page.locator("#classroom-plot .bars .point").count() >= 6
    shot(page, "classroom")


def test_generation_run_decoding_settings_generations_table_and_streamed_input(generation_page):
    page = generation_page
    # Train: a generation preset shows the decoding settings, and they reach the command line
    page.get_by_text("Trainable parameters").wait_for(timeout=30_000)
    assert page.locator("#train-decoding").is_visible()
    cli = page.locator(".cm-content").first.inner_text()
    assert "--task table-to-text" in cli and "--eval-sample 3" in cli and "--max-new-tokens 24" in cli
    page.locator("#train-button").click()

    # Runs: it finishes, with its further dev split and its dev-sample figure beside the curves
    status = page.locator("#runs-status", has_text="finished")
    status.wait_for(timeout=120_000)
    assert "unseen (bleu" in status.inner_text() and "first 3 dev inputs" in status.inner_text()

    # Inspect: every dev input with its generated text, references and scores; sortable by score
    page.get_by_role("button", name="Inspect this run").click()
    page.locator("#inspect-summary", has_text="6 dev inputs").wait_for(timeout=30_000)
    table = page.locator("#inspect-gen-table")
    table.locator("[data-testid=cell-5-1]").wait_for(timeout=30_000)  # six rows
    assert "name[" in table.locator("[data-testid=cell-0-1]").inner_text()
    page.locator("#inspect-sort").get_by_text("ROUGE-L ↓").click()
    table.locator("[data-testid=cell-1-2]").click()
    page.locator("#inspect-gen-detail", has_text="References").wait_for(timeout=10_000)
    shot(page, "generation-inspect-tiny")

    # Try it: typed input, the generated text streamed into its box as it is decoded
    page.locator("#inspect-text textarea").fill("name[The Eagle], eatType[pub], food[French], area[riverside]")
    page.evaluate("""() => {  // every value the box shows, sampled faster than words arrive
        const box = document.querySelector('#inspect-generated textarea');
        window.shown = [];
        window.sampler = setInterval(() => {
            if (box.value && window.shown[window.shown.length - 1] !== box.value) window.shown.push(box.value);
        }, 2);
    }""")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_function("() => window.shown.length > 0", timeout=60_000)
    page.wait_for_timeout(3_000)
    shown = page.evaluate("() => { clearInterval(window.sampler); return window.shown; }")
    assert len(shown) >= 2, shown  # it grew in steps
    assert all(later.startswith(earlier) for earlier, later in zip(shown, shown[1:])), shown

    # Train again: another family's preset hides the decoding settings
    page.get_by_role("tab", name="Train").click()
    pick(page, "train-preset", "sentiment")
    page.locator("#train-decoding").wait_for(state="hidden", timeout=30_000)


# a tiny probing run on the facts preset: P-tuning's per-relation prompts for four steps
PROBING_FORM = {"preset": "facts", "backbone": "tiny-decoder", "method": "p-tuning", "max_steps": 4, "eval_every": 2,
                "max_train_examples": 32, "max_eval_examples": 40, "prompt_length": 4, "lr": 0.01, "batch_size": 8}


@pytest.fixture
def probing_page(tmp_path):
    yield from lab_page(tmp_path, PROBING_FORM)


def test_probing_run_relations_facts_typed_fact_and_classroom_relation(probing_page):
    page = probing_page
    page.get_by_text("Trainable parameters").wait_for(timeout=30_000)
    assert "--task facts" in page.locator(".cm-content").first.inner_text()
    page.locator("#train-button").click()
    page.locator("#runs-status", has_text="finished").wait_for(timeout=120_000)

    # Inspect: the relations table (template, P@1, facts scored and dropped) and each fact's top objects
    page.get_by_role("button", name="Inspect this run").click()
    page.locator("#inspect-summary", has_text="dev facts scored").wait_for(timeout=30_000)
    page.locator("#inspect-relations").get_by_text("capital", exact=True).first.wait_for(timeout=30_000)
    page.locator("#inspect-text textarea").fill("France")
    second = page.get_by_label("Relation")
    second.fill("capital")
    page.get_by_role("button", name="Fill the object").click()
    page.locator(".output-class, [data-testid=label-output-value]").first.wait_for(timeout=60_000)
    shot(page, "probing-inspect-tiny")

    # Classroom: a relation's templates, side by side
    page.get_by_role("tab", name="Classroom").click()
    pick(page, "classroom-task", "facts")
    page.locator("#classroom-relation").wait_for(timeout=30_000)
    pick(page, "classroom-backbone", "tiny-decoder")
    page.locator("#classroom-score").click()
    page.locator("#classroom-plot .js-plotly-plot").wait_for(timeout=120_000)
    assert page.locator("#classroom-plot .bars .point").count() >= 4  # capital's four templates and P-tuning's bar
    shot(page, "probing-classroom-tiny")
