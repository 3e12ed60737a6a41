"""The test cluster survives losing its API port to another process before the server binds it."""

from __future__ import annotations

import socket

import pytest

from .. import celery_cluster
from ..celery_cluster import CeleryCluster

pytestmark = [pytest.mark.distributed, pytest.mark.airflow, pytest.mark.timeout(600)]


def test_a_port_taken_before_the_api_server_binds_it_is_picked_again(
        database_url, empty_database_url, tmp_path, monkeypatch):
    taken = socket.socket()
    taken.bind(("0.0.0.0", 0))
    taken.listen()
    held = taken.getsockname()[1]
    picks = iter([held, held])  # the constructor's pick and the first start: both lost to `taken`
    real = celery_cluster.free_port
    monkeypatch.setattr(celery_cluster, "free_port", lambda: next(picks, None) or real())
    try:
        with CeleryCluster(tmp_path / "airflow", database_url, empty_database_url, workers=1) as cluster:
            assert cluster.port != held
            assert "address already in use" in (tmp_path / "airflow" / "logs" / "api-server.try1.log").read_text()
            assert cluster._api_answers()  # the server runs on the port picked again
    finally:
        taken.close()
