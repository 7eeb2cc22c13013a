"""How a finished review ends: Wagtail publishes at once, unless approved into the queue."""

from contextlib import contextmanager
from contextvars import ContextVar

from wagtail.workflows import publish_workflow_state

# Set while an editor's "approve into the release queue" action runs. Wagtail's finish action
# has no say in which button was pressed, so the task tells it this way.
_into_queue = ContextVar("approving_into_queue", default=False)


@contextmanager
def approving_into_queue():
    token = _into_queue.set(True)
    try:
        yield
    finally:
        _into_queue.reset(token)


def desk_workflow_finish(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish now, or leave the story to its queue slot."""
    if _into_queue.get():
        return
    publish_workflow_state(workflow_state, user=user)
