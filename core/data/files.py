"""User data files: CSV, TSV, JSON lines, SQuAD's JSON, SuperGLUE's JSON lines and CoNLL, one file
or a folder with train, dev and (optionally) test files.

We parse with the stdlib (csv, json) line by line rather than with pandas or `datasets`, because
every error must name the line the user sees in an editor (the CSV header is line 1).

How a file's format is decided (README, "Data formats"):
  - by its extension: .csv, .tsv; .jsonl, .json; .conll, .txt, .iob, .bio (token per line);
  - any other name or none (CoNLL-2003's eng.testb) by its content: JSON when it starts with "{",
    token per line when its first lines (up to 5, -DOCSTART- and blank lines aside) each have at
    least two whitespace-separated columns and end in something shaped like a tag (O, B-X, I-X, ...)
    or in a CoNLL-2005 proposition cell ("(A0*", "*", "*)");
  - a token-per-line file whose first lines end in proposition cells (or any, for the srl family) is
    CoNLL-2005 semantic roles, one srl example per predicate (core/data/conll05.py);
  - a JSON file is JSON lines, unless it is one JSON document (on one line or pretty-printed) in
    SQuAD's layout (core/data/squad.py); JSON lines whose first record has SuperGLUE's fields are
    converted as core/data/superglue.py says.
Errors at the header or first record, where a wrong guess shows, say what the lab read the file as
and what one valid record looks like; later errors name the line and field.

Files are decoded and parsed as they are read, so `max_rows` (a preview in the web process) stops
after that many examples of an upload of up to 50 MB; errors in the part read are the same.
(A JSON document is parsed whole: its records are not lines.)
"""
from __future__ import annotations

import csv
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from core.data import conll05, lama, squad, superglue
from core.data.build import Located, make_task, split
from core.data.errors import DataError
from core.tasks import DEFAULT_FAMILY, all_families, get_family, infer_family
from core.tasks.base import CONLL, JSONL, TABLE, Task

FORMATS = {TABLE: (".csv", ".tsv"), JSONL: (".jsonl", ".json"), CONLL: (".conll", ".txt", ".iob", ".bio")}
FORMAT_NAMES = {TABLE: "CSV/TSV", JSONL: "JSON lines", CONLL: "CoNLL"}
SUFFIXES = tuple(suffix for suffixes in FORMATS.values() for suffix in suffixes)
SNIFF_LINES = 5
TAG_LIKE = re.compile(r"O|[A-Z]{1,2}-\S+")  # IOB2, IOB1 and the IOBES letters, so the reader can name a bad one
SPLITS = {"train": "train", "training": "train",  # a word of a file's name -> its split
          "dev": "dev", "dev32": "dev", "devel": "dev", "validation": "dev", "valid": "dev", "val": "dev",
          "testa": "dev", "test": "test", "testb": "test"}  # CoNLL-2003: eng.train, eng.testa, eng.testb


@dataclass
class Source:
    """A file's records as (where, row) pairs, and how the lab read it (for notes and messages)."""
    rows: Iterator[Located]
    kind: str  # TABLE | JSONL | CONLL
    form: str  # "JSON lines", "SQuAD JSON", "SuperGLUE WiC JSON lines", ...
    how: str  # why: "from the .jsonl extension", ...
    family: str | None = None  # the only family this form holds (SQuAD: qa; SuperGLUE: classification)
    superglue: str | None = None  # the SuperGLUE converter applied ("boolq", "nli", ...)
    shape: str = ""  # one valid record of this form, when the family's own shape is not it


@dataclass
class Read:
    """What one file held."""
    family: str
    items: list[Located]
    cut: bool  # the file has more examples than were read (max_rows)
    form: str
    superglue: str | None = None
    unlabelled: bool = False  # a test file without labels; its items are not read


def load_path(path: Path, family: str | None = None, max_rows: int | None = None) -> Task:
    """A folder with train and dev files (and optionally test), or one file split 80/20.

    max_rows: read at most that many examples of each file (a preview). When a file has more, the
    Task's `data_note` says so: its labels (and split) come from the part read."""
    if path.is_dir() and family in (None, "probing") and lama.lama_root(path):
        return lama.load_lama(path, max_facts=max_rows)
    if path.is_dir():
        return _load_folder(path, family, max_rows)
    read = _read(path, family, max_rows)
    prompts, prompts_note = _prompts([read])
    train, dev, note = split(path.name, read.family, read.items)
    note = "; ".join(part for part in (note, prompts_note or _form_note(read)) if part)
    task = make_task(path.stem, read.family, train, dev, description=note, **prompts)
    return _noted(task, [path.name] if read.cut else [], max_rows)


