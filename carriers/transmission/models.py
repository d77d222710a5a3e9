"""The transmission stage (see DESIGN.md). Its tables arrive with the issue that builds the stage."""
