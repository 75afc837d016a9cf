# farmscore serve in a container: slim Python, a non-root user, the default model inside.
#   docker build -t farmscore .
#   docker run --rm -p 8000:8000 -e FARMSCORE_RELOAD_TOKEN=change-me farmscore
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Installed with the project's pins (requirements.lock) as constraints: the versions CI tested.
COPY requirements.lock pyproject.toml README.md ./
COPY src ./src
COPY models ./models
RUN pip install -c requirements.lock '.[serve]' && rm -rf /app/src

RUN useradd --create-home --uid 10001 farmscore
USER farmscore

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# One worker per core is a good start; each holds the model (about 100 MB).
CMD ["farmscore", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
