"""What the station is told to air: its settings (config), the scripts, the timetable and
the one-off queue."""
