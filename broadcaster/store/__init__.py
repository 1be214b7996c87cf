"""Files and the database, knowing no table's meaning: the SQLite/PostgreSQL engine and its
migrations, the daemon's journal, TOML reading and the one schema of what people write, the
station's signing key, file digests."""
