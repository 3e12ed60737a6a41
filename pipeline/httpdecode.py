"""Bounded decompression of HTTP bodies (gzip, deflate, br) for pipeline.http.

Output never exceeds the body cap, whatever the compression ratio, so a
decompression bomb stops at the cap with bounded memory.
"""

from __future__ import annotations

import zlib
from typing import Iterable, Iterator

import brotli

from .errors import TerminalFetchError, TransientFetchError

CHUNK = 64 * 1024
_CHUNK = CHUNK


class _Decoder:
    """Incremental gzip/deflate/br decoder whose output never exceeds `limit` bytes."""

    def __init__(self, encoding: str, limit: int):
        self.encoding, self.limit, self.size = encoding, limit, 0
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z, self._raw_fallback = zlib.decompressobj(), True
        elif encoding == "br":
            self._br = brotli.Decompressor()
        else:
            raise TerminalFetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from (self._feed_br(data) if self.encoding == "br" else self._feed_zlib(data))
        except (zlib.error, brotli.error) as exc:
            raise TerminalFetchError(f"corrupt {self.encoding} body: {exc}") from exc

    def _count(self, out: bytes) -> bytes:
        self.size += len(out)
        if self.size > self.limit:
            raise TerminalFetchError(f"decompressed body exceeds {self.limit} bytes")
        return out

    def _feed_zlib(self, data: bytes) -> Iterator[bytes]:
        if self.encoding == "deflate" and self._raw_fallback and data:
            # Servers send "deflate" both zlib-wrapped (per RFC) and raw; sniff the first bytes.
            self._raw_fallback = False
            if data[0] & 0x0F != 8:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        while data:
            yield self._count(self._z.decompress(data, _CHUNK))
            data = self._z.unconsumed_tail

    def _feed_br(self, data: bytes) -> Iterator[bytes]:
        yield self._count(self._br.process(data, output_buffer_limit=_CHUNK))
        while not self._br.can_accept_more_data():
            yield self._count(self._br.process(b"", output_buffer_limit=_CHUNK))

    def finish(self) -> None:
        """Complain if the compressed stream stopped early (truncated transfer)."""
        done = self._br.is_finished() if self.encoding == "br" else self._z.eof
        if not done:
            raise TransientFetchError(f"truncated {self.encoding} body")


def decode_stream(chunks: Iterable[bytes], encodings: list[str], limit: int) -> Iterator[bytes]:
    """Apply Content-Encoding decoders (listed in order applied) to a stream of chunks."""
    stream: Iterable[bytes] = chunks
    decoders = [_Decoder(e, limit) for e in reversed(encodings)]
    for decoder in decoders:
        stream = _pipe(stream, decoder)
    return iter(stream)


def _pipe(chunks: Iterable[bytes], decoder: _Decoder) -> Iterator[bytes]:
    for chunk in chunks:
        yield from decoder.feed(chunk)
    decoder.finish()
