"""A public Space as a hostile visitor meets it: the app served in this process in shared mode, driven
through gradio_client (each Client is one browser with its own visitor cookie) and raw HTTP.

Every case asserts the specific message and that nothing else was touched: folders outside the runs
folder, other visitors' runs, the index."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from app import strings as S
from labtools import LONG_FORM, TINY_FORM, form_args, served_in_process, wait_for

pytestmark = pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")
UPLOAD_LIMIT_MB = 1


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    """The lab as on a Space: shared mode, local paths refused, a 1 MB upload limit, a scheduler thread."""
    base = tmp_path_factory.mktemp("space")
    # something a visitor must never reach: a folder outside the runs folder that looks like a run
    outside = base / "elsewhere"
    outside.mkdir()
    (outside / "config.yaml").write_text("task: sentiment\n")
    (outside / "secret.txt").write_text("server secret")
    with served_in_process(base / "runs", shared=True, allow_local_paths=False,
                           max_upload_mb=UPLOAD_LIMIT_MB) as (lab, url):
        yield lab, url, outside


def visitor(url: str) -> Client:
    return Client(url, verbose=False)


def train(client, form) -> tuple[str, str]:
    message, _, run_id = client.predict(*form_args(form), api_name="/train")
    return message, run_id


def summary(client, run_id) -> dict:
    return client.predict(run_id, api_name="/run_summary")


def rows_of(table) -> list:
    """A Dataframe output's rows, without the blank row Gradio shows for an empty table."""
    rows = table.get("data", table.get("value", {}).get("data", [])) if isinstance(table, dict) else table
    return [row for row in rows if any(cell not in (None, "") for cell in row)]


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def finished_run(space):
    """One finished run of visitor A, on a preset."""
    lab, url, _ = space
    owner = visitor(url)
    _, run_id = train(owner, TINY_FORM)
    wait_for(lambda: summary(owner, run_id).get("status") == "finished", 90, what="the tiny run to finish")
    return owner, run_id


# -- run ids are names, never paths ---------------------------------------------------------------
def hostile_ids(lab, outside: Path) -> list[str]:
    link = lab.root / "sneaky"
    if not link.exists():
        link.symlink_to(outside, target_is_directory=True)
    unindexed = lab.root / "20250101-000000-p-tuning-v2-ffff"  # a folder the index does not know
    unindexed.mkdir(exist_ok=True)
    (unindexed / "config.yaml").write_text("task: sentiment\n")
    return ["../elsewhere", str(outside), f"{lab.root}/../elsewhere", "sneaky", "uploads", "index.sqlite",
            unindexed.name, "..", ".", "", "%2e%2e%2felsewhere", "a/b", "run\x00id"]


def test_run_ids_that_are_paths_are_refused_on_every_endpoint(space, finished_run):
    lab, url, outside = space
    client = visitor(url)
    index_before = lab.store.list()
    for bad in hostile_ids(lab, outside):
        assert "not a run id" in summary(client, bad)["error"] or "no run" in summary(client, bad)["error"], bad
        for endpoint in ("/abort", "/delete"):
            message = client.predict(bad, api_name=endpoint)
            assert "lab-error" in message and ("not a run id" in message or "no run" in message
                                               or S.PICK_RUN in message), (endpoint, bad, message)
        inspected = client.predict(bad, False, api_name="/inspect")
        assert not bad or "not a run id" in inspected[1] or "no run" in inspected[1], (bad, inspected[1])
        assert client.predict(bad, 0, api_name="/inspect_example")[2] == ""  # nothing shown
        assert rows_of(client.predict(bad, "bleu-desc", api_name="/inspect_sort")) == [], bad
        error, *_ = client.predict(bad, "some text", "", api_name="/predict")
        assert "lab-error" in error and "server secret" not in error
        table, _, note, _, _ = client.predict([bad], api_name="/compare")
        assert rows_of(table) == [], (bad, table)
        if bad:
            assert "not a run id" in note or "no run" in note, (bad, note)
        message, _ = client.predict([bad], api_name="/baseline")
        assert "lab-error" in message
        for endpoint in ("/resume_study", "/promote_study"):  # study ids are names too
            message = client.predict(bad, api_name=endpoint)
            assert "lab-error" in message and ("not a study id" in message or "no study" in message), (endpoint, bad)
    assert outside.is_dir() and (outside / "secret.txt").read_text() == "server secret"
    assert (lab.root / "sneaky").is_symlink() and (lab.root / "20250101-000000-p-tuning-v2-ffff").is_dir()
    assert lab.store.list() == index_before
    assert summary(client, finished_run[1])["status"] == "finished"  # the real run is untouched


