"""`avtalebot bench`: quality against the naive setup and cost against corpus size."""
