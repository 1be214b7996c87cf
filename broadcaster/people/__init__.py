"""The web console's people and their sessions."""
