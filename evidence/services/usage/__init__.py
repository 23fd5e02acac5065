"""Usage import: read provider files, write canonical facts in chunks, report progress."""
