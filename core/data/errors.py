"""DataError: the one exception this layer raises for bad input.

A ValueError so callers that validate user input can catch both; the message is meant to be
shown to the user as is: it names the file, the line (1-based, as an editor shows it), the
column, and what was expected.
"""


class DataError(ValueError):
    """Input data that cannot be used; the message says where and what was expected."""
