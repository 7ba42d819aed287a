"""Every user-facing string of the web lab, in one place (labels, help, messages)."""

TITLE = "Prompt Lab"
INTRO = ("Run, watch and compare prompt-tuning experiments. Runs train in background worker processes: "
         "closing the browser does not stop them, and every run is listed again after a restart.")

# -- tabs -----------------------------------------------------------------------------------
TAB_TRAIN, TAB_RUNS, TAB_INSPECT, TAB_COMPARE, TAB_CLASSROOM = "Train", "Runs", "Inspect", "Compare", "Classroom"
TAB_STUDIES, TAB_PAPERS = "Studies", "Papers"

# -- train ----------------------------------------------------------------------------------
SOURCE = "Task data"
SOURCES = [("Preset", "preset"), ("Upload a file", "upload"), ("Hub dataset", "hub")]
PRESET = "Preset task"
UPLOAD = "Your data (CSV, TSV, JSON lines or CoNLL; split 80/20 into train/dev)"
FAMILY = "Task family of the file"
FAMILY_AUTO = ("infer from the columns", "auto")  # then one choice per task family in the catalog
HUB_ID = "Hub dataset id"
HUB_PLACEHOLDER = "glue/sst2, super_glue/rte, conll2003, squad, or owner/name (press Enter)"
BACKBONE = "Backbone"
BACKBONE_INFO = "a named backbone, or type any Hugging Face model id (needs the hub)"
METHOD = "Method"
PROMPT_LENGTH = "Prompt length"
PROMPT_LENGTH_INFO = "prompt vectors (per layer for deep prompts), 1-512"
REPARAMETERIZE = "Reparameterise the prompt through an MLP"
PROMPT_ENCODER = "P-tuning prompt encoder"
TUNE_BACKBONE = "Also fine-tune the backbone (P-tuning's few-shot setting)"
TEMPLATE = "Hand-written template"
RELATION_TEMPLATE = "template {n} of each relation (e.g. {example})"
TEMPLATE_INFO = "pick the preset's, or type your own with {text} (and {text_b}) and {mask}"
VERBALIZER = "Label words"
VERBALIZER_INFO = "label: word, ... e.g. negative: terrible, positive: great (empty: the template's)"
PROMPT_LAYERS = "Layers with prompts"
PROMPT_LAYERS_INFO = "all, top:k, bottom:k, or indices such as 0,1,2 or 0-5 (0 = nearest the input)"
HEAD = "Head (classification)"
HEAD_INFO = "a new [CLS] head, or the template's label words read by the frozen LM head at [MASK]"
HEADS = [("[CLS] head", "cls"), ("verbalizer", "verbalizer")]
LAYOUT = "Layout"
LAYOUT_INFO = ("lab: the lab's own prompt positions and heads; peft: as PEFT places them, so the run exports as a "
               "PEFT adapter that loads with the same outputs (Runs tab)")
LAYOUTS = [("lab", "lab"), ("PEFT-compatible", "peft")]
LIKE = "Hyperparameters like"
LIKE_INFO = "take a preset's tuned settings for your data (default: those of its task family)"
LIKE_NONE = ("its task family's defaults", "")
PROMPT_INIT = "Prompt initialisation"
LORA_RANK = "LoRA rank"
LR = "Learning rate"
EPOCHS = "Epochs"
MAX_STEPS = "Max steps (0: use epochs)"
BATCH_SIZE = "Batch size"
SEED = "Seed"
ADVANCED = "More settings"
MAX_LENGTH = "Max tokens per input"
MAX_TRAIN = "Use only the first N training examples (0: all)"
MAX_EVAL = "Use only the first N dev examples (0: all)"
EVAL_EVERY = "Evaluate every N steps (0: about 10 times per run)"
DOC_STRIDE = "QA: overlap of passage windows (under half of max tokens)"
PRECISION = "Precision"
GROUP_BY_LENGTH = "Group batches by length"
GROUP_BY_LENGTH_INFO = ("batch inputs of similar length together: much less padding, about twice the tokens per "
                        "second on real data (README, Speed)")
