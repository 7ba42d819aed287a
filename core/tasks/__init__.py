"""Task families by name; `family_of(task)` is how the rest of core reaches them."""
from core.tasks.base import FAMILIES, Task, collate  # noqa: F401
from core.tasks.classification import Classification


def _families() -> dict:
    from core.tasks.qa import QuestionAnswering
    from core.tasks.tagging import Tagging
    return {"classification": Classification(), "tagging": Tagging(), "qa": QuestionAnswering()}


_REGISTRY: dict = {}


def family_of(task: Task):
    if not _REGISTRY:
        _REGISTRY.update(_families())
    return _REGISTRY[task.family]
