"""From a script to its audio: the render cache, installed voices, the officer's recordings,
and each script's check and length."""
