"""What a handler returns to change a component without Gradio imported: Gradio's own update values.

An event handler of a Gradio app may return, for an output, a new value or an *update*: a dict
``{"__type__": "update", prop: value, ...}`` (what ``gr.update(visible=False)`` builds) or
``{"__type__": "update"}`` alone (``gr.skip()``: leave the output as it is). These two build the same
dicts, so ``ui.handlers`` (and its tests) need no Gradio, whose import costs seconds;
``tests/ui/test_handlers.py`` checks them against Gradio's in its slow layer.

    >>> update(visible=False)
    {'__type__': 'update', 'visible': False}
    >>> skip()
    {'__type__': 'update'}
"""

from __future__ import annotations

from typing import Any


def update(**props: Any) -> dict[str, Any]:
    """``gr.update(**props)``: set these properties (``value``, ``visible``, ``choices``, ...) of an output."""
    return {"__type__": "update", **props}


def skip() -> dict[str, Any]:
    """``gr.skip()``: leave this output unchanged."""
    return {"__type__": "update"}
