"""Email notifications: following by email (double opt-in) and sending announcements."""
