"""Commenters' personal data: export, erasure, retention."""