# -- the hub box reads the hub, not the server's disk ---------------------------------------------
@pytest.mark.parametrize("field, value, expected", [
    ("hub_id", "/etc", "not a Hugging Face dataset id"),
    ("hub_id", "/etc/passwd", "not a Hugging Face dataset id"),
    ("hub_id", "../runs", "not a Hugging Face dataset id"),
    ("hub_id", "~/data.csv", "not a Hugging Face dataset id"),
    ("hub_id", "presets/data", "names a file or folder on the server"),
    ("hub_id", "core", "names a file or folder on the server"),
    ("hub_id", "README.md", "names a file or folder on the server"),
    ("backbone", "/tmp", "not a Hugging Face model id"),
    ("backbone", "presets", "names a file or folder on the server"),
    ("backbone", "./core", "not a Hugging Face model id"),
])
def test_local_paths_in_the_hub_and_backbone_boxes_are_refused(space, field, value, expected):
    lab, url, _ = space
    client = visitor(url)
    before = len(lab.store.list())
    form = {**TINY_FORM, field: value, **({"source": "hub"} if field == "hub_id" else {})}
    message, run_id = train(client, form)
    assert expected in message.replace("&#x27;", "'") and "lab-error" in message and not run_id
    assert "root:" not in message and "__init__" not in message  # no file contents, no listings
    assert len(lab.store.list()) == before


def test_the_operator_can_allow_local_paths(space, monkeypatch, tmp_path):
    lab, url, _ = space
    data = tmp_path / "mine.csv"
    data.write_text("text,label\n" + "".join(f"film {i} was {w},{label}\n" for i in range(10)
                                            for w, label in (("great", "pos"), ("awful", "neg"))))
    from app.tabs import train as train_tab
    monkeypatch.setattr(lab, "allow_local_paths", True)
    message, share, *_ = train_tab.preview_view({**TINY_FORM, "source": "hub", "hub_id": str(data)})
    assert message == "" and "classification" in share


def raw_call(url: str, api_name: str, data: list) -> str:
    """POST an event the way any HTTP client can (no gradio_client niceties), -> the streamed answer."""
    request = urllib.request.Request(f"{url}gradio_api/call/{api_name}", json.dumps({"data": data}).encode(),
                                     {"Content-Type": "application/json"})
    event = json.loads(urllib.request.urlopen(request, timeout=10).read())["event_id"]
    return urllib.request.urlopen(f"{url}gradio_api/call/{api_name}/{event}", timeout=60).read().decode()


def test_an_upload_path_that_gradio_did_not_receive_is_refused(space):
    lab, url, outside = space
    secret = {"path": str(outside / "secret.txt"), "meta": {"_type": "gradio.FileData"}}
    answer = raw_call(url, "train", form_args({**TINY_FORM, "source": "upload", "upload": secret}))
    assert "event: error" in answer and "server secret" not in answer
    assert not lab.uploads.exists() or not any(lab.uploads.rglob("secret.txt"))


# -- ownership is decided on the server ------------------------------------------------------------
def test_a_second_visitor_cannot_abort_or_delete_the_first_ones_run(space):
    lab, url, _ = space
    alice, mallory = visitor(url), visitor(url)
    _, run_id = train(alice, LONG_FORM)
    assert "another browser session" in mallory.predict(run_id, api_name="/abort")
    assert "another browser session" in mallory.predict(run_id, api_name="/delete")
    assert summary(alice, run_id)["status"] in ("queued", "running")
    # an owner "argument" is no such thing: extra values, or a raw request without any cookie, change nothing
    assert "another browser session" in mallory.predict(run_id, [run_id], api_name="/abort")
    assert "another browser session" in raw_call(url, "abort", [run_id, [run_id]])
    assert "another browser session" in raw_call(url, "delete", [run_id])
    raw = urllib.request.urlopen(url + "config", timeout=10).read().decode()  # what every client is served
    owner_hash = lab.store.get(run_id).owner()
    assert owner_hash and owner_hash not in raw and "prompt_lab_visitor=" not in raw
    assert all("owner" not in row for row in mallory.predict(api_name="/list_runs"))
    assert "aborted" in alice.predict(run_id, api_name="/abort")
    assert "deleted" in alice.predict(run_id, api_name="/delete")
    assert not (lab.root / run_id).exists()


