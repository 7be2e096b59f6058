# The image the compose file runs: the official Airflow 3.3.2 image (entrypoint, airflow user, dumb-init) with
# this project and its locked dependencies in a virtual environment built from uv.lock (`uv sync --frozen`: the
# versions CI tests, never a fresh resolution), plus the Debian packages the parsers call.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie poppler-utils fonts-dejavu-core antiword hunspell-vi \
 && rm -rf /var/lib/apt/lists/*
RUN install -d -o airflow -g root -m 0775 /opt/directives

USER airflow
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /opt/directives
ENV UV_PROJECT_ENVIRONMENT=/opt/directives/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1
# Dependencies first (a layer that changes only with the lock), then the project itself.
COPY --chown=airflow:root pyproject.toml uv.lock README.md ./
RUN python -m uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.11
COPY --chown=airflow:root . /opt/directives
RUN python -m uv sync --frozen --no-dev --python /usr/local/bin/python3.11

# The project's venv comes first, so the entrypoint's `airflow` and `python` are the locked ones. The source
# tree is the installed project (editable), so config/ (registry, simulator), the seeds and the GX context
# ship with it; compose also mounts dags/ and config/ over it to edit them without a rebuild.
ENV PATH=/opt/directives/.venv/bin:${PATH} \
    VIRTUAL_ENV=/opt/directives/.venv \
    PYTHONPATH=/opt/directives \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/directives/dags \
    DIRECTIVES_REGISTRY=/opt/directives/config/portals.yaml