def _load_folder(folder: Path, family: str | None, max_rows: int | None) -> Task:
    files, ignored = _folder_files(folder)
    train = _read(files["train"], family, max_rows)
    dev = _read(files["dev"], train.family, max_rows)
    test = _read(files["test"], train.family, max_rows, unlabelled_ok=True) if "test" in files else None
    reads = [r for r in (train, dev, test) if r is not None and not r.unlabelled]
    for other, path in ((dev, files["dev"]), (test, files.get("test"))):
        if other is not None and other.superglue != train.superglue and not other.unlabelled:
            raise DataError(f"{path.name}: read as {other.form}, but {files['train'].name} as {train.form}; "
                            "the files of a folder must hold the same kind of records")
    prompts, prompts_note = _prompts(reads)
    if train.cut:  # a dev or test label may be in the training rows not read: keep the examples that fit
        label_keys = get_family(train.family).label_keys
        known = set(prompts.get("labels") or ()) or set().union(*(label_keys(e) for _, e in train.items))
        for other in (dev, test):
            if other is not None:
                other.items = [(where, e) for where, e in other.items if label_keys(e) <= known] or other.items
    name = folder.resolve().name
    parts = [f"{name}: {files['train'].name} ({len(train.items)} examples) for training, "
             f"{files['dev'].name} ({len(dev.items)}) for evaluation"
             + (f", {files['test'].name} ({len(test.items)}) as the test set" if test and not test.unlabelled else "")]
    if test is not None and test.unlabelled:
        parts.append(f"{files['test'].name} skipped: its records have no labels (a test file as published)")
    parts.append(prompts_note or _form_note(train))
    if ignored:
        parts.append(f"not a train, dev or test file, so not read: {', '.join(ignored)}")
    task = make_task(name, train.family, train.items, dev.items, test=test.items if test else [],
                     description="; ".join(part for part in parts if part), **prompts)
    cut = [files[s].name for s, r in (("train", train), ("dev", dev), ("test", test)) if r is not None and r.cut]
    return _noted(task, cut, max_rows)


def _form_note(read: Read) -> str:
    return f"read as {read.form}" if read.form not in FORMAT_NAMES.values() else ""


def _prompts(reads: list[Read]) -> tuple[dict, str]:
    """A recognised SuperGLUE task's labels, templates and P-tuning template (make_task's keywords)."""
    first = reads[0]
    if first.superglue is None:
        return {}, ""
    label_keys = get_family(first.family).label_keys
    name = superglue.pick(first.superglue, set().union(*(label_keys(e) for r in reads for _, e in r.items)))
    if name is None:
        return {}, ""
    spec = superglue.prompts(name)
    note = (f"recognised as SuperGLUE {superglue.NAMES[name]}: {len(spec['templates'])} hand-written templates "
            "(after PET) and a P-tuning template attached")
    unseen = sorted(set(spec["labels"]) - set().union(*(label_keys(e) for _, e in first.items)))
    if unseen:  # FewGLUE's WSC: its 32 training examples are all "true" (PET trains WSC as generation)
        note += f"; no training example has the label {', '.join(unseen)}"
    return {"labels": list(spec["labels"]), "templates": list(spec["templates"]),
            "ptuning_template": spec["ptuning_template"]}, note


def _noted(task: Task, cut_files: list[str], max_rows: int | None) -> Task:
    """Say on the Task (description and `data_note`) which files were read only in part."""
    task.data_note = ""
    if cut_files:
        task.data_note = (f"read the first {max_rows} examples of {' and '.join(cut_files)} (there are more): "
                          "the labels and the train/dev split come from them; training reads every row")
        task.description = f"{task.description}; {task.data_note}"
    return task


def split_of(name: str) -> str | None:
    """"train" | "dev" | "test" from the first word of a file name that names one (train-v1.1.json,
    dev32.jsonl, val.jsonl, eng.testb), else None."""
    return next((SPLITS[word] for word in re.split(r"[.\-_ ]+", name.lower()) if word in SPLITS), None)


