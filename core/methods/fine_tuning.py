"""Full fine-tuning: every backbone weight and the task head train (the reference baseline)."""
from core.methods.base import MethodSpec, idle_lm_head, register, set_trainable, task_head
from core.model import PromptModel


def build(config, backbone, task) -> PromptModel:
    model = PromptModel(backbone, task_head(config, backbone, task))
    unused = idle_lm_head(backbone, task)  # not in the graph of a task head
    set_trainable(model, lambda name, _: name not in unused)
    return model


SPEC = register(MethodSpec("fine-tuning", "all weights + task head (baseline)", build))
