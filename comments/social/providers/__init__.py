"""django-allauth providers that allauth does not ship (each one is an installed app)."""
