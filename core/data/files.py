"""User data files: CSV, TSV, JSON lines and CoNLL, one file or a folder with train and dev.

We parse with the stdlib (csv, json) line by line rather than with pandas or `datasets`, because
every error must name the line the user sees in an editor (the CSV header is line 1).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from core.data.build import Located, make_task, split
from core.data.errors import DataError
from core.data.examples import (classification_columns, classification_example, infer_family,
                                qa_example, tagging_example)
from core.data.iob import check_tag, to_iob2
from core.tasks.base import Task

TABLE, JSONL, CONLL = (".csv", ".tsv"), (".jsonl", ".json"), (".conll", ".txt")
SUFFIXES = TABLE + JSONL + CONLL


def load_path(path: Path, family: str | None = None) -> Task:
    """A folder with train.<ext> and dev.<ext> (or validation.<ext>), or one file split 80/20."""
    if path.is_dir():
        train_path, dev_path = _folder_files(path)
        family, train = read_file(train_path, family)
        _, dev = read_file(dev_path, family)
        name = path.resolve().name
        note = (f"{name}: {train_path.name} ({len(train)} examples) for training, "
                f"{dev_path.name} ({len(dev)}) for evaluation")
        return make_task(name, family, train, dev, description=note)
    family, items = read_file(path, family)
    train, dev, note = split(path.name, family, items)
    return make_task(path.stem, family, train, dev, description=note)


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
    if not path.is_file():
        raise DataError(f"{path}: file does not exist")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"{path.name}: unknown file type '{suffix or '(none)'}'; expected {', '.join(SUFFIXES)}")
    text = _decode(path)
    if not text.strip():
        raise DataError(f"{path.name}: the file is empty")
    if suffix in TABLE:
        return _read_table(path.name, text, "\t" if suffix == ".tsv" else ",", family)
    if suffix in JSONL:
        return _read_jsonl(path.name, text, family)
    return _read_conll(path.name, text, family)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # -sig: spreadsheet programs start CSVs with a byte-order mark
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise DataError(f"{path.name} line {line}: not UTF-8 text ({e.reason} at byte {e.start}); "
                        "save the file as UTF-8") from None


def _read_table(name: str, text: str, delimiter: str, family: str | None) -> tuple[str, list[Located]]:
    """Classification rows of a CSV/TSV; TSV is read unquoted, as GLUE writes it."""
    if family not in (None, "classification"):
        raise DataError(f"{name}: CSV/TSV files hold classification data; {family} data must be "
                        f"{'JSON lines or CoNLL' if family == 'tagging' else 'JSON lines'}")
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    header = [column.strip() for column in next(reader)]
    text_column, pair_column = classification_columns(header, name)
    items, start = [], reader.line_num + 1
    for cells in reader:  # reader.line_num is the last line of the row just read (quoted cells may span lines)
        if any(cell.strip() for cell in cells):
            where = f"{name} line {start}"
            if len(cells) != len(header):
                raise DataError(f"{where}: {len(cells)} fields but the header has {len(header)} columns")
            row = dict(zip(header, cells))
            items.append((where, classification_example(row, text_column, pair_column, where)))
        start = reader.line_num + 1
    return "classification", items


def _read_jsonl(name: str, text: str, family: str | None) -> tuple[str, list[Located]]:
    """One JSON object per line; the family comes from the first object's keys unless given."""
    items, columns = [], None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
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
    return family, items


def _example(family: str, row: dict, columns: tuple, where: str, default_id: str) -> dict:
    if family == "classification":
        return classification_example(row, *columns, where)
    if family == "tagging":
        return tagging_example(row, where)
    return qa_example(row, where, default_id)


def _read_conll(name: str, text: str, family: str | None) -> tuple[str, list[Located]]:
    """One token a line, its tag in the last column; blank lines end sentences; IOB1 becomes IOB2."""
    if family not in (None, "tagging"):
        raise DataError(f"{name}: CoNLL files hold tagging data, not {family}")
    items, tokens, tags, first = [], [], [], 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            continue
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
    return "tagging", items