def _folder_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """({"train": path, "dev": path, "test"?: path}, names of the other files)."""
    found, ignored = {}, []
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            kind = split_of(path.name)
            if kind:
                found.setdefault(kind, []).append(path)
            else:
                ignored.append(path.name)
    for kind, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise DataError(f"folder {folder.resolve().name}: several {kind} files ({names}); keep one")
    missing = [kind for kind in ("train", "dev") if kind not in found]
    if missing:
        names = ", ".join(sorted(p.name for p in folder.iterdir())) or "nothing"
        raise DataError(f"folder {folder.resolve().name}: no {' and no '.join(missing)} file; expected files named "
                        "like train.jsonl and dev.jsonl (dev may be dev32, validation or val) and optionally "
                        f"test.jsonl, as {', '.join(SUFFIXES)} or token-per-line files of any extension; "
                        f"found: {names}")
    return {kind: paths[0] for kind, paths in found.items()}, ignored


def read_file(path: Path, family: str | None = None) -> tuple[str, list[Located]]:
    """(family, checked examples with their locations) of one data file."""
    read = _read(path, family)
    return read.family, read.items


def _read(path: Path, family: str | None, max_rows: int | None = None, unlabelled_ok: bool = False) -> Read:
    """The first `max_rows` examples (all if None) of a file. unlabelled_ok: a file whose first record
    has no label is not read (Read.unlabelled), where otherwise the family's reader would refuse it."""
    if not path.is_file():
        raise DataError(f"{path}: file does not exist")
    kind, how = _kind_of(path)
    limit = float("inf") if max_rows is None else max_rows
    try:
        # newline="": the csv module splits rows itself (quoted cells may hold line breaks);
        # JSON lines and CoNLL split at "\n" only, as str.split("\n") did
        with path.open(encoding="utf-8-sig", newline="" if kind == TABLE else "\n") as file:
            lines = _from_first_content(path, file)
            if kind == TABLE:
                source = Source(_table_rows(path.name, lines, "\t" if path.suffix.lower() == ".tsv" else ","),
                                kind, FORMAT_NAMES[kind], how)
            elif kind == JSONL:
                source = _json_source(path.name, lines, family, how)
            elif family == "srl" or conll05.looks_like(_first_lines(path)):
                if family not in (None, "srl"):
                    raise DataError(f"{path.name}: read as {conll05.FORM} ({how}), which hold srl data, not {family}")
                source = Source(conll05.rows(path.name, lines), kind, conll05.FORM, how, "srl", shape=conll05.SHAPE)
            else:
                source = Source(_conll_rows(path.name, lines), kind, FORMAT_NAMES[kind], how)
            return _examples(path.name, source, family, limit, unlabelled_ok)
    except UnicodeDecodeError:
        _decode(path)  # reads the whole file to name the line and byte of the first bad one
        raise


def _kind_of(path: Path) -> tuple[str, str]:
    """(format, how it was decided): by the extension, else by the first lines."""
    suffix = path.suffix.lower()
    for kind, suffixes in FORMATS.items():
        if suffix in suffixes:
            return kind, f"from the {suffix} extension"
    sniffed = _sniff(path)
    if sniffed:
        return sniffed
    raise DataError(f"{path.name}: unknown file type '{suffix or '(none)'}'; expected {', '.join(SUFFIXES)}, "
                    "or a file of any name holding JSON lines or one token and its IOB tag a line "
                    "(its first lines look like neither)")


def _sniff(path: Path) -> tuple[str, str] | None:
    """JSONL if the first content starts with "{"; CONLL if the first lines look like "token ... TAG", or
    like CoNLL-2005's "word ... verb (A0*"."""
    lines = _first_lines(path)
    if lines and lines[0][0].startswith("{"):
        return JSONL, "from its content: it starts with '{'"
    if lines and all(len(parts) >= 2 and TAG_LIKE.fullmatch(parts[-1]) for parts in lines):
        return CONLL, "from its content: its first lines are a token and a tag"
    if conll05.looks_like(lines):
        return CONLL, "from its content: its first lines are a word and CoNLL-2005 proposition columns"
    return None


