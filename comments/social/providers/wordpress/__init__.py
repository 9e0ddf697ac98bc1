"""WordPress.com login (OAuth2), as on WordPress.com's own comment forms."""