GRADIENT_CHECKPOINTING = "Gradient checkpointing"
GRADIENT_CHECKPOINTING_INFO = ("recompute activations in the backward pass: half or less of a prompt method's "
                               "training memory, for about 1.3-1.6x the time per step (README, Speed)")
DECODING = "Decoding (generation tasks)"
MAX_NEW_TOKENS = "Max new tokens"
MAX_NEW_TOKENS_INFO = "most tokens generated per input (0: the task's default)"
NUM_BEAMS = "Beams"
NUM_BEAMS_INFO = "beam search width; 1 = greedy"
REPETITION_PENALTY = "Repetition penalty"
REPETITION_PENALTY_INFO = "1 = off; 1.2 is usual"
EVAL_SAMPLE = "Eval sample"
EVAL_SAMPLE_INFO = "dev inputs scored while training (0: all)"
WARMUP = "Warm-up share of steps"
WEIGHT_DECAY = "Weight decay"
TRAIN_BUTTON = "Train"
PREVIEW_TITLE = "Before you launch"
SHARE = "**Trainable parameters: {share}** ({trainable:,} of {total:,}) · task family: {family}"
BUDGET = "**Budget:** {steps:,} optimizer steps = {epochs:.1f} epochs over the training data · {time}"
BUDGET_TIME = "about {duration} on this machine (median of {runs} earlier run(s) of this backbone and method)"
BUDGET_UNKNOWN = "no earlier run of this backbone and method here to time it by"
FEW_EPOCHS = ("Prompt methods learn more slowly per step than fine-tuning: the papers train them for 20-100 epochs, "
              "so a comparison at {epochs:.1f} epochs says little.")
CLI = "Equivalent command"
YAML = "Config (config.yaml)"
TASK_NOTE = "**{name}** · {family} · {description}"
UPLOAD_NOTE = "**{name}** · your file · family: {family}"
HUB_NOTE = "**{name}** · hub dataset"
STARTED = "Run `{run}` is queued: it starts as soon as a slot is free. Watch it in **Runs**."
STARTED_SEEDS = "{n} runs (one per seed) are queued: {runs}. **Compare** shows their mean and spread."
SEEDS = "Repeat over seeds"
SEEDS_INFO = "e.g. 1, 2, 3: one run per seed, compared as mean ± spread (empty: one run with the seed above)"
REPORT_TO = "Experiment trackers"
REPORT_TO_INFO = ("mirror the run's metrics to TensorBoard and/or trackio (local files, no account); the Runs tab "
                  "then shows the command that opens the dashboard")
SEED_GROUPS = "**Over seeds** (runs that differ only in their seed)"
SEED_GROUP = "| {method} | {n} seeds ({seeds}) | {metric} {mean:.3f} ± {std:.3f} (min {min:.3f}, max {max:.3f}) | {test} |"
NEED_UPLOAD = "Upload a data file first (CSV, TSV, JSON lines or CoNLL)."
NEED_HUB_ID = "Type a hub dataset id first, e.g. glue/sst2."
BAD_NUMBER = "{field} must be a whole number, got {value}"
UPLOAD_TYPE = "{name}: unsupported file type; use {suffixes}"
UPLOAD_TOO_BIG = "{name} is {size:.1f} MB; this lab takes data files up to {limit:g} MB."
NO_VISITOR = ("This request carries no lab session cookie, so the run could not be recorded as yours: "
              "reload the page (and allow cookies for this site).")
NOT_IN_PROCESS = ("{backbone} is not one of this lab's offered backbones ({offered}); zero-shot scoring and typed "
                  "predictions run inside the web server, so they only use those. Train a run to use another model.")
DAMAGED = "Run `{run}` is damaged: {damage}."
DEVICE = "At most {limit} run(s) train at once; further runs wait in a queue, in order."

# -- runs -----------------------------------------------------------------------------------
RUN = "Run"
RUN_COLUMNS = ["run", "status", "task", "backbone", "method", "progress", "trainable", "best dev", "time", "note"]
NO_RUNS = "No runs yet: start one in **Train**."
EVALUATION = "**What the number means:** {text}."
TEST_METRIC = " · test {value:.3f}"  # the checkpoint chosen on dev, scored on the test split
LAST_METRIC = " (last {value:.3f})"  # no test split: the best dev score chose itself; the last checkpoint's beside it
ABORT = "Abort"
DELETE = "Delete"
INSPECT = "Inspect this run"
DOWNLOADS = "Trained prompt and config"
PEFT_READY = ("**Export to PEFT:** `{name}` in the downloads above is a {kind} adapter that computes this run's "
              "outputs. Unzip it and load it with:\n```python\n{code}\n```")
