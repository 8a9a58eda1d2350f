"""Proving the stored history is the history that was recorded: verification and checkpoints."""
