"""Sound itself: decoding and processing audio for loudspeakers (audio), playing it on a
sound device (player)."""
