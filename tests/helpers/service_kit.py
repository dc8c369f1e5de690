"""Real parts for the service tests: uvicorn on loopback, a throwaway PostgreSQL cluster, a loopback issuer.

Nothing here is a mock: the service runs under uvicorn on 127.0.0.1 and is reached over TCP, PostgreSQL is
Debian's server started with initdb/pg_ctl on a loopback port, and hosted badges are served by a real HTTP
server whose answers a test can change (a badge revoked after import).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from obverify.service import Settings
from obverify.service.accounts import add_user, create_token

_users = itertools.count()
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def free_socket() -> socket.socket:
    """A listening-ready TCP socket bound to 127.0.0.1 on a free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class RunningService:
    """A uvicorn server in a thread of this process; `url` is its base URL."""

    server: uvicorn.Server
    thread: threading.Thread
    port: int
    app: Any

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def run_uvicorn(app: Any) -> Iterator[RunningService]:
    """Serve `app` with uvicorn on 127.0.0.1 (a free port) until the block ends."""
    sock = free_socket()
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield RunningService(server, thread, sock.getsockname()[1], app)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@dataclass
class Service:
    """A running service and how to reach it."""

    running: RunningService
    settings: Settings
    backend: str

    @property
    def url(self) -> str:
        return self.running.url

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def account(self, *identities: tuple[str, str], unverified: tuple[tuple[str, str], ...] = (),
                scope: str = "rw:backpack", email: str | None = None) -> tuple[str, str]:
        """A new user (login email unique to the test unless given) and a token; returns (email, token)."""
        email = email or f"user{next(_users)}@example.net"
        state = self.running.app.state.obverify
        with state.sessions() as session:
            add_user(session, email, identities, unverified)
            token = create_token(session, email, scope)
            session.commit()
        return email, token


Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Issuer:
    """A loopback HTTP server whose `routes` (path → (status, content type, body)) may change at any time."""

    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def put(self, path: str, body: bytes | dict[str, Any], *, status: int = 200,
            content_type: str = "application/json") -> str:
        """Serve `body` at `path`; returns the full URL."""
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        self.routes[path] = (status, content_type, data)
        return self.base + path

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, ctype, body = owner.routes.get(self.path.split("?")[0], (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def hosted_badge(issuer: Issuer, name: str, recipient: str, *, assertion: dict[str, Any] | None = None,
                 badge: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> str:
    """Publish a hosted OB 2.0 assertion (plaintext email recipient) with its badge class and issuer on
    `issuer`; `assertion`/`badge` add or replace properties, `drop` removes assertion properties. Returns
    the assertion URL."""
    base = issuer.base
    issuer.put("/issuer", {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": f"{base}/issuer",
                           "name": "Loopback Issuer", "url": base, "email": "badges@issuer.example"})
    issuer.put(f"/badges/{name}", {
        "@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": f"{base}/badges/{name}",
        "name": f"Loopback Badge {name}", "description": "A badge served by the test's own issuer.",
        "image": f"{base}/badges/{name}.png", "criteria": {"narrative": "Pass the test."}, "issuer": f"{base}/issuer",
        **(badge or {})})
    doc = {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": f"{base}/assertions/{name}",
        "recipient": {"type": "email", "hashed": False, "identity": recipient},
        "badge": f"{base}/badges/{name}", "issuedOn": "2024-01-01T00:00:00Z",
        "verification": {"type": "HostedBadge"}, **(assertion or {})}
    for key in drop:
        doc.pop(key, None)
    return issuer.put(f"/assertions/{name}", doc)


def merged_documents(cases: list[str], dest: Path) -> Path:
    """One document store holding the documents of `cases` (which must agree on every shared URL)."""
    dest.mkdir(parents=True, exist_ok=True)
    index: dict[str, Any] = {}
    contents: dict[str, bytes] = {}
    for case in cases:
        src = FIXTURES / case / "documents"
        if not (src / "index.json").exists():
            continue
        for url, entry in json.loads((src / "index.json").read_text()).items():
            name = entry if isinstance(entry, str) else entry.get("file")
            data = (src / name).read_bytes() if name else json.dumps(entry).encode()
            if url in contents:
                assert contents[url] == data, f"{case} disagrees on {url}"
                continue
            contents[url] = data
            if name:
                new = f"d{len(index):04d}{Path(name).suffix}"
                shutil.copyfile(src / name, dest / new)
                index[url] = new if isinstance(entry, str) else {**entry, "file": new}
            else:
                index[url] = entry
    (dest / "index.json").write_text(json.dumps(index, indent=1))
    return dest


# --- PostgreSQL: a throwaway cluster on a loopback port ---------------------------------------------------

def pg_bindir() -> Path:
    """Debian's PostgreSQL server binaries (`apt-get install postgresql`); .ci/run installs them."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql")
    return found[-1].parent


@dataclass
class PostgresCluster:
    """A running cluster; `url(db)` names a database on it."""

    bindir: Path
    datadir: Path
    port: int
    run_as: list[str]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://obverify@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> str:
        subprocess.run([*self.run_as, str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "obverify", name], check=True, capture_output=True)
        return self.url(name)


@contextmanager
def postgres_cluster(root: Path) -> Iterator[PostgresCluster]:
    """initdb + pg_ctl start on 127.0.0.1 (trust auth, loopback only), stopped and removed afterwards.

    PostgreSQL refuses to run as root; as root, the server runs as Debian's `postgres` user (or `nobody`).
    """
    bindir = pg_bindir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = "postgres" if _has_user("postgres") else "nobody"
        run_as = ["runuser", "-u", user, "--"]
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, user)
        root.chmod(0o700)
    datadir = root / "pgdata"
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(datadir), "-U", "obverify", "-A", "trust",
                    "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
    log = root / "pg.log"
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(log), "-w", "-t", "60",
                    "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
                          "-c full_page_writes=off -c synchronous_commit=off", "start"],
                   check=True, capture_output=True)
    try:
        yield PostgresCluster(bindir, datadir, port, run_as)
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"],
                       capture_output=True, check=False)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
