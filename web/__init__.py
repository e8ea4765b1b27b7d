"""The review site: reviewers read cited passages in their documents and label answers."""
