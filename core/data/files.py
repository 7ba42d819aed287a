"""User data files: CSV, TSV, JSON lines and CoNLL, one file or a folder with train and dev.

We parse with the stdlib (csv, json) line by line rather than with pandas or `datasets`, because
every error must name the line the user sees in an editor (the CSV header is line 1).

Files are decoded and parsed as they are read, so `max_rows` (a preview in the web process) stops
after that many examples of an upload of up to 50 MB; errors in the part read are the same.
"""
from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import Iterator

from core.data.build import Located, label_keys, make_task, split
from core.data.errors import DataError
from core.data.examples import (classification_columns, classification_example, infer_family,
                                qa_example, tagging_example)
from core.data.iob import check_tag, to_iob2
from core.tasks.base import Task

TABLE, JSONL, CONLL = (".csv", ".tsv"), (".jsonl", ".json"), (".conll", ".txt")
SUFFIXES = TABLE + JSONL + CONLL


def load_path(path: Path, family: str | None = None, max_rows: int | None = None) -> Task:
    """A folder with train.<ext> and dev.<ext> (or validation.<ext>), or one file split 80/20.

    max_rows: read at most that many examples of each file (a preview). When a file has more, the
    Task's `data_note` says so: its labels (and split) come from the part read."""
    if path.is_dir():
        train_path, dev_path = _folder_files(path)
        family, train, cut = _read(train_path, family, max_rows)
        _, dev, dev_cut = _read(dev_path, family, max_rows)
        if cut:  # a dev label may be in the training rows not read: keep the dev examples that fit
            known = set().union(*(label_keys(family, e) for _, e in train))
            dev = [(where, e) for where, e in dev if label_keys(family, e) <= known] or dev
        name = path.resolve().name
        note = (f"{name}: {train_path.name} ({len(train)} examples) for training, "
                f"{dev_path.name} ({len(dev)}) for evaluation")
        cut_files = [p.name for p, was_cut in ((train_path, cut), (dev_path, dev_cut)) if was_cut]
        return _noted(make_task(name, family, train, dev, description=note), cut_files, max_rows)
    family, items, cut = _read(path, family, max_rows)
    train, dev, note = split(path.name, family, items)
    return _noted(make_task(path.stem, family, train, dev, description=note), [path.name] if cut else [], max_rows)


def _noted(task: Task, cut_files: list[str], max_rows: int | None) -> Task:
    """Say on the Task (description and `data_note`) which files were read only in part."""
    task.data_note = ""
    if cut_files:
        task.data_note = (f"read the first {max_rows} examples of {' and '.join(cut_files)} (there are more): "
                          "the labels and the train/dev split come from them; training reads every row")
        task.description = f"{task.description}; {task.data_note}"
    return task


def _folder_files(folder: Path) -> tuple[Path, Path]:
    def find(*stems):
        return next((folder / f"{stem}{ext}" for stem in stems for ext in SUFFIXES
                     if (folder / f"{stem}{ext}").is_file()), None)
    train, dev = find("train"), find("dev", "validation")
    if train is None or dev is None:
        found = ", ".join(sorted(p.name for p in folder.iterdir())) or "nothing"
        raise DataError(f"folder {folder.resolve().name}: expected train{'/'.join(SUFFIXES)} and dev (or validation) "
                        f"with one of those extensions; found: {found}")
    return train, dev


def read_file(path: Path, family: str | None = None) -> tuple[str, list[Located]]:
    """(family, checked examples with their locations) of one data file."""
    family, items, _ = _read(path, family)
    return family, items


