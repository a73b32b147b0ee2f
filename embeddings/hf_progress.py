"""Hide transformers' "Loading weights" progress bar during one model load, in the loading thread only.

transformers has no per-call way to do it: ``from_pretrained`` (and ``SentenceTransformer``) take no
progress argument, and ``transformers.utils.logging.disable_progress_bar`` flips a module global that
every thread reads (and ``huggingface_hub``'s too), so switching it off around a load hid, meanwhile,
the bars of other threads (an index build encoding beside a Gradio worker loading a model), and two
loads at once could leave it off for good. What the library does offer (transformers >= 5) is one
hook that sees every bar it creates, ``logging.set_tqdm_hook``. So a hook is installed once, chained
to any hook set before it; it disables a bar only when the context creating it asked for that
(``with quiet_loading():``, a ``ContextVar``, so per thread and per task); every other bar is made as
before, and nothing is switched back afterwards.

Limits: a hook set later by other code without chaining replaces this one (the bar then shows again:
cosmetic); with a transformers older than 5 (no ``set_tqdm_hook``) the bar shows.

    >>> with quiet_loading():
    ...     pass
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator

_QUIET = contextvars.ContextVar("newsqa_quiet_hf_progress", default=False)
_LOCK = threading.Lock()
_installed = False


def _chained(previous: list):
    """The hook: ``disable=True`` for a bar made inside ``quiet_loading``, then the hook it replaced
    (``previous[0]``, once known) or the factory."""
    def hook(factory, args, kwargs):
        if _QUIET.get():
            kwargs = {**kwargs, "disable": True}
        if previous and previous[0] is not None:
            return previous[0](factory, args, kwargs)
        return factory(*args, **kwargs)
    return hook


def install() -> bool:
    """Install the hook once per process; False when this transformers has no ``set_tqdm_hook``."""
    global _installed
    # transformers is imported here, not at module level: it is heavy and only a model load needs it.
    from transformers.utils import logging as hf_logging

    set_hook = getattr(hf_logging, "set_tqdm_hook", None)
    if set_hook is None:
        return False
    with _LOCK:
        if not _installed:
            previous: list = []
            previous.append(set_hook(_chained(previous)))
            _installed = True
    return True


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Inside: transformers' progress bars made by this thread (or task) are disabled; others are not."""
    install()
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)
