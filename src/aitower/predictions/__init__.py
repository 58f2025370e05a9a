"""Logged predictions of classic models, their late labels, and the windows monitors read."""
