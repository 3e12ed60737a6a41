"""The fixture news site: three feeds and twelve article pages served over loopback."""

from __future__ import annotations

from pathlib import Path

import yaml

from .loopback import LoopbackServer

SITE = Path(__file__).parent / "fixtures" / "site"
FEEDS = {"industry.rss": "application/rss+xml", "business.rss": "application/rss+xml",
         "ev.atom": "application/atom+xml"}


def serve_site(server: LoopbackServer) -> None:
    """Add every feed and article of the fixture site to a running server."""
    for path in sorted((SITE / "articles").glob("*.html")):
        server.add(f"/news/{path.name}", path.read_text(encoding="utf-8").replace("{{BASE}}", server.base))
    for name, content_type in FEEDS.items():
        body = (SITE / "feeds" / name).read_text(encoding="utf-8").replace("{{BASE}}", server.base)
        server.add(f"/feeds/{name}", body, content_type=content_type)


def write_feeds_file(server: LoopbackServer, path: Path) -> Path:
    """A feeds.yml listing the fixture feeds of this server."""
    feeds = [{"name": name, "url": server.url(f"/feeds/{name}"), "enabled": True} for name in FEEDS]
    path.write_text(yaml.safe_dump({"feeds": feeds}), encoding="utf-8")
    return path


def article_count() -> int:
    return len(list((SITE / "articles").glob("*.html")))


def demo_parser():
    """Options of the offline demo server."""
    import argparse
    parser = argparse.ArgumentParser(description=main.__doc__)
    # Under .data/ (ignored by git), so the demo leaves nothing untracked in the project.
    parser.add_argument("--feeds-file", default=".data/fixture-feeds.yml", type=Path)
    return parser


def main() -> None:
    """Serve the fixture site until Ctrl-C, for trying `make run` offline."""
    import time
    args = demo_parser().parse_args()
    args.feeds_file.parent.mkdir(parents=True, exist_ok=True)
    with LoopbackServer() as server:
        serve_site(server)
        path = write_feeds_file(server, args.feeds_file.resolve())
        print(f"serving {server.base}; feeds file: {path}\n"
              f"run: TIEUP_FEEDS_FILE={path} TIEUP_ALLOW_PRIVATE_HOSTS=1 make run", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:  # the way to stop it: no traceback
            pass


if __name__ == "__main__":
    main()
