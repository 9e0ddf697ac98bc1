"""Moderation and spam: the pipeline a new comment goes through, Akismet, editors' actions and readers' reports."""