PEFT_REFUSED = "**Export to PEFT:** not available. {reason}."
ABORTED = "Run `{run}` aborted."
DELETED = "Run `{run}` deleted."
NOT_ACTIVE = "Run `{run}` is {status}; only queued or running runs can be aborted."
NOT_YOURS = ("Run `{run}` was started from another browser session; on a shared lab only that session "
             "may abort or delete it.")
NO_SUCH_RUN = "Run `{run}` no longer exists (deleted from another session?)."
PICK_RUN = "Pick a run first."
STATUS_LINE = "**{run}** · {status}"
FAILED_REASON = "**Why it stopped:** {error}"
TRACKER_DASHBOARD = "**Dashboard:** `{command}`"
TRACKER_ERROR = "**Tracker error** (the run itself went on): {error}"
QUEUED_AT = "queued (#{position})"
PROGRESS = "step {step} / {total}"
ETA = " · about {eta} left"
CURVES = "Loss and dev metric"
LOSS = "training loss"
DEV = "dev {metric}"
STEP = "step"
NO_METRICS = "No metric points yet: the worker is loading the model and data."

# -- inspect --------------------------------------------------------------------------------
INSPECT_RUN = "Finished run"
REFRESH = "Refresh"
NO_PREDICTIONS = "This run has no dev predictions yet (it writes them when it finishes)."
SUMMARY = ("**{task}** · {backbone} · {method} · best dev {metric} **{best}** · trainable {share} · "
           "{n} dev examples, {wrong} wrong")
ONLY_ERRORS = "Show only errors"
EXAMPLE = "Example"
PREDICTED = "predicted"
GOLD = "gold"
CONFUSION = "Confusion matrix (rows: gold, columns: predicted)"
EXAMPLE_COLUMNS = ["#", "text", "gold", "predicted", "prob.", "ok"]
TAG_TABLE_HEAD = ("token", "gold", "predicted")
PREDICATE = "predicate"
PASSAGE = "Passage: predicted answer and gold answer"
QA_DETAIL = "**Question:** {question}  \n**Predicted:** {predicted} (score {score})  \n**Gold:** {gold}  \n{verdict}"
QA_COLUMNS = ["#", "question", "predicted", "score", "gold", "ok"]
NO_ANSWER = "(no answer)"
RIGHT, WRONG = "✓ correct", "✗ wrong"
TRY_IT = "Try the trained model"
TRY_TEXT = "Your input"
TRY_SECOND = {"classes": "Second sentence", "spans": "Question", "facts": "Relation",
              "tags": "Predicate (SRL: the verb, or its position in the sentence)"}  # by the family's view
TRY_TEXT_LABEL = {"classes": "Text", "tags": "Sentence", "spans": "Passage", "generations": "Input", "facts": "Subject"}
TRY_BUTTON = {"generations": "Generate", "facts": "Fill the object"}  # by the family's view; else PREDICT
GENERATED = "Generated (greedy, streamed as it is decoded)"
RAW_PREDICTIONS = "Predictions (as the task family writes them)"
PREDICT = "Predict"
PREDICTION = "Prediction"
ANSWER = "**Answer:** {answer} (score {score})"
RELATIONS_COMPARED = "**P@1 per relation** (dev; the last row is the macro average that picks checkpoints)"
FACT_SUMMARY = ("**{task}** · {backbone} · {method} · best dev {metric} **{best}** (macro over relations) · "
                "trainable {share} · {kept} of {n} dev facts scored ({dropped} dropped: see the relations table)")
RELATION_COLUMNS = ["relation", "template in force", "P@1", "P@10", "MRR", "scored", "dropped", "why dropped / rewritten"]
FACT_COLUMNS = ["#", "subject", "relation", "gold", "top predictions (probability)", "gold rank", "ok"]
FACT_NOTE = ("Each fact's object is ranked over the backbone's whole vocabulary; P@1 counts the facts whose gold "
             "object ranks first, P@10 in the top ten, MRR the mean of 1/rank. Facts whose object is not one "
             "token (or not in LAMA's common vocabulary, for LAMA data) are not scored.")
