"""Methods by name. `build_model(config, backbone, task)` is the only entry point downstream."""
# imported in the order the lab lists them
from core.methods import fine_tuning  # noqa: F401
from core.methods import manual_prompt  # noqa: F401
from core.methods import prompt_tuning  # noqa: F401
from core.methods import p_tuning  # noqa: F401
from core.methods import prefix_tuning  # noqa: F401
from core.methods import p_tuning_v2  # noqa: F401
from core.methods import bitfit  # noqa: F401
from core.methods import lora  # noqa: F401
from core.methods.base import METHODS, MethodError, MethodSpec, check_words_cover, chosen_template, label_words
from core.methods.transfer import transfer_prompts
from core.config import resolve
from core.tasks import get_family


def get_method(name: str) -> MethodSpec:
    if name not in METHODS:
        raise MethodError(f"unknown method '{name}'; choose one of: {', '.join(METHODS)}")
    return METHODS[name]


def check_fits(method: str, family: str) -> None:
    spec = get_method(method)
    if not spec.fits(get_family(family)):
        raise MethodError(f"{method} does not fit a {family} task: {spec.unsupported_reason}")


def check_label_words(config, task) -> None:
    """Before any backbone loads: a method that scores label words has them, for every label, and a
    hand-written prompt has its template (a user's file brings neither unless the run gives them)."""
    spec = get_method(config.method)
    if spec.cloze_only and not hasattr(get_family(task.family), "cloze_for"):  # probing: no label words
        check_words_cover(label_words(config, task), task, config.method)
        if "template" in spec.knobs:
            chosen_template(config, task)


def check_backbone_kind(family: str, backbone) -> None:
    """Generation writes text token by token (a decoder, or an encoder-decoder's decoder); the other
    families read an encoder's or a decoder's hidden states."""
    head = get_family(family).head
    if head == "vocab" and not backbone.lm_head_pretrained:
        raise MethodError(f"{backbone.name} ships no pretrained language-model head: {family} ranks the LM's own "
                          "predictions over its vocabulary, which a new random head cannot make (use smollm2-135m, "
                          "gemma3-270m, or a hub masked LM such as bert-base-cased)")
    generates = head == "lm"
    if generates and backbone.kind == "encoder":
        raise MethodError(f"a {family} task needs a decoder or an encoder-decoder backbone; {backbone.name} is an "
                          "encoder, which cannot write text token by token (use smollm2-135m, gemma3-270m, or a hub "
                          "causal LM, BART or T5)")
    if not generates and backbone.kind == "encoder-decoder":
        raise MethodError(f"{backbone.name} is an encoder-decoder: the lab uses those for generation tasks only; for a "
                          f"{family} task choose an encoder (minilm-l6) or a decoder (smollm2-135m)")


def build_model(config, backbone, task):
    """The method's model for this task; the config is resolved first (methods read resolved values)."""
    check_fits(config.method, task.family)
    check_backbone_kind(task.family, backbone)
    config = resolve(config, task.defaults)
    model = get_method(config.method).build(config, backbone, task)
    if config.init_from:
        transfer_prompts(model, config.init_from, config.task, task.labels)  # MPT-2: a multi-task source's head too
    return model


__all__ = ["METHODS", "MethodError", "MethodSpec", "build_model", "check_fits", "check_label_words", "get_method"]
