"""Bad input -> a message in the UI. Every handler that reads user input catches INPUT_ERRORS and
shows the message (a warning toast and/or a visible box) without clearing the form or other state."""
from __future__ import annotations

import html

from core.api import USER_ERRORS

# core's own errors, plus what file reading, a vanished run folder or a bad number can raise
INPUT_ERRORS = (*USER_ERRORS, ValueError, OSError, KeyError, UnicodeError)


def message_of(error: BaseException) -> str:
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])  # str(KeyError) wraps its message in quotes
    return str(error) or type(error).__name__


def error_box(text: str) -> str:
    return f'<div class="lab-note lab-error">{html.escape(text)}</div>' if text else ""


def info_box(text: str) -> str:
    """Markdown inside a styled box (run ids in `code`)."""
    return f'<div class="lab-note lab-info">\n\n{text}\n\n</div>' if text else ""
