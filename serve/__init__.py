"""newsqa as a service: a REST API, an OpenAI-compatible chat endpoint, and Ray Serve deployments.

Modules: ``schemas`` (pydantic models derived from ``qa.types``), ``backend`` (what the app asks of
an engine), ``api`` (the FastAPI app), ``openai_compat`` (``/v1/chat/completions``), ``metrics``
(Prometheus), ``server`` (uvicorn, the chat mounted at ``/``), ``ray_serve`` (replicas and shards);
the ``newsqa serve`` command is ``newsqa/cli/serve.py``. Importing this package loads nothing.
"""
