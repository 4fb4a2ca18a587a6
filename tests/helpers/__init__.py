"""Helpers shared by the command-line, database and crash-safety tests."""
