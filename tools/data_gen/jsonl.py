"""Write rows as JSON Lines, one object per line, in a stable byte format."""

import json
from pathlib import Path


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """Write ``rows`` to ``path`` (parents created) with a trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
