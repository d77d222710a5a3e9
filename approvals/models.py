"""approvals: its tables arrive with the issue that builds it (see DESIGN.md)."""
