"""Logging in to comment with a social account (django-allauth) or a local one."""
