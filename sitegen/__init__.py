"""sitegen: turns clinic files in `content/` into static booking pages (and checks them)."""
