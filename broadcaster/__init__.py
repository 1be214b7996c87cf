"""broadcaster: the ward loudspeaker tool."""

import warnings

__version__ = "0.1.0"

# pydub looks for an ffmpeg on PATH at import and warns when there is none; we always hand it
# the binary bundled by imageio-ffmpeg (audio.ffmpeg()), so the warning is noise.
warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