DROPPED = "not scored"
GEN_SUMMARY = ("**{task}** · {backbone} · {method} · best dev {metric} **{best}** · trainable {share} · "
               "{n} dev inputs, {refs} references")
GEN_COLUMNS = ["#", "input", "generated", "references", "BLEU", "ROUGE-L"]
GEN_SORT = "Sort by"
GEN_SORTS = [("dev order", "order"), ("BLEU ↓", "bleu-desc"), ("BLEU ↑", "bleu-asc"), ("ROUGE-L ↓", "rougeL-desc"),
             ("ROUGE-L ↑", "rougeL-asc")]
GEN_NOTE = ("Per-input scores: sentence BLEU (smoothed) and ROUGE-L F against the best reference, 0-1; the run's "
            "dev metric is corpus-level. Click a row to read it in full.")
GEN_DETAIL = "**Input:** {input}\n\n**Generated:** {generated}\n\n**References:**\n\n{references}\n\n{scores}"
GEN_SCORES = "sentence BLEU {bleu} · ROUGE-L {rougeL}"
SPLITS = "**Further dev splits** (the chosen checkpoint): {splits}"
SPLIT = "{name} ({metrics})"
DEV_SAMPLE = ("**On the dev sample** (the first {n} dev inputs, scored during training to choose the checkpoint): "
              "{metric} {value}")

# -- compare --------------------------------------------------------------------------------
COMPARE_RUNS = "Runs to compare"
COMPARE_COLUMNS = ["run", "task", "backbone", "method", "status", "trainable %", "best dev", "wall time",
                   "peak memory"]
BASELINE = "Compare with fine-tuning"
BASELINE_STARTED = "Started the fine-tuning baseline `{run}` for {task} on {backbone}; it is shown below as it trains."
BASELINE_EXISTS = "Fine-tuning run `{run}` ({status}) already covers {task} on {backbone}: shown beside it."
BASELINE_IS_FT = "Run `{run}` is itself fine-tuning; pick a prompt-method run to compare with it."
OVERLAY = "Curves, overlaid"
DECIDE = ("### Deciding\n**Pareto view:** each finished run's best dev metric against what it cost; runs on the "
          "dashed front are the ones no other run beats on both. Runs of different tasks or metrics are never on one "
          "front: each task and metric has its own panel.")
PARETO_COST = "Cost"
COST_TRAINABLE, COST_WALL_TIME, COST_MEMORY = "trainable parameters", "wall time (s)", "peak memory (MB)"
PARETO_COSTS = [(COST_TRAINABLE, "trainable"), (COST_WALL_TIME, "wall_time"), (COST_MEMORY, "peak_memory_mb")]
PARETO = "Metric against cost"
PARETO_PANEL = "{task} · {metric}"
PARETO_FRONT = "Pareto front"
ON_FRONT = "on the Pareto front"
PARETO_LEFT_OUT = "Not in the Pareto view: {runs}."
PARETO_GROUPS = "{n} tasks or metrics among the chosen runs: one panel, and one front, each."
CONFIG_DIFF = "**Settings that differ** (from each run's config.yaml; settings the runs share are left out)"
CONFIG_SAME = "**Settings:** the chosen runs have the same settings."
ENVIRONMENT = "**What each run ran with** (recorded when it finished; runs from before the lab recorded it: not recorded)"
ENVIRONMENT_DIFFERS = "Compared with care: {warnings}."
SETTING = "setting"

# -- classroom ------------------------------------------------------------------------------
CLASSROOM_NOTE = (
    "Hand-written prompts scored zero-shot, side by side: templates that differ by one word sit next to "
    "each other, so you can see how far one word moves accuracy. Then train a continuous prompt "
    "(P-tuning) on the same task and backbone and see it beside them.\n\n"
    "The default backbone is **SmolLM2-135M**, a decoder with its pretrained language-model head, so its "
    "zero-shot label-word scores mean something. MiniLM-L6 ships without its masked-LM head "
    "(sentence-transformers weights): hand-written prompts on it score near chance.\n\n"
    "**Knowledge probing** (the *facts* preset, as in the P-tuning paper's LAMA table): pick a relation; each of "
    "its templates is scored on the relation's dev facts, by P@1 (the share of facts whose object the model "
    "ranks first over its whole vocabulary). P-tuning then trains one prompt per relation.")
