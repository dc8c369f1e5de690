"""`obverify serve`, `obverify users add` and `obverify tokens create` (a contract, like `obverify verify`).

    obverify serve [--host 127.0.0.1] [--port 8000] [--workers N] [--data DIR] [--documents DIR] [--offline]
    obverify users add EMAIL [--identity TYPE:VALUE]... [--unverified TYPE:VALUE]... [--data DIR]
    obverify tokens create EMAIL --scope r:backpack|rw:backpack [--data DIR]

`obverify.cli` only registers these names; the arguments and the work live here, and the service's
dependencies (FastAPI, uvicorn, SQLAlchemy, Alembic) are imported only when one of these commands runs,
so the library and the other commands work without the `service` extra. Exit status 2 for a usage error
(a missing extra included), 0 otherwise. `tokens create` prints the new token alone on its last line.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

COMMANDS = {
    "serve": "run the backpack service and verification page (extra: service)",
    "users": "add a backpack user and its identities (extra: service)",
    "tokens": "create a bearer token for a backpack user (extra: service)",
}
EXIT_USAGE = 2


def populate(name: str, parser: argparse.ArgumentParser) -> None:
    """Add the arguments of `name` to its subparser."""
    if name == "serve":
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes")
        parser.add_argument("--documents", metavar="DIR", help="a document store: DIR/index.json maps URL -> file")
        parser.add_argument("--offline", action="store_true", help="no network at all (only --documents)")
    elif name == "users":
        parser.add_argument("action", choices=["add"])
        parser.add_argument("email")
        parser.add_argument("--identity", action="append", default=[], metavar="TYPE:VALUE",
                            help="a verified identity: email, url, telephone or did (repeatable)")
        parser.add_argument("--unverified", action="append", default=[], metavar="TYPE:VALUE",
                            help="an identity not yet verified: its badges import as pending (repeatable)")
    elif name == "tokens":
        parser.add_argument("action", choices=["create"])
        parser.add_argument("email")
        parser.add_argument("--scope", required=True, choices=["r:backpack", "rw:backpack"])
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="the SQLite file and stored originals (default ./obverify-data, or OBVERIFY_DATA)")


def _missing_extra(parser: argparse.ArgumentParser, exc: ImportError) -> int:
    parser.print_usage(sys.stderr)
    sys.stderr.write(f"obverify: error: the service needs the optional extra: pip install 'obverify[service]' "
                     f"({exc.name or exc} is missing)\n")
    return EXIT_USAGE


def _settings(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Any:
    if args.data is not None:
        os.environ["OBVERIFY_DATA"] = args.data
    if getattr(args, "documents", None) is not None:
        os.environ["OBVERIFY_DOCUMENTS"] = args.documents
    if getattr(args, "offline", False):
        os.environ["OBVERIFY_OFFLINE"] = "1"
    from obverify.service.settings import Settings

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        parser.error(str(exc))
    try:
        settings.data.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"--data: cannot create {settings.data}: {exc.strerror}")
    return settings


def _database(settings: Any) -> Any:
    from obverify.service.db import make_engine, make_sessions
    from obverify.service.migrate import upgrade

    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    return engine, make_sessions(engine)


def _serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        parser.error("--workers must be at least 1")
    settings = _settings(parser, args)
    if settings.documents is not None:
        from obverify._engines.net.store import DocumentStore

        try:
            DocumentStore.from_directory(settings.documents)
        except ValueError as exc:
            parser.error(f"--documents: {exc}")
    engine, _ = _database(settings)  # once here, before the workers start
    engine.dispose()
    database = "OBVERIFY_DATABASE_URL" if settings.database_url else f"SQLite under {settings.data}"
    sys.stderr.write(f"obverify: serving on http://{args.host}:{args.port}/ (database: {database})\n")
    uvicorn.run("obverify.service:app", host=args.host, port=args.port, workers=args.workers,
                log_level="warning", proxy_headers=False)
    return 0


def _users(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from obverify.service.accounts import add_user, parse_identity

    try:
        identities = [parse_identity(t) for t in args.identity]
        unverified = [parse_identity(t) for t in args.unverified]
    except ValueError as exc:
        parser.error(str(exc))
    settings = _settings(parser, args)
    engine, sessions = _database(settings)
    try:
        with sessions() as session:
            try:
                user = add_user(session, args.email, identities, unverified)
            except ValueError as exc:
                parser.error(str(exc))
            session.commit()
            sys.stdout.write(f"user {user.email} ({user.entity_id})\n")
            for ident in sorted(user.identities, key=lambda i: (i.type, i.value)):
                sys.stdout.write(f"  {ident.type}:{ident.value} {'verified' if ident.verified else 'unverified'}\n")
    finally:
        engine.dispose()
    return 0


def _tokens(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from obverify.service.accounts import create_token

    settings = _settings(parser, args)
    engine, sessions = _database(settings)
    try:
        with sessions() as session:
            try:
                token = create_token(session, args.email, args.scope)
            except ValueError as exc:
                parser.error(str(exc))
            session.commit()
    finally:
        engine.dispose()
    sys.stdout.write(f"token for {args.email} with scope {args.scope} (shown once; only its hash is stored):\n")
    sys.stdout.write(token + "\n")
    return 0


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run the service command in `args.command`."""
    try:
        handler = {"serve": _serve, "users": _users, "tokens": _tokens}[args.command]
        return handler(parser, args)
    except ImportError as exc:
        return _missing_extra(parser, exc)
