"""files -> text -> cleaned text -> chunks + metadata. No vector store or Slack code here."""
