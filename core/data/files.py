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

from core.data.build import Located, make_task, split
from core.data.errors import DataError
from core.tasks import all_families, get_family, infer_family
from core.tasks.base import CONLL, JSONL, TABLE, Task

FORMATS = {TABLE: (".csv", ".tsv"), JSONL: (".jsonl", ".json"), CONLL: (".conll", ".txt")}
FORMAT_NAMES = {TABLE: "CSV/TSV", JSONL: "JSON lines", CONLL: "CoNLL"}
SUFFIXES = tuple(suffix for suffixes in FORMATS.values() for suffix in suffixes)


def load_path(path: Path, family: str | None = None, max_rows: int | None = None) -> Task:
    """A folder with train.<ext> and dev.<ext> (or validation.<ext>), or one file split 80/20.

    max_rows: read at most that many examples of each file (a preview). When a file has more, the
    Task's `data_note` says so: its labels (and split) come from the part read."""
    if path.is_dir():
        train_path, dev_path = _folder_files(path)
        family, train, cut = _read(train_path, family, max_rows)
        _, dev, dev_cut = _read(dev_path, family, max_rows)
        if cut:  # a dev label may be in the training rows not read: keep the dev examples that fit
            label_keys = get_family(family).label_keys
            known = set().union(*(label_keys(e) for _, e in train))
            dev = [(where, e) for where, e in dev if label_keys(e) <= known] or dev
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
    kind = next(k for k, suffixes in FORMATS.items() if suffix in suffixes)
    try:
        # newline="": the csv module splits rows itself (quoted cells may hold line breaks);
        # JSON lines and CoNLL split at "\n" only, as str.split("\n") did
        with path.open(encoding="utf-8-sig", newline="" if kind == TABLE else "\n") as file:
            lines = _from_first_content(path, file)
            if kind == TABLE:
                rows = _table_rows(path.name, lines, "\t" if suffix == ".tsv" else ",")
            elif kind == JSONL:
                rows = _jsonl_rows(path.name, lines)
            else:
                rows = _conll_rows(path.name, lines)
            return _examples(path.name, kind, rows, family, limit)
    except UnicodeDecodeError:
        _decode(path)  # reads the whole file to name the line and byte of the first bad one
        raise


def _examples(name: str, kind: str, rows: Iterator[tuple[str, dict]], family: str | None,
              limit: float) -> tuple[str, list[Located], bool]:
    """Each (where, raw row) checked into an example by its family's reader (the family comes from
    the first row's keys unless given). -> (family, the first `limit` examples, whether there are more)."""
    items, read = [], None
    for where, row in rows:
        if len(items) >= limit:
            return family, items, True
        if read is None:
            family = family or infer_family(row)
            holder = get_family(family)
            if kind not in holder.formats:
                holders = " or ".join(f.name for f in all_families() if kind in f.formats)
                raise DataError(f"{name}: {FORMAT_NAMES[kind]} files hold {holders} data; {family} data must be "
                                f"{' or '.join(FORMAT_NAMES[f] for f in holder.formats)}")
            read = holder.reader(list(row), name)
        items.append((where, read(row, where, str(len(items)))))
    return family or infer_family(()), items, False


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


def _table_rows(name: str, lines: Iterator[str], delimiter: str) -> Iterator[tuple[str, dict]]:
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


def _jsonl_rows(name: str, lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
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


def _conll_rows(name: str, lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
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
