"""LoRA (Hu et al., 2022), a reference point beside the prompt methods: low-rank updates on
the attention query/value projections, injected with PEFT (its target modules per model type).
Layout 'peft' gives it the Auto classes' sequence heads (core/methods/layout.py), so a classification
run exports too (core/export.py); token, span and generation runs export in either layout."""
from peft import LoraConfig, inject_adapter_in_model
from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING as TARGETS

from core.methods.base import MethodError, MethodSpec, register, set_trainable
from core.methods.layout import head_for, is_trained_head
from core.model import PromptModel


def build(config, backbone, task) -> PromptModel:
    targets = TARGETS.get(backbone.config.model_type)
    if not targets:
        raise MethodError(f"LoRA has no default target modules for model type {backbone.config.model_type}")
    lora = LoraConfig(r=config.lora_rank, lora_alpha=2 * config.lora_rank, lora_dropout=config.dropout,
                      target_modules=targets)
    inject_adapter_in_model(lora, backbone.body)
    model = PromptModel(backbone, head_for(config, backbone, task), layout=config.layout)
    set_trainable(model, lambda n, _: "lora_" in n or is_trained_head(n))
    return model


SPEC = register(MethodSpec("lora", "low-rank adapters on attention (reference, via PEFT)", build,
                           knobs=("lora_rank", "layout")))
