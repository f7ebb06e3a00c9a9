"""The encoder of each play's clip: Manim's, converting a frame to YUV faster and once.

Manim copies each RGBA frame into a frame of PyAV's before converting it to the
codec's YUV, about 7.6 ms at 1080p; read where it lies, the same conversion takes 3.2.
A still (a ``wait``, a hold after a caption) reaches the encoder as one frame and a
repeat count, and Manim converts it once per repeat: a two-second hold at 60 fps, 120
times. About a third of the explainer's frames are such repeats.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

__all__ = ["StillOnceEncoder"]


class StillOnceEncoder(VideoSegmentEncoder):
    """Encodes a frame shown ``repeat`` times from one conversion of the caller's array.

    The conversion is the one PyAV makes inside ``encode`` (one converter per clip, the
    codec's size, format and threads), so the clip is the very one Manim's encoder
    writes; the codec copies each picture it is given, so one converted frame can be
    sent again with the next timestamp.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._converter = VideoReformatter()

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        """Encode ``pixels`` (RGBA, top row first) as the next ``repeat`` frames."""
        self._validate_frame(pixels, repeat)
        context = self._stream.codec_context
        rate = self.spec.frame_rate
        try:
            frame = self._converter.reformat(av.VideoFrame.from_numpy_buffer(pixels, format="rgba"), context.width,
                                             context.height, context.format, threads=context.thread_count)
            frame.time_base = Fraction(rate.denominator, rate.numerator)
            for _ in range(repeat):
                frame.pts = self._next_pts
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