def test_runs_on_an_uploaded_file_are_private_to_their_visitor(space, tmp_path):
    lab, url, _ = space
    alice, mallory = visitor(url), visitor(url)
    data = tmp_path / "private.csv"
    data.write_text("text,label\n" + "".join(f"my secret review {i} was {w},{label}\n" for i in range(12)
                                            for w, label in (("great", "pos"), ("awful", "neg"))))
    _, run_id = train(alice, {**TINY_FORM, "source": "upload", "upload": handle_file(str(data))})
    wait_for(lambda: summary(alice, run_id).get("status") == "finished", 90, what="the upload run to finish")
    assert run_id in {row["id"] for row in alice.predict(api_name="/list_runs")}
    assert run_id not in {row["id"] for row in mallory.predict(api_name="/list_runs")}
    assert "no run" in summary(mallory, run_id)["error"]
    inspected = mallory.predict(run_id, False, api_name="/inspect")
    assert "no run" in inspected[1] and "secret review" not in str(inspected)
    assert "secret review" in str(alice.predict(run_id, False, api_name="/inspect"))


# -- only a run's exported files are served --------------------------------------------------------
def test_the_runs_folder_is_not_served(space, finished_run):
    lab, url, _ = space
    owner, run_id = finished_run
    run = lab.store.get(run_id)
    for path in (lab.store.index, run.path / "config.yaml", run.path / "worker.log", run.path / "status.json",
                 run.path / ".owner", lab.root / ".scheduler.lock"):
        if path.exists():
            assert http_status(f"{url}gradio_api/file={path}") == 403, path
    # the Runs tab offers copies of the exported files, which are served
    answer = raw_call(url, "refresh_runs", [run_id])
    files = json.loads(answer.split("data:", 1)[1])[5]["value"]
    names = sorted(Path(f["path"]).name for f in files)
    assert names == sorted(["config.yaml", "trained.safetensors", "predictions.json", "final.json", "metrics.jsonl"])
    for f in files:
        assert not f["path"].startswith(str(lab.root))
        assert http_status(f["url"]) == 200


# -- uploads are bounded and cleaned ---------------------------------------------------------------
def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(space, tmp_path):
    lab, url, _ = space
    client = visitor(url)
    big = tmp_path / "big.csv"
    big.write_text("text,label\n" + "a long review that goes on and on,pos\n" * (UPLOAD_LIMIT_MB * 40_000))
    before = len(lab.store.list())
    with pytest.raises(Exception) as error:
        train(client, {**TINY_FORM, "source": "upload", "upload": handle_file(str(big))})
    assert "size" in str(error.value).lower() or "large" in str(error.value).lower()
    assert len(lab.store.list()) == before and not any(lab.uploads.rglob("big.csv")) if lab.uploads.exists() else True


def test_a_rejected_upload_leaves_nothing_and_a_deleted_runs_upload_goes(space, tmp_path):
    lab, url, _ = space
    client = visitor(url)
    bad = tmp_path / "broken.csv"
    bad.write_text("text,label\ngreat film,positive\nbroken row\n")
    message, run_id = train(client, {**TINY_FORM, "source": "upload", "upload": handle_file(str(bad))})
    assert "broken.csv line 3" in message and not run_id
    assert not lab.uploads.exists() or not any(lab.uploads.rglob("broken.csv"))
    good = tmp_path / "shared.csv"
    good.write_text("text,label\n" + "".join(f"film {i} was {w},{label}\n" for i in range(12)
                                            for w, label in (("great", "pos"), ("awful", "neg"))))
    form = {**TINY_FORM, "source": "upload", "upload": handle_file(str(good)), "max_steps": 1_000_000}
    _, first = train(client, form)
    _, second = train(client, form)
    upload = Path(lab.store.get(first).config()["task"])
    assert upload.exists() and upload.is_relative_to(lab.uploads)
    client.predict(first, api_name="/abort")
    client.predict(second, api_name="/abort")
    assert "deleted" in client.predict(first, api_name="/delete")
    assert upload.exists()  # the second run still uses it
    assert "deleted" in client.predict(second, api_name="/delete")
    assert not upload.parent.exists()


# -- nothing loads in the web process because a visitor typed a name ------------------------------
def test_classroom_scoring_refuses_a_typed_backbone(space):
    lab, url, _ = space
    client = visitor(url)
    message, *_ = client.predict("sentiment", "someone/huge-model-70b", 20, None, api_name="/score_templates")
    assert "not one of this lab's offered backbones" in message.replace("&#x27;", "'")


# -- every template a user can pick is accepted ----------------------------------------------------
def test_the_api_accepts_every_template_of_the_preset(space):
    lab, url, _ = space
    client = visitor(url)
    for template in (0, 1):
        message, run_id = train(client, {**TINY_FORM, "method": "manual-prompt", "template": template,
                                         "max_steps": 1_000_000, "eval_every": 1_000_000})
        assert run_id and "queued" in message, message
        assert lab.store.get(run_id).config()["template"] == template
        client.predict(run_id, api_name="/abort")
    message, run_id = train(client, {**TINY_FORM, "method": "manual-prompt", "template": 99})
    assert "template index 99 is out of range" in message and not run_id
