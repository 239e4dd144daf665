"""Hall pages, split by who uses them."""
