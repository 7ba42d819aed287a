"""Prompt Lab web UI: `python app.py` opens it on http://127.0.0.1:7860 with the offline backbones.

Environment: GRADIO_SERVER_NAME / GRADIO_SERVER_PORT (host, port), PROMPT_LAB_RUNS (runs folder,
default ./runs), PROMPT_LAB_MAX_CONCURRENT, PROMPT_LAB_SHARED, PROMPT_LAB_CLASSROOM_BACKBONE,
PROMPT_LAB_TEST_BACKBONES, PROMPT_LAB_ALLOW_LOCAL_PATHS, PROMPT_LAB_MAX_UPLOAD_MB and PROMPT_LAB_FORM
(see app/lab.py). The same file is the Space's app_file on Hugging Face.
"""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing reaches the network at start-up

from app import lab  # noqa: E402
from app.interface import CSS, THEME, build_demo  # noqa: E402


def main() -> None:
    the_lab = lab.configure()
    the_lab.jobs.start_background()  # starts queued runs, marks runs whose worker died as interrupted
    demo = build_demo()
    demo.queue(default_concurrency_limit=4)
    demo.launch(theme=THEME, css=CSS, **the_lab.launch_options())  # nothing of the runs folder is served


if __name__ == "__main__":
    main()
