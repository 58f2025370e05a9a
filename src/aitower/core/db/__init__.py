"""The database: engine (SQLite or PostgreSQL), the model base and types, migrations."""
