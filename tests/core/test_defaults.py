"""One place for defaults: the order `resolve` looks in (run, task preset per method, task preset `all`,
presets/methods.yaml per method, its `all`), the dataclass as the schema for the rest, and the web
form starting from the same values."""
from __future__ import annotations

from core.api import catalog
from core.config import RunConfig, method_defaults, resolve
from core.methods import METHODS


def test_resolution_order_is_run_task_method_task_all_method_then_all():
    task = {"p-tuning-v2": {"lr": 0.5}, "all": {"lr": 0.4, "epochs": 7.0, "max_length": 64}}
    methods = method_defaults()
    config = resolve(RunConfig(method="p-tuning-v2", lr=0.9), task)
    assert config.lr == 0.9  # the run's own value wins
    config = resolve(RunConfig(method="p-tuning-v2"), task)
    assert (config.lr, config.epochs, config.max_length) == (0.5, 7.0, 64)  # task per method, then task all
    config = resolve(RunConfig(method="p-tuning-v2"), {})
    assert config.lr == methods["p-tuning-v2"]["lr"] and config.reparameterize is False  # methods.yaml per method
    assert config.dropout == methods["all"]["dropout"] and config.prompt_length == methods["all"]["prompt_length"]
    assert resolve(RunConfig(method="prefix-tuning"), {}).reparameterize is True
    assert config.doc_stride == RunConfig().doc_stride  # the schema's default where no layer sets one


def test_every_method_resolves_every_setting_a_run_needs():
    for name in METHODS:
        config = resolve(RunConfig(method=name), {})
        for field in ("lr", "epochs", "batch_size", "max_length", "dropout", "prompt_length"):
            assert getattr(config, field) is not None, (name, field)


def test_methods_yaml_names_only_real_methods_and_settings():
    fields = set(RunConfig().to_dict())
    for name, values in method_defaults().items():
        assert name == "all" or name in METHODS, name
        assert set(values) <= fields, (name, set(values) - fields)


def test_the_form_starts_from_the_dataclass_defaults():
    from app.tabs.train import FALLBACK_FORM, OPTIONAL, SOURCE_FORM
    defaults = catalog()["defaults"]
    assert FALLBACK_FORM["family"] == "auto" and FALLBACK_FORM["like"] == ""  # the pickers' own "not set"
    for name, value in FALLBACK_FORM.items():
        if name in defaults and name not in SOURCE_FORM:
            assert value == (0 if name in OPTIONAL and defaults[name] is None else defaults[name]), name


def test_each_method_declares_only_real_settings_and_fits_by_family():
    fields = set(RunConfig().to_dict())
    families = catalog()["families"]
    for name, spec in METHODS.items():
        assert set(spec.knobs) <= fields, (name, set(spec.knobs) - fields)
        cloze_families = {f for f, info in families.items() if info["cloze"]}
        assert set(spec.families) == (cloze_families if spec.cloze_only else set(families)), name
