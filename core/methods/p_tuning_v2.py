"""P-tuning v2 (Liu et al., 2022): deep prompts in every layer without reparameterisation,
a plain [CLS] / token / span head, frozen backbone; comparable to fine-tuning across scales
and tasks (its Table 2-4). Its ablations are knobs here: prompt_layers (depth, Fig. 5) and head
(cls vs a verbalizer on the LM head); see core/methods/deep_prompt.py."""
from core.methods.base import MethodSpec, register
from core.methods.deep_prompt import build_deep


def build(config, backbone, task):
    return build_deep(config, backbone, task, reparameterize=config.reparameterize)  # default: off (methods.yaml)


SPEC = register(MethodSpec(
    "p-tuning-v2", "deep prompts in every layer, no reparameterisation, [CLS]/token heads, frozen backbone", build,
    knobs=("prompt_length", "reparameterize", "prompt_layers", "head", "template", "verbalizer", "init_from",
           "layout")))
