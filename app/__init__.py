"""Prompt Lab's web UI (Gradio): tabs in app/tabs/, composed by app/interface.py, started by app.py.
UI only: it talks to core through core.api and never trains in its own process."""
