"""DataError: the one exception the data layer raises for bad input (defined with the task
families, which check the rows, and re-exported here for the format readers)."""
from core.tasks.base import DataError

__all__ = ["DataError"]
