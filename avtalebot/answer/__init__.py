"""The answering core: evidence selection, facts from metadata, citations, abstention."""
