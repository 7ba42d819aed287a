"""Hand-written prompts with verbalizers (PET, Schick & Schütze 2021; LM-BFF, Gao et al. 2021).

epochs = 0 (or max_steps = 0): zero-shot, the frozen LM scores each label word at [MASK]
(encoders) or as the next token (decoders). Otherwise prompt-based fine-tuning: the whole
model trains through the same template, as in LM-BFF.
"""
from core.methods.base import MethodSpec, cloze_for, register, set_trainable, verbalizer_head
from core.model import PromptModel


def is_zero_shot(config) -> bool:
    return config.max_steps == 0 or (config.max_steps is None and config.epochs == 0)


def build(config, backbone, task) -> PromptModel:
    cloze = cloze_for(config, backbone, task)
    model = PromptModel(backbone, verbalizer_head(backbone, task, cloze), cloze=cloze)
    if is_zero_shot(config):
        set_trainable(model, lambda n, _: False)
    else:
        set_trainable(model, lambda n, _: n.startswith("backbone."))  # LM head included
    return model


SPEC = register(MethodSpec(
    "manual-prompt", "hand-written template + verbalizer: zero-shot, or prompt-based fine-tuning", build,
    knobs=("template", "verbalizer"), cloze_only=True,
    unsupported_reason="a hand-written prompt scores one label word at [MASK]; tagging and QA answers and "
                       "generated texts are not one word (use fine-tuning, prompt-tuning or p-tuning-v2; "
                       "prefix-tuning for generation)"))
