"""Run one emulator in the foreground: `python -m talk_sandbox.serve SYSTEM [--port N] [--dir D] [--tls]`."""
from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from .processes import certificate
from .systems import SYSTEMS, emulator_class


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one Talk sandbox emulator")
    parser.add_argument("system", choices=sorted(SYSTEMS))
    parser.add_argument("--port", type=int)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--dir", help="data directory (default $TALK_SANDBOX_DIR or ./var/sandbox)")
    parser.add_argument("--tls", action="store_true",
                        help="serve HTTPS with the sandbox's self-signed certificate (made in the data directory)")
    args = parser.parse_args()
    emulator = emulator_class(args.system)(args.dir)
    port = args.port or SYSTEMS[args.system]["port"]
    tls = {}
    if args.tls:
        cert = certificate(Path(args.dir) if args.dir else None)
        tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(cert.with_name("tls-key.pem"))}
    uvicorn.run(emulator.app(), host=args.host, port=port, log_level="warning", access_log=False, **tls)


if __name__ == "__main__":
    main()
