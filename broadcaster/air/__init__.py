"""Airing: the air worker, what will air (agenda), what airs now (onair), a manual play, the
demo, a new station, the console's timetable edits."""
