"""Fixtures of the audit tests: a moto server for AWS, loopback ARM and Google API servers,
and an environment where no SDK can find real credentials or reach a real cloud."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from custodes.model import Graph
from custodes.sources.documents import state_resources
from tests.audit.servers import LocalApi, Request, self_signed_certificate

SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
PROJECT = "audit-project"

# Variables through which an SDK could find real credentials or endpoints.
_CLOUD_VARIABLES = (
    "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID",
    "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_USERNAME",
    "IDENTITY_ENDPOINT", "MSI_ENDPOINT",
    "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT",
    "CUSTODES_CATALOG", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy",
)


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def offline_environment(home: Path) -> dict[str, str]:
    """Environment variables under which every SDK's default chain finds nothing and
    every metadata endpoint is a closed loopback port."""
    (home / "empty").mkdir(exist_ok=True)
    nowhere = str(home / "empty" / "none")
    return {
        "AWS_CONFIG_FILE": nowhere,
        "AWS_SHARED_CREDENTIALS_FILE": nowhere,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AZURE_CONFIG_DIR": str(home / "empty"),
        "AZURE_POD_IDENTITY_AUTHORITY_HOST": f"http://127.0.0.1:{closed_port()}",
        "CLOUDSDK_CONFIG": str(home / "empty"),
        "NO_GCE_CHECK": "true",
        "GCE_METADATA_HOST": f"127.0.0.1:{closed_port()}",
        "GCE_METADATA_IP": f"127.0.0.1:{closed_port()}",
        "NO_PROXY": "127.0.0.1,localhost",
        "HOME": str(home),
    }


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Every audit test runs without real credentials, proxies or cloud endpoints."""
    for name in _CLOUD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    environment = offline_environment(tmp_path)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return environment


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One moto server (server mode, loopback only) for the session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def reset_moto(moto_url: str) -> None:
    """Empty every moto account."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"),
                           timeout=10).read()


def moto_client(moto_url: str, service: str) -> Any:
    """A boto3 client of the moto server (for setting up an account)."""
    import boto3

    return boto3.client(service, region_name="us-east-2", endpoint_url=moto_url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def aws_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Credentials and boto3's own endpoint setting pointing at moto."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-2")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    return moto_url


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A loopback TLS certificate (Azure's SDK sends bearer tokens over HTTPS only)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


class AzureToken:
    """A TokenCredential that hands out a fixed token (what azure-identity returns)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        self.scopes.append(scopes)
        if self.error is not None:
            raise self.error
        return AccessToken("test-token", int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        from azure.core.credentials import AccessTokenInfo

        token = self.get_token(*scopes)
        return AccessTokenInfo(token.token, token.expires_on)


def arm_not_found(request: Request) -> tuple[int, Any]:
    """ARM's answer for what does not exist."""
    return 404, {"error": {"code": "ResourceNotFound", "message": f"{request.path} not found"}}


def arm_empty_lists(request: Request) -> tuple[int, Any] | None:
    """An empty page for every subscription-level list (what an empty subscription answers)."""
    if request.method == "GET" and request.path.count("/") == 5:
        return 200, {"value": []}
    return arm_not_found(request)


@pytest.fixture
def arm(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalApi]:
    """A loopback Azure Resource Manager (HTTPS, trusted through REQUESTS_CA_BUNDLE)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    with LocalApi(fallback=arm_empty_lists, certificate=certificate) as api:
        yield api


def google_error(status: int, reason: str, message: str = "") -> tuple[int, Any]:
    """A Google API error body."""
    return status, {"error": {"code": status, "message": message or reason, "status": reason}}


@pytest.fixture
def google() -> Iterator[LocalApi]:
    """A loopback server answering like Compute Engine and Cloud KMS (plain HTTP)."""
    with LocalApi(fallback=lambda request: google_error(404, "NOT_FOUND")) as api:
        yield api


def export(*resources: Mapping[str, Any]) -> dict[str, Any]:
    """A ``pulumi stack export`` document (version 3) holding ``resources``."""
    return {"version": 3, "deployment": {"manifest": {}, "resources": list(resources)}}


def state(type_token: str, name: str, identifier: str, inputs: Mapping[str, Any],
          outputs: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """One resource state of a stack export."""
    return {
        "urn": f"urn:pulumi:prod::confidential::{type_token}::{name}",
        "custom": True,
        "type": type_token,
        "id": identifier,
        "inputs": dict(inputs),
        "outputs": {**dict(inputs), **(outputs or {}), "id": identifier},
        **extra,
    }


def declared_graph(document: Mapping[str, Any]) -> Graph:
    """The graph of a stack export document."""
    return Graph(state_resources(document, "export"))


def write_json(path: Path, document: Any) -> Path:
    """Write ``document`` as JSON and return the path."""
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def environment_for_child(offline: Mapping[str, str], **extra: str) -> dict[str, str]:
    """The environment of a ``custodes`` child process: this test's offline settings."""
    base = {k: v for k, v in os.environ.items() if k not in _CLOUD_VARIABLES}
    return {**base, **offline, **extra}