CLASSROOM_TASK = "Preset (classification or probing)"
CLASSROOM_RELATION = "Relation (probing)"
MAX_EXAMPLES = "Dev examples to score"
SCORE = "Score all templates"
TEMPLATES_PLOT = "Zero-shot accuracy per template"
TEMPLATES_AXIS = "dev accuracy (probing: P@1, the object ranked first)"
TEMPLATE_COLUMNS = ["template", "label words", "accuracy (facts: P@1)", "macro F1", "kind"]
EDIT_FROM = "Start from template"
EDIT_TEMPLATE = "Template ({text} or {text_a}/{text_b}, and {mask}; probing: [X] and [Y])"
EDIT_VERBALIZER = "Label words (label: word, ...)"
RESCORE = "Score this template"
EDITED = "edited: {template}"
BAD_VERBALIZER = "Label words must look like 'negative: terrible, positive: great'; got {text!r}"
STEPS = "P-tuning steps"
TRAIN_PROMPT = "Train a continuous prompt (P-tuning)"
PROMPT_STARTED = "P-tuning run `{run}` queued; its dev accuracy appears beside the templates as it trains."
PTUNING_BAR = "P-tuning ({state})"
CLASSROOM_UPLOAD = "…or your own classification file"
FILE_LOADED = ("**{name}** replaces the preset ({n} dev examples). It has no hand-written templates: write one "
               "below with its label words and press *Score this template*; P-tuning uses those label words.")
FILE_HAS_NO_TEMPLATES = ("Your file has no hand-written templates to score all at once: write one in the template box "
                         "with its label words, and press *Score this template*.")
NOT_CLASSIFICATION = ("'{task}' is a {family} task; the classroom needs a preset whose answers are label words "
                      "(a classification preset) or objects of facts (a probing preset).")
NO_RELATION = "Pick a relation of the probing preset first."
KIND_ZERO_SHOT, KIND_EDITED, KIND_PTUNING = "zero-shot", "edited, zero-shot", "continuous prompt"

# -- studies ------------------------------------------------------------------------------------
STUDIES_INTRO = ("A **study** is a group of runs planned together: a base configuration, a grid of values to sweep "
                 "(prompt length, reparameterisation, depth, head, ...) and seeds. Pick one of the seed papers' "
                 "ablations or edit its YAML, then start it: every point is queued as an ordinary run, and the "
                 "ablation plot fills in as they finish. Studies survive restarts: *Resume* queues only the runs "
                 "that did not finish.")
STUDY_PRESET = "Study"
STUDY_MODE = "Budget"
STUDY_MODE_INFO = "quick: fits a CPU in minutes (fewer values, steps and examples); full: the papers' settings, for a GPU"
STUDY_BUDGET = "Budget: {budgets}"
STUDY_YAML = "Edit the study (YAML)"
STUDY_YAML_LABEL = "base: the run settings; grid: values to sweep (every combination); seeds; modes: quick/full overrides"
STUDY_START = "Start study"
STUDY_PICK = "Your studies"
STUDY_RESUME = "Resume"
STUDY_PROMOTE = "Promote the best point to a run"
STUDY_PLOT_LABEL = "Ablation: dev metric against the swept value (mean ± spread over seeds; the star is the best point)"
STUDY_RUNS = "Runs of the study"
STUDY_PLOT = "{name}: dev metric against {x}"
NO_STUDY = "Start a study, or pick one of yours."
STUDY_STARTED = "Study `{study}` started: {n} runs queued. They train one after another; watch them below or in Runs."
STUDY_TOO_BIG = ("this study would queue {n} runs; the web lab takes at most {limit} at once: sweep fewer values or "
                 "seeds, or run it with `python -m core.study`")
