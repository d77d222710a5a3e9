"""Append-only, hash-chained audit trail. Write with audit.services.record() only."""
