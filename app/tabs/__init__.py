"""One module per tab; each `build()` returns dict[str, Component] and keeps its handlers testable."""
