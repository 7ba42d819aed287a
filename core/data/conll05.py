"""CoNLL-2005 semantic-role column files, read into one row per proposition for the srl family:

    The    DT   -     (A0*    (A0*
    cat    NN   -     *)      *)
    ate    VBD  eat   (V*)    *
    and    CC   -     *       *
    slept  VBD  sleep *       (V*)
    .      .    -     *       *

The word first, then any other columns (POS, syntax, named entities: ignored), the target-verb
column ("-" or the predicate's lemma), then one proposition column per predicate in bracket
notation: "(A0*" opens an argument, "*)" closes it, "(V*)" is a one-word span, "*" anything else
(CoNLL-2004's "*A0)" closes too). Blank lines end sentences. Proposition columns are found from the
right (every cell holds "*"; the target-verb column never does), so the columns in between may be any.
A sentence with k predicates yields k rows, tags converted to BIO:
 -> ("train.props line 1, proposition 2",
     {"tokens", "tags": ["B-A0", "I-A0", "O", "O", "B-V", "O"], "verb_index": 4, "token_where"})
Errors name the line (and the column, counted from 1) of the cell at fault.
"""
from __future__ import annotations

import itertools
import re
from typing import Iterator

from core.data.errors import DataError

FORM = "CoNLL-2005 propositions"
SHAPE = ("CoNLL-2005 columns: the word first, other columns optional, then the target verb ('-' or its lemma) "
         "and one bracketed proposition column per predicate, e.g. 'The - (A0*', 'cat - *)', 'ate eat (V*)', "
         "'fish - (A1*)'; a blank line between sentences")
CELL = re.compile(r"(?:\((?P<open>[^()*\s]+))?\*(?P<close>[^()*\s]*\))?")  # (A0*  *  *)  (V*)  *A0)


def looks_like(lines: list[list[str]]) -> bool:
    """True when the first content lines (split into columns) have two columns or more and some end in a
    proposition cell (no tag holds "*"; one cell with a typo still reads as CoNLL-2005, to name it)."""
    return all(len(parts) >= 2 for parts in lines) and any(CELL.fullmatch(parts[-1]) for parts in lines)


def rows(name: str, lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    """(where, row) per proposition of each sentence, in file order."""
    block = []  # (line number, columns) of the sentence being read
    for number, line in enumerate(itertools.chain(lines, [""]), start=1):  # "": the last sentence ends
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            continue
        if parts:
            block.append((number, parts))
        elif block:
            yield from _propositions(name, block)
            block = []


def _propositions(name: str, block: list[tuple[int, list[str]]]) -> Iterator[tuple[str, dict]]:
    first, width = block[0][0], len(block[0][1])
    for number, parts in block:
        if len(parts) != width:
            raise DataError(f"{name} line {number}: {len(parts)} columns, but line {first} (the sentence's first) "
                            f"has {width}; every line of a sentence needs the same columns")
    if width < 2:
        raise DataError(f"{name} line {first}: expected a word, the target-verb column ('-' or the verb) and one "
                        f"proposition column per predicate, got {' '.join(block[0][1])!r}")
    n_props = 0
    while n_props < width - 1 and all("*" in parts[width - 1 - n_props] for _, parts in block):
        n_props += 1
    verb_column = width - 1 - n_props  # 0: no target-verb column (the word, then propositions)
    cells = [parts[verb_column] for _, parts in block]
    starred = [i for i, cell in enumerate(cells) if "*" in cell]
    if verb_column and starred:  # a proposition column with a cell that is not bracket notation
        number, parts = block[next(i for i, cell in enumerate(cells) if "*" not in cell)]
        raise DataError(f"{name} line {number}, column {verb_column + 1}: {parts[verb_column]!r} is not a "
                        "proposition cell; expected *, (A0*, *) or (V*)")
    targets = sum(cell != "-" for cell in cells) if verb_column else n_props
    if targets != n_props:
        raise DataError(f"{name} line {first}: the target-verb column (column {verb_column + 1}) names {targets} "
                        f"predicate(s) but the sentence has {n_props} proposition column(s); each predicate "
                        "needs one column of brackets such as (A0* * *) (V*)")
    tokens = [parts[0] for _, parts in block]
    token_where = [f"{name} line {number}" for number, _ in block]
    for k, column in enumerate(range(verb_column + 1, width), start=1):
        tags = bio(name, [(number, parts[column]) for number, parts in block], column)
        verbs = [i for i, tag in enumerate(tags) if tag == "B-V"]
        if not verbs:
            raise DataError(f"{name} line {first}, column {column + 1}: proposition {k} has no (V*); each "
                            "proposition column marks its predicate with (V*)")
        if len(verbs) > 1:
            raise DataError(f"{name} line {block[verbs[1]][0]}, column {column + 1}: a second (V*) in proposition "
                            f"{k} (the first is on line {block[verbs[0]][0]})")
        if verb_column and cells[verbs[0]] == "-":
            raise DataError(f"{name} line {block[verbs[0]][0]}: (V*) in column {column + 1}, but the target-verb "
                            f"column (column {verb_column + 1}) holds '-' on this line")
        yield (f"{name} line {first}, proposition {k}",
               {"tokens": tokens, "tags": tags, "verb_index": verbs[0], "token_where": token_where})


def bio(name: str, cells: list[tuple[int, str]], column: int) -> list[str]:
    """One proposition column's (line number, cell) pairs -> BIO tags; DataError at the cell at fault."""
    tags, open_kind, opened_at = [], None, None
    for number, cell in cells:
        at = f"{name} line {number}, column {column + 1}"
        match = CELL.fullmatch(cell)
        if not match:
            raise DataError(f"{at}: {cell!r} is not a proposition cell; expected *, (A0*, *) or (V*)")
        kind, close = match["open"], match["close"]
        if kind and open_kind:
            raise DataError(f"{at}: {cell!r} opens {kind} while {open_kind} (opened on line {opened_at}) is "
                            "still open; close it first with *)")
        if kind:
            open_kind, opened_at = kind, number
            tags.append(f"B-{kind}")
        else:
            tags.append(f"I-{open_kind}" if open_kind else "O")
        if close is not None:
            if not open_kind:
                raise DataError(f"{at}: {cell!r} closes an argument, but none is open")
            if close[:-1] and close[:-1] != open_kind:
                raise DataError(f"{at}: {cell!r} closes {close[:-1]}, but the open argument is {open_kind}")
            open_kind = None
    if open_kind:
        raise DataError(f"{name} line {opened_at}, column {column + 1}: argument {open_kind} opened here is never "
                        f"closed (the sentence ends on line {cells[-1][0]}); close it with *)")
    return tags
