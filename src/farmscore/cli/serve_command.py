"""`farmscore serve`: the HTTP scoring service (`farmscore.serve`), under uvicorn."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from farmscore.cli.common import ModelOption, PolicyChoice, PolicyOption, ThresholdOption, fail
from farmscore.serve.settings import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_DOCUMENTS,
    DEFAULT_TIMEOUT_SECONDS,
    SETTINGS_VARIABLE,
    ServeSettings,
)

SERVE_EXTRA_HINT = "install the serve extra: pip install 'farmscore[serve]'"


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    model: ModelOption = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes, each with the model.")
    ] = 1,
    threshold: ThresholdOption = None,
    policy: PolicyOption = PolicyChoice.farm,
    max_body_bytes: Annotated[
        int, typer.Option("--max-body-bytes", min=1, help="Largest request body (413 above).")
    ] = DEFAULT_MAX_BODY_BYTES,
    max_documents: Annotated[
        int, typer.Option("--max-documents", min=1, help="Most documents per request (413).")
    ] = DEFAULT_MAX_DOCUMENTS,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=0.001, help="Seconds a request may wait and score (503)."),
    ] = DEFAULT_TIMEOUT_SECONDS,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning.")] = "info",
) -> None:
    """Serve POST /v1/score, /healthz, /readyz, /metrics and /docs over HTTP.

    Logs are JSON lines on standard error, one per request. Set FARMSCORE_RELOAD_TOKEN to
    allow POST /v1/admin/reload, which loads the model folder again, verified, without
    downtime.
    """
    try:
        import uvicorn

        import farmscore.serve.app  # noqa: F401  (fails here, not in a worker, without the extra)
    except ImportError as error:
        fail(f"farmscore serve needs FastAPI and uvicorn ({error}); {SERVE_EXTRA_HINT}")
    from farmscore.model.card import ModelVerificationError
    from farmscore.model.folder import default_model_dir
    from farmscore.serve.logs import log_config
    from farmscore.serve.model_slot import publish_generation

    try:
        model_folder = (model or default_model_dir()).resolve()
    except ModelVerificationError as error:
        fail(str(error))
    state = Path(tempfile.mkdtemp(prefix="farmscore-serve-"))
    settings = ServeSettings(
        model_folder=str(model_folder),
        state_folder=str(state),
        threshold=threshold,
        policy=policy.value,
        max_body_bytes=max_body_bytes,
        max_documents=max_documents,
        timeout_seconds=timeout,
    )
    # The state folder goes whatever ends the server, a failed start-up included.
    try:
        # A model that fails verification stops the server here, with the reason, before
        # any worker starts; one that passes is generation 0, which every worker loads.
        try:
            publish_generation(settings)
        except ModelVerificationError as error:
            fail(str(error))
        # Workers are started by uvicorn and inherit the environment.
        os.environ[SETTINGS_VARIABLE] = settings.to_environment()
        uvicorn.run(
            "farmscore.serve.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=log_config(log_level),
            access_log=False,
            server_header=False,
        )
    finally:
        shutil.rmtree(state, ignore_errors=True)
