"""The discussion itself: posting, liking, the comment tree, and every read of comments."""
