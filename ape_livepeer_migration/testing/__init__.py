"""Pytest fixtures and helpers for projects that test against the system on a local pair."""
