"""Loopback HTTP(S) servers that answer like the cloud APIs the audit reads.

A :class:`LocalApi` serves canned JSON from a route table on 127.0.0.1 only,
records every request, and shuts itself down after ``lifetime`` seconds even
if a test forgets to: no test can reach a real cloud, and no server outlives
its test. Responses are shaped by the SDKs' own models (``as_dict()`` of
azure-mgmt models, ``to_json`` of google-cloud messages) in the tests.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

Reply = tuple[int, Any]  # (status, JSON body or raw bytes)
Handler = Callable[["Request"], Reply | None]


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # names in lower case
    body: bytes


@dataclass
class LocalApi:
    """A route table served on 127.0.0.1 (HTTPS when ``certificate`` is given).

    ``routes`` maps ``(method, path)`` to one reply, a list of replies served in
    turn (the last one repeats), or a handler. ``fallback`` answers what no route
    names (default: 404 in the cloud's error shape, set per test module).
    """

    routes: dict[tuple[str, str], Reply | Sequence[Reply] | Handler] = field(default_factory=dict)
    fallback: Handler | None = None
    certificate: tuple[Path, Path] | None = None
    lifetime: float = 60.0
    requests: list[Request] = field(default_factory=list)
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._served: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """``http(s)://127.0.0.1:<port>``."""
        assert self._server is not None, "the server is not started"
        scheme = "https" if self.certificate else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def hits(self, method: str, path: str) -> int:
        """How many requests reached ``method path``."""
        return sum(1 for r in self.requests if r.method == method and r.path == path)

    def _reply(self, request: Request) -> Reply:
        key = (request.method, request.path)
        route = self.routes.get(key)
        if callable(route):
            reply = route(request)
            if reply is not None:
                return reply
        elif isinstance(route, list):
            with self._lock:
                index = self._served.get(key, 0)
                self._served[key] = index + 1
            return route[min(index, len(route) - 1)]
        elif route is not None:
            return route  # type: ignore[return-value]
        if self.fallback is not None:
            reply = self.fallback(request)
            if reply is not None:
                return reply
        return 404, {"error": {"code": "NotFound", "message": f"no route {key}"}}

    def __enter__(self) -> LocalApi:
        api = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parsed = urlparse(self.path)
                request = Request(self.command, parsed.path, parse_qs(parsed.query),
                                  {k.lower(): v for k, v in self.headers.items()},
                                  self.rfile.read(length))
                api.requests.append(request)
                status, body = api._reply(request)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                content_type = "text/xml" if isinstance(body, bytes) else "application/json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in api.headers.items():
                    self.send_header(name, value)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        if self.certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, self.certificate))
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        # Bounded: the server stops by itself even if the test never exits the block.
        self._timer = threading.Timer(self.lifetime, server.shutdown)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for ``127.0.0.1`` (clients trust it via ``REQUESTS_CA_BUNDLE``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
