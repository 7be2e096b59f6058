# The Airflow image the compose file runs: official Airflow 3 plus this project and its system packages.
FROM apache/airflow:3.3.2-python3.11
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie poppler-utils fonts-dejavu-core antiword \
 && rm -rf /var/lib/apt/lists/*
USER airflow
COPY --chown=airflow:root . /opt/directives
RUN pip install --no-cache-dir /opt/directives