STUDY_PROGRESS = "**{name}** (`{study}`, mode {mode}): {done} of {total} runs finished ({counts})"
STUDY_BEST = "Best so far: {line}, {x} = {value}: **{mean:.1f}** ± {std:.1f} ({metric}, {n} seed(s))"
STUDY_RESUMED = "Study `{study}`: {n} runs queued again (finished and running ones are kept)."
STUDY_PROMOTED = "The best point is queued as run `{run}` (a plain run, outside the study)."
STUDY_DASHBOARD = "**Dashboard of the study's runs:** `{command}`"

# -- papers ------------------------------------------------------------------------------------
PAPERS_INTRO = ("The seed papers' claims, checked on this lab's backbones. Each claim is a set of studies; the lab "
                "judges it from their finished runs by the stated rule, and says so when it disagrees. The quick "
                "mode fits about an hour on a 2-core CPU (one seed, small budgets); the full mode uses the presets' "
                "epochs and three seeds (a GPU). From the command line: `python -m core.reproduce --quick`.")
PAPERS_CLAIMS = "The claims, the papers' figures and how the lab judges each"
PAPERS_CLAIM_HEADERS = ["claim", "the paper", "how the lab judges it"]
PAPERS_REPORT_HEADERS = ["claim", "the paper", "the lab", "verdict"]
PAPERS_QUICK = "Quick mode (about an hour on a CPU)"
PAPERS_START = "Run the claims"
PAPERS_NO_REPORT = "No claims report in this lab yet: run one here or with `python -m core.reproduce --quick`."
PAPERS_REPORT = "Report `{name}` ({mode} mode): {done} of {total} runs finished. {state}"
PAPERS_RUNNING = "Still running; verdicts fill in as runs finish."
PAPERS_STARTED = "The claims report ({mode} mode) started; its runs appear in Runs and Studies as they queue."
PAPERS_BUSY = "A claims report is already running in this lab; its table below fills in as its runs finish."
PAPERS_OFF = ("On this shared lab the operator has not enabled claims reports from the web (they queue dozens of "
              "runs); the newest report is shown below")

# -- multi-task runs ----------------------------------------------------------------------------
MULTITASK_COMPARED = ("**Multi-task vs single-task** (one shared prompt trained on several tasks, each task's own "
                      "head; beside it the newest finished single-task run of that task, backbone and method)")
NO_SINGLE_TASK = "none yet: train the task alone with the same method to compare"

# -- transfer ----------------------------------------------------------------------------------
TAB_TRANSFER = "Transfer"
TRANSFER_INTRO = ("**Soft-prompt transfer**: which trained prompts help which tasks. Every task of the study is "
                  "trained from scratch, then each one again from each other task's prompt; the report shows the "
                  "zero-shot matrix (where the label spaces match, and why others do not), the convergence speed-up, "
                  "prompt similarity (cosine, activated-neuron overlap) against the gain with their rank "
                  "correlation, and PPT-style prompt pre-training for 32-example targets. From the command line: "
                  "`python -m core.transfer --quick`.")
TRANSFER_PRESET = "The shipped transfer study (presets/transfer/transfer.yaml)"
TRANSFER_QUICK = "Quick mode (about 10 minutes on a CPU)"
TRANSFER_START = "Run the transfer study"
TRANSFER_STARTED = "The transfer study ({mode} mode) started; its runs appear in Runs and Studies as they queue."
TRANSFER_BUSY = "A transfer study is already running in this lab; its report below fills in as its runs finish."
TRANSFER_OFF = ("On this shared lab the operator has not enabled transfer studies from the web (they queue many "
                "runs); the newest report is shown below")
TRANSFER_NO_REPORT = "No transfer study in this lab yet: run one here or with `python -m core.transfer --quick`."
TRANSFER_REPORT = "Transfer study `{name}` ({mode} mode): {done} of {total} runs finished. {state}"
TRANSFER_RUNNING = "Still running; the report is written when its runs have finished."
TRANSFER_WAITING = "The report appears here once every stage has finished and the analysis has run."
TRANSFER_ZERO_SHOT = "Zero-shot transfer relative to the target's own prompt"
TRANSFER_SPEEDUP = "Transfer as initialisation: convergence speed-up"
TRANSFER_SIMILARITY = "Prompt similarity against the transfer gain"