def _first_lines(path: Path) -> list[list[str]]:
    """The first SNIFF_LINES content lines (-DOCSTART- aside), split into columns; [] if not text."""
    lines = []
    try:
        with path.open(encoding="utf-8-sig", newline="\n") as file:
            for line in itertools.islice(file, 1000):
                parts = line.split()
                if parts and parts[0] != "-DOCSTART-":
                    lines.append(parts)
                if len(lines) == SNIFF_LINES:
                    break
    except (UnicodeDecodeError, OSError):
        return []  # not text
    return lines


def _examples(name: str, source: Source, family: str | None, limit: float, unlabelled_ok: bool) -> Read:
    """Each (where, raw row) checked into an example by its family's reader (the family comes from
    the first row's keys unless given). A DataError at the first record says how the file was read."""
    given = family or source.family
    rows = iter(source.rows)
    try:
        first = next(rows, None)
    except DataError as e:
        raise _explained(e, source, given, None) from None
    if first is None:
        raise DataError(f"{name}: no examples in it (read as {source.form}, {source.how})")
    where, row = first
    family = given or infer_family(row)
    holder = get_family(family)
    if source.kind not in holder.formats:
        holders = " or ".join(f.name for f in all_families() if source.kind in f.formats)
        raise DataError(f"{name}: {FORMAT_NAMES[source.kind]} files hold {holders} data; {family} data must be "
                        f"{' or '.join(FORMAT_NAMES[f] for f in holder.formats)}")
    if unlabelled_ok and not set(row) & set(holder.label_fields):
        return Read(family, [], False, source.form, source.superglue, unlabelled=True)
    try:
        read = holder.reader(list(row), name if source.kind == TABLE else where)
        items = [(where, read(row, where, "0"))]
    except DataError as e:
        raise _explained(e, source, family, None if given else list(row)) from None
    for where, row in rows:
        if len(items) >= limit:
            return Read(family, items, True, source.form, source.superglue)
        items.append((where, read(row, where, str(len(items)))))
    return Read(family, items, False, source.form, source.superglue)


def _explained(error: DataError, source: Source, family: str | None, keys: list[str] | None) -> DataError:
    """The error, then what the lab read the file as and the shape of a valid record.
    family: the family it was read as (None: not decided yet); keys: the header or first record's
    keys that family was guessed from (None: it was given, or not guessed)."""
    read_as = f"{source.form} ({source.how})"
    holders = sorted((f for f in all_families() if source.kind in f.record_shapes),
                     key=lambda f: f.name != DEFAULT_FAMILY)
    if source.shape:  # SQuAD, SuperGLUE: the format decides the family
        return DataError(f"{str(error).rstrip('.')}. Read as {read_as}; expected shape: {source.shape}")
    if family is None and len(holders) == 1:
        family, why = holders[0].name, f"{FORMAT_NAMES[source.kind]} files hold {holders[0].name} data"
    elif keys is None:
        why = "as asked"
    else:
        what = "header" if source.kind == TABLE else "first record's keys"
        claimed = any(f.matches(set(keys)) for f in all_families())
        why = (f"guessed from its {what}: {', '.join(keys) or 'none'}" if claimed
               else f"the default, as no family claims the {what} {', '.join(keys) or 'none'}")
        why += "; choose the family to override"
        if not claimed and len(holders) > 1:  # the user may have meant any of them: show each one's shape
            family = None
            read_as += f" of {DEFAULT_FAMILY} examples ({why})"
    if family is None:
        shape = "; ".join(f"{f.name}: {f.record_shapes[source.kind]}" for f in holders)
    else:
        read_as += f" of {family} examples ({why})"
        shape = get_family(family).record_shapes[source.kind]
    return DataError(f"{str(error).rstrip('.')}. Read as {read_as}; expected shape: {shape}")


