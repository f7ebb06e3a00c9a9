"""Joining video clips: the explainer's sections become one file without re-encoding."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import av

__all__ = ["concat_videos"]


def concat_videos(paths: Sequence[Path], target: Path) -> None:
    """Join videos of the same codec, size and rate into ``target`` without re-encoding."""
    manifest = io.BytesIO(
        "".join(f"file 'file:{Path(path).resolve().as_posix()}'\n" for path in paths).encode()
    )
    with av.open(manifest, format="concat", options={"safe": "0"}) as source, av.open(
        str(target), mode="w"
    ) as joined:
        stream = source.streams.video[0]
        out_stream = joined.add_stream_from_template(template=stream)
        for packet in source.demux(stream):
            if packet.dts is None:  # the demuxer's flushing packets
                continue
            packet.dts = None  # timestamps restart in each file; let libav order them
            packet.stream = out_stream
            joined.mux(packet)
