"""Cloze templates: "{text} It was {mask}." + a verbalizer {label: word}.

Used by hand-written prompts (LM-BFF / PET style) and by P-tuning, whose templates add
`{prompt}` slots filled with trainable pseudo tokens; any literal word in a P-tuning
template is an anchor token. On an encoder the label word is scored at [MASK]; on a
decoder everything from {mask} on is dropped and the next-token distribution at the
last position is scored.

We build token ids piece by piece (rather than tokenising one filled string) so that the
text, not the template, is what gets truncated, and so we know where [MASK] and the
prompt slots are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FIELD = re.compile(r"\{(text|text_a|text_b|mask|prompt)\}")


class TemplateError(ValueError):
    """A template or verbalizer that cannot be used; the message says what to change."""


def parse(template: str) -> list[tuple[str, str]]:
    """'{text} It was {mask}.' -> [('text',''), ('literal',' It was '), ('mask',''), ('literal','.')]."""
    pieces, at = [], 0
    for match in FIELD.finditer(template):
        if match.start() > at:
            pieces.append(("literal", template[at:match.start()]))
        name = "text" if match.group(1) == "text_a" else match.group(1)
        pieces.append((name, ""))
        at = match.end()
    if at < len(template):
        pieces.append(("literal", template[at:]))
    kinds = [kind for kind, _ in pieces]
    if kinds.count("mask") != 1:
        raise TemplateError(f"template {template!r} needs exactly one {{mask}}, where the label word goes")
    if "text" not in kinds:
        raise TemplateError(f"template {template!r} needs a {{text}} field for the input")
    leftover = re.findall(r"\{[^}]*\}", "".join(text for kind, text in pieces if kind == "literal"))
    if leftover:
        raise TemplateError(f"template {template!r}: unknown field {leftover[0]}; "
                            "use {text}, {text_b}, {mask} and {prompt}")
    return pieces


@dataclass
class Cloze:
    template: str
    verbalizer: dict[str, str]
    kind: str  # backbone kind: "encoder" | "decoder"
    prompt_length: int = 0  # pseudo tokens shared by the {prompt} slots (P-tuning)

    def __post_init__(self):
        self.pieces = parse(self.template)
        self.slots = sum(kind == "prompt" for kind, _ in self.pieces)
        if self.prompt_length and not self.slots:
            raise TemplateError(f"P-tuning template {self.template!r} has no {{prompt}} slot")
        if self.kind == "decoder":  # a causal LM predicts the word after the last input token
            cut = [k for k, _ in self.pieces].index("mask") + 1
            if any(kind in ("text", "text_b", "prompt") for kind, _ in self.pieces[cut:]):
                raise TemplateError(f"template {self.template!r}: on a decoder {{mask}} must come after every "
                                    "input field, since the model predicts the next word")
            self.pieces = self.pieces[:cut]

    def label_word_ids(self, labels: list[str], tokenizer) -> list[int]:
        """First sub-token of each label word (a leading space on byte-level BPE decoders)."""
        missing = [label for label in labels if label not in self.verbalizer]
        if missing:
            raise TemplateError(f"the verbalizer has no word for label(s) {', '.join(missing)}")
        prefix = " " if self.kind == "decoder" else ""
        ids = [tokenizer(prefix + self.verbalizer[label], add_special_tokens=False).input_ids[0]
               for label in labels]
        if len(set(ids)) < len(ids):
            raise TemplateError(f"verbalizer words {list(self.verbalizer.values())} share a first token; "
                                "choose words that differ at the start")
        return ids

    def slot_sizes(self) -> list[int]:
        base, extra = divmod(self.prompt_length, max(self.slots, 1))
        return [base + (i < extra) for i in range(self.slots)]

    def encode(self, example: dict, tokenizer, max_length: int) -> dict:
        """-> input_ids, attention_mask, mask_pos and (P-tuning) prompt_mask."""
        chunks = self._chunks(example, tokenizer)
        specials = 2 if self.kind == "encoder" else 0
        _truncate(chunks, max_length - specials)
        ids, prompt_mask = [], []
        for kind, chunk in chunks:
            ids += chunk
            prompt_mask += [int(kind == "prompt")] * len(chunk)
        if self.kind == "encoder":
            ids = [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id]
            prompt_mask = [0] + prompt_mask + [0]
            mask_pos = ids.index(tokenizer.mask_token_id)
        else:
            ids, prompt_mask = ids[:-1], prompt_mask[:-1]  # drop the {mask} placeholder itself
            mask_pos = len(ids) - 1
        feature = {"input_ids": ids, "attention_mask": [1] * len(ids), "mask_pos": mask_pos}
        if self.slots:
            feature["prompt_mask"] = prompt_mask
        return feature

    def _chunks(self, example: dict, tokenizer) -> list[tuple[str, list[int]]]:
        sizes, chunks, lead = iter(self.slot_sizes()), [], ""
        placeholder = tokenizer.unk_token_id if tokenizer.unk_token_id is not None else tokenizer.pad_token_id
        for kind, text in self.pieces:
            if kind == "mask":
                mask_id = tokenizer.mask_token_id if self.kind == "encoder" else placeholder
                chunks.append(("mask", [mask_id]))
            elif kind == "prompt":
                chunks.append(("prompt", [placeholder] * next(sizes)))
            else:
                if kind != "literal":
                    text = example.get("text" if kind == "text" else "text_b") or ""
                    if kind == "text_b" and "text_b" not in example:
                        raise TemplateError("this template uses {text_b} but the examples have a single text")
                # BPE merges a space into the next word: carry trailing spaces forward
                text, lead = lead + text.rstrip(" ") if text.strip() else lead + text, \
                    " " if text.endswith(" ") else ""
                if text.strip():
                    chunks.append((kind, tokenizer(text, add_special_tokens=False).input_ids))
        return chunks


def _truncate(chunks: list[tuple[str, list[int]]], budget: int) -> None:
    """Trim the longest input text from its end until everything fits; templates stay whole."""
    while sum(len(chunk) for _, chunk in chunks) > budget:
        texts = [chunk for kind, chunk in chunks if kind in ("text", "text_b")]
        longest = max(texts, key=len, default=None)
        if not longest:
            raise TemplateError(f"the template alone is longer than max_length ({budget} tokens)")
        longest.pop()
