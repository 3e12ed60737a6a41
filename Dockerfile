# The official Airflow image with tieup installed. Pinned: Airflow and Python
# versions change together with the DAGs and the library, never by surprise.
FROM apache/airflow:3.3.2-python3.11

USER airflow
WORKDIR /opt/tieup

# The library (its SQL ships inside pipeline/sql, which sql/ links to).
COPY --chown=airflow:0 pyproject.toml README.md ./
COPY --chown=airflow:0 pipeline/ ./pipeline/
# Pinning apache-airflow to the image's own version keeps pip from moving it.
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" . \
 && rm -rf build ./*.egg-info

COPY --chown=airflow:0 dags/ /opt/airflow/dags/

WORKDIR /opt/airflow