def _read(path: Path, family: str | None, max_rows: int | None = None) -> tuple[str, list[Located], bool]:
    """(family, the first `max_rows` examples (all if None), whether the file has more)."""
    if not path.is_file():
        raise DataError(f"{path}: file does not exist")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"{path.name}: unknown file type '{suffix or '(none)'}'; expected {', '.join(SUFFIXES)}")
    limit = float("inf") if max_rows is None else max_rows
    try:
        # newline="": the csv module splits rows itself (quoted cells may hold line breaks);
        # JSON lines and CoNLL split at "\n" only, as str.split("\n") did
        with path.open(encoding="utf-8-sig", newline="" if suffix in TABLE else "\n") as file:
            lines = _from_first_content(path, file)
            if suffix in TABLE:
                return _read_table(path.name, lines, "\t" if suffix == ".tsv" else ",", family, limit)
            if suffix in JSONL:
                return _read_jsonl(path.name, lines, family, limit)
            return _read_conll(path.name, lines, family, limit)
    except UnicodeDecodeError:
        _decode(path)  # reads the whole file to name the line and byte of the first bad one
        raise


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


def _read_table(name: str, lines: Iterator[str], delimiter: str, family: str | None,
                limit: float) -> tuple[str, list[Located], bool]:
    """Classification rows of a CSV/TSV; TSV is read unquoted, as GLUE writes it."""
    if family not in (None, "classification"):
        raise DataError(f"{name}: CSV/TSV files hold classification data; {family} data must be "
                        f"{'JSON lines or CoNLL' if family == 'tagging' else 'JSON lines'}")
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting)
    header = [column.strip() for column in next(reader)]
    text_column, pair_column = classification_columns(header, name)
    items, start = [], reader.line_num + 1
    for cells in reader:  # reader.line_num is the last line of the row just read (quoted cells may span lines)
        if any(cell.strip() for cell in cells):
            if len(items) >= limit:
                return "classification", items, True
            where = f"{name} line {start}"
            if len(cells) != len(header):
                raise DataError(f"{where}: {len(cells)} fields but the header has {len(header)} columns")
            row = dict(zip(header, cells))
            items.append((where, classification_example(row, text_column, pair_column, where)))
        start = reader.line_num + 1
    return "classification", items, False


def _read_jsonl(name: str, lines: Iterator[str], family: str | None,
                limit: float) -> tuple[str, list[Located], bool]:
    """One JSON object per line; the family comes from the first object's keys unless given."""
    items, columns = [], None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(items) >= limit:
            return family, items, True
        where = f"{name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"{where}: not valid JSON: {e.msg} (character {e.colno})") from None
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected one JSON object per line (JSON lines), got a {type(row).__name__}")
        if columns is None:
            family = family or infer_family(row)
            columns = classification_columns(list(row), name) if family == "classification" else ()
        items.append((where, _example(family, row, columns, where, str(len(items)))))
    return family, items, False


def _example(family: str, row: dict, columns: tuple, where: str, default_id: str) -> dict:
    if family == "classification":
        return classification_example(row, *columns, where)
    if family == "tagging":
        return tagging_example(row, where)
    return qa_example(row, where, default_id)


def _read_conll(name: str, lines: Iterator[str], family: str | None,
                limit: float) -> tuple[str, list[Located], bool]:
    """One token a line, its tag in the last column; blank lines end sentences; IOB1 becomes IOB2."""
    if family not in (None, "tagging"):
        raise DataError(f"{name}: CoNLL files hold tagging data, not {family}")
    items, tokens, tags, first = [], [], [], 0
    for number, line in enumerate(itertools.chain(lines, [""]), start=1):  # "": the last sentence ends
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            continue
        if parts and not tokens and len(items) >= limit:
            return "tagging", items, True
        if not parts:
            if tokens:
                items.append((f"{name} line {first}", {"tokens": tokens, "tags": to_iob2(tags)}))
            tokens, tags = [], []
            continue
        if len(parts) < 2:
            raise DataError(f"{name} line {number}: expected a token and its tag separated by a space or tab, "
                            f"got {line.strip()!r}")
        check_tag(parts[-1], f"{name} line {number}")
        first = first if tokens else number
        tokens.append(parts[0])
        tags.append(parts[-1])
    return "tagging", items, False
