"""The security suite drives the real app as a stranger would: gradio_client, raw HTTP and the CLI."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))  # labtools, shared with the app tests
