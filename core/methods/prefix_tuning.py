"""Prefix-tuning (Li & Liang, 2021): key/value prefixes in every layer, trained through an
MLP reparameterisation (the paper found direct optimisation unstable); frozen backbone. The same
depth (prompt_layers) and head knobs as p-tuning-v2 (core/methods/deep_prompt.py)."""
from core.methods.base import MethodSpec, register
from core.methods.deep_prompt import build_deep


def build(config, backbone, task):
    return build_deep(config, backbone, task, reparameterize=config.reparameterize)  # default: on (methods.yaml)


SPEC = register(MethodSpec(
    "prefix-tuning", "deep key/value prefixes in every layer through an MLP, frozen backbone", build,
    knobs=("prompt_length", "reparameterize", "prompt_layers", "head", "template", "verbalizer", "init_from",
           "layout")))
