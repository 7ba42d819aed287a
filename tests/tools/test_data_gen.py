"""tools/data_gen regenerates every shipped preset dataset byte for byte, and presets/ holds only
data (the generator is a build tool, not a preset)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "presets" / "data"


def test_generator_reproduces_shipped_files(tmp_path):
    subprocess.run([sys.executable, "-m", "tools.data_gen", "--out", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    shipped = sorted(p.relative_to(DATA) for p in DATA.rglob("*.jsonl"))
    assert shipped and sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.jsonl")) == shipped
    for path in shipped:
        assert (tmp_path / path).read_bytes() == (DATA / path).read_bytes(), \
            f"presets/data/{path} differs from the generator output"


def test_presets_hold_no_code():
    code = [p.relative_to(ROOT) for p in (ROOT / "presets").rglob("*.py")]
    assert not code, f"presets/ is data only; move {code} under tools/"
