"""The crash-safe relayer that carries messages between the layers, over a SQLite journal."""
