"""Readers: each turns one kind of input into the canonical tables."""
