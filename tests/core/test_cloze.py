"""core/tasks/cloze.py on its edges, with the real offline tokenizers (minilm-l6's WordPiece for
encoders, smollm2-135m's byte-level BPE for decoders): which templates are refused and why,
where [MASK] and the prompt slots land, how truncation cuts the text and never the template,
and what happens to label words of several tokens."""
import re

import pytest

from core.backbones import load_tokenizer
from core.tasks.cloze import Cloze, TemplateError

VERBALIZER = {"negative": "terrible", "positive": "great"}
LABELS = ["negative", "positive"]


@pytest.fixture(scope="module")
def enc():
    return load_tokenizer("minilm-l6")


@pytest.fixture(scope="module")
def dec():
    return load_tokenizer("smollm2-135m")


def tokens(tokenizer, feature):
    return tokenizer.convert_ids_to_tokens(feature["input_ids"])


# --- templates that are refused ------------------------------------------------------------------

@pytest.mark.parametrize("template,message", [
    ("{text} It was great.", "needs exactly one {mask}"),
    ("{text} It was {mask}, really {mask}.", "needs exactly one {mask}"),
    ("It was {mask}.", "needs a {text} field"),
    ("{text} {label} It was {mask}.", "unknown field {label}"),
    ("{text} It was {mask} for {TEXT}.", "unknown field {TEXT}"),  # field names are lower case
])
def test_bad_templates_are_refused_with_what_to_change(template, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        Cloze(template, VERBALIZER, "encoder")


def test_text_a_is_another_name_for_text(enc):
    example = {"text": "a fine film"}
    assert Cloze("{text_a} It was {mask}.", VERBALIZER, "encoder").encode(example, enc, 32) == \
        Cloze("{text} It was {mask}.", VERBALIZER, "encoder").encode(example, enc, 32)


def test_text_b_on_single_text_examples_is_refused_at_encoding(enc):
    cloze = Cloze("{text} ? {mask} , {text_b}", VERBALIZER, "encoder")  # the template alone is fine
    with pytest.raises(TemplateError, match="uses {text_b} but the examples have a single text"):
        cloze.encode({"text": "a fine film"}, enc, 32)
    pair = cloze.encode({"text": "a man sleeps", "text_b": "a man rests"}, enc, 32)
    assert tokens(enc, pair) == ["[CLS]", "a", "man", "sleeps", "?", "[MASK]", ",", "a", "man", "rests", "[SEP]"]


# --- the decoder rule ----------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["{mask}: {text}", "{text} ? {mask} , {text_b}", "{text} {mask} {prompt}"])
def test_on_a_decoder_mask_must_follow_every_input_field(template):
    Cloze(template, VERBALIZER, "encoder")  # an encoder reads [MASK] anywhere
    with pytest.raises(TemplateError, match="on a decoder {mask} must come after every input field"):
        Cloze(template, VERBALIZER, "decoder", prompt_length=2 if "{prompt}" in template else 0)


def test_a_decoder_drops_everything_from_mask_on_and_reads_the_last_position(dec):
    feature = Cloze("{text} It was {mask}. Really.", VERBALIZER, "decoder").encode({"text": "a fine film"}, dec, 32)
    assert dec.decode(feature["input_ids"]) == "a fine film It was"  # the space before "It" kept
    assert feature["mask_pos"] == len(feature["input_ids"]) - 1


def test_an_encoder_reads_the_mask_token_between_cls_and_sep(enc):
    feature = Cloze("{text} It was {mask}.", VERBALIZER, "encoder").encode({"text": "a fine film"}, enc, 32)
    assert tokens(enc, feature) == ["[CLS]", "a", "fine", "film", "it", "was", "[MASK]", ".", "[SEP]"]
    assert feature["input_ids"][feature["mask_pos"]] == enc.mask_token_id
    assert feature["attention_mask"] == [1] * 9 and "prompt_mask" not in feature


# --- truncation ----------------------------------------------------------------------------------

def test_truncation_cuts_the_text_from_its_end_and_keeps_the_template_whole(enc):
    cloze = Cloze("{text} It was {mask}.", VERBALIZER, "encoder")
    feature = cloze.encode({"text": " ".join(f"w{i}" for i in range(100))}, enc, 16)
    assert len(feature["input_ids"]) == 16
    words = tokens(enc, feature)
    assert words[:3] == ["[CLS]", "w", "##0"]  # the text's start survives
    assert words[-5:] == ["it", "was", "[MASK]", ".", "[SEP]"]
    assert words[feature["mask_pos"]] == "[MASK]"


def test_truncation_trims_the_longer_of_two_texts_first(enc):
    cloze = Cloze("{text} ? {mask} , {text_b}", VERBALIZER, "encoder")
    short, long = "a man sleeps", " ".join(["very"] * 40) + " tired"
    feature = cloze.encode({"text": short, "text_b": long}, enc, 16)
    words = tokens(enc, feature)
    assert len(words) == 16 and words[1:4] == ["a", "man", "sleeps"]  # the short text untouched
    assert words[4:7] == ["?", "[MASK]", ","] and words[7:-1] == ["very"] * 8


def test_a_template_longer_than_max_length_is_refused(enc):
    cloze = Cloze("{text} " + "and so on " * 10 + "{mask}", VERBALIZER, "encoder")
    with pytest.raises(TemplateError, match=r"the template alone is longer than max_length \(14 tokens\)"):
        cloze.encode({"text": "fine"}, enc, 16)  # 16 - [CLS] - [SEP] = 14 for a 31-token template


# --- label words ---------------------------------------------------------------------------------

def test_label_words_are_read_at_their_first_sub_token(enc, dec):
    words = {"negative": "unwatchable", "positive": "great"}  # "unwatchable" is 3 WordPieces
    assert len(enc("unwatchable", add_special_tokens=False).input_ids) > 1
    encoder_ids = Cloze("{text} {mask}", words, "encoder").label_word_ids(LABELS, enc)
    assert encoder_ids == [enc("unwatchable", add_special_tokens=False).input_ids[0], enc.convert_tokens_to_ids("great")]
    # a decoder scores the word as it follows a space
    decoder_ids = Cloze("{text} {mask}", words, "decoder").label_word_ids(LABELS, dec)
    assert decoder_ids == [dec(" " + w, add_special_tokens=False).input_ids[0] for w in ("unwatchable", "great")]


def test_label_words_sharing_a_first_token_are_refused(enc):
    cloze = Cloze("{text} {mask}", {"negative": "so-so", "positive": "so"}, "encoder")  # both start "so"
    with pytest.raises(TemplateError, match="share a first token"):
        cloze.label_word_ids(LABELS, enc)


def test_a_label_without_a_word_is_refused(enc):
    with pytest.raises(TemplateError, match="no word for label\\(s\\) positive"):
        Cloze("{text} {mask}", {"negative": "bad"}, "encoder").label_word_ids(LABELS, enc)


# --- P-tuning {prompt} slots ---------------------------------------------------------------------

def test_prompt_slots_share_the_prompt_length_first_slots_taking_the_rest(enc):
    cloze = Cloze("{prompt} {text} {prompt} {mask}", VERBALIZER, "encoder", prompt_length=5)
    assert cloze.slot_sizes() == [3, 2]
    feature = cloze.encode({"text": "a fine film"}, enc, 32)
    assert feature["prompt_mask"] == [0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0]  # [CLS] 3 a fine film 2 [MASK] [SEP]
    assert tokens(enc, feature)[feature["mask_pos"]] == "[MASK]"


def test_prompt_slots_are_never_truncated(enc):
    cloze = Cloze("{prompt} {text} {mask}", VERBALIZER, "encoder", prompt_length=6)
    feature = cloze.encode({"text": " ".join(["word"] * 50)}, enc, 12)
    assert len(feature["input_ids"]) == 12 and sum(feature["prompt_mask"]) == 6


def test_a_prompt_length_needs_a_prompt_slot():
    with pytest.raises(TemplateError, match="has no {prompt} slot"):
        Cloze("{text} It was {mask}.", VERBALIZER, "encoder", prompt_length=4)