def _json_source(name: str, lines: Iterator[str], family: str | None, how: str) -> Source:
    """JSON lines, or one JSON document in SQuAD's layout; SuperGLUE records are converted."""
    head = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    try:
        first = json.loads(head[-1])
    except json.JSONDecodeError as e:
        text = "".join(head) + "".join(lines)
        try:
            document = json.loads(text)  # pretty-printed JSON: one document over many lines
        except json.JSONDecodeError:
            shape = get_family(family or DEFAULT_FAMILY).record_shapes.get(JSONL, "")
            raise DataError(f"{name} line {len(head)}: not valid JSON: {e.msg} (character {e.colno}). Read as JSON "
                            f"({how}); expected one JSON object per line, such as {shape}, or one JSON document "
                            "in SQuAD's layout") from None
        return _document_source(name, document, family, how)
    if squad.is_squad(first):
        rest = next((n for n, line in enumerate(lines, start=len(head) + 1) if line.strip()), None)
        if rest is not None:
            raise DataError(f"{name} line {rest}: more after the SQuAD JSON document of line {len(head)}")
        return _document_source(name, first, family, how)
    rows = _jsonl_rows(name, itertools.chain(head, lines))
    task = superglue.recognise(first) if isinstance(first, dict) and family in (None, "classification") else None
    if task is None:
        return Source(rows, JSONL, FORMAT_NAMES[JSONL], how)
    return Source(superglue.rows(task, rows), JSONL, superglue.describe(task),
                  f"recognised by its first record's fields: {', '.join(sorted(first))}",
                  "classification", task, superglue.SHAPES[task])


def _document_source(name: str, document, family: str | None, how: str) -> Source:
    if not squad.is_squad(document):
        what = type(document).__name__.replace("dict", "object").replace("list", "array")
        raise DataError(f"{name}: one JSON {what}, not JSON lines nor SQuAD's JSON; expected one JSON object per "
                        f"line (e.g. {get_family(family or DEFAULT_FAMILY).record_shapes[JSONL]}), "
                        f"or SQuAD's layout ({squad.SHAPE})")
    if family not in (None, "qa"):
        raise DataError(f"{name}: SQuAD JSON holds qa data, not {family}")
    return Source(squad.squad_rows(name, document), JSONL, "SQuAD JSON",
                  "a JSON document with a 'data' list of articles", "qa", shape=squad.SHAPE)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # -sig: spreadsheet programs start CSVs with a byte-order mark
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise DataError(f"{path.name} line {line}: not UTF-8 text ({e.reason} at byte {e.start}); "
                        "save the file as UTF-8") from None


def _from_first_content(path: Path, file) -> Iterator[str]:
    """The file's lines (the blank ones before the first content kept, for line numbers); DataError if
    nothing but whitespace."""
    head = []
    for line in file:
        head.append(line)
        if line.strip():
            return itertools.chain(head, file)
    raise DataError(f"{path.name}: the file is empty")


def _table_rows(name: str, lines: Iterator[str], delimiter: str) -> Iterator[Located]:
    """(where, {column: cell}) per CSV/TSV row; TSV is read unquoted, as GLUE writes it."""
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting)
    header = [column.strip() for column in next(reader)]
    start = reader.line_num + 1
    for cells in reader:  # reader.line_num is the last line of the row just read (quoted cells may span lines)
        if any(cell.strip() for cell in cells):
            where = f"{name} line {start}"
            if len(cells) != len(header):
                raise DataError(f"{where}: {len(cells)} fields but the header has {len(header)} columns")
            yield where, dict(zip(header, cells))
        start = reader.line_num + 1


def _jsonl_rows(name: str, lines: Iterator[str]) -> Iterator[Located]:
    """(where, object) per line of JSON lines."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"{where}: not valid JSON: {e.msg} (character {e.colno})") from None
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected one JSON object per line (JSON lines), got a {type(row).__name__}")
        yield where, row


def _conll_rows(name: str, lines: Iterator[str]) -> Iterator[Located]:
    """One token a line, its tag in the last column; blank lines end sentences; -DOCSTART- skipped.
    -> (where, {"tokens", "tags", "token_where"}) per sentence (token_where: each token's own line)."""
    tokens, tags, where_of = [], [], []
    for number, line in enumerate(itertools.chain(lines, [""]), start=1):  # "": the last sentence ends
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            continue
        if not parts:
            if tokens:
                yield where_of[0], {"tokens": tokens, "tags": tags, "token_where": where_of}
            tokens, tags, where_of = [], [], []
            continue
        if len(parts) < 2:
            raise DataError(f"{name} line {number}: expected a token and its tag separated by a space or tab, "
                            f"got {line.strip()!r}")
        tokens.append(parts[0])
        tags.append(parts[-1])
        where_of.append(f"{name} line {number}")
