"""Words and times every part shares: errors, dates and clocks (when), the Vietnamese labels
of stored codes, the clock protocol. Imports nothing of ours but itself."""
