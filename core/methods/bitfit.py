"""BitFit (Ben Zaken et al., 2022): only bias terms and the head train.

On generation the LM head's own bias (if it has one) trains with the others. On classification it is paired with a null prompt (Logan IV et al., 2022, "Cutting down on
prompts and parameters"): the input followed by [MASK], read by the LM head through the
preset's verbalizer, so no template words need engineering.
"""
from core.methods.base import (MethodError, MethodSpec, cloze_for, fresh_lm_head, idle_lm_head, is_head,
                               label_words, null_template, register, set_trainable, task_head, verbalizer_head)
from core.model import PromptModel
from core.tasks import family_of


def is_bias(name: str, _=None) -> bool:
    return name.endswith(".bias")


def build(config, backbone, task) -> PromptModel:
    if not any(is_bias(name) for name, _ in backbone.body.named_parameters()):
        raise MethodError(f"{backbone.name} ({backbone.config.model_type}) has no bias terms, so BitFit would "
                          "train nothing; use it on BERT-style encoders, or choose LoRA / p-tuning-v2")
    if family_of(task).cloze and label_words(config, task):  # label words given: the null prompt reads them
        cloze = cloze_for(config, backbone, task, template=null_template(task))
        model = PromptModel(backbone, verbalizer_head(backbone, task, cloze), cloze=cloze)
        fresh, unused = fresh_lm_head(backbone), set()
    else:
        model = PromptModel(backbone, task_head(config, backbone, task))
        fresh, unused = set(), idle_lm_head(backbone, task)
    set_trainable(model, lambda n, _: n in fresh or is_head(n) or (is_bias(n) and n not in unused))
    return model


SPEC = register(MethodSpec("bitfit", "bias terms + head only (null prompt on classification)", build,
                           knobs=("verbalizer",)))
