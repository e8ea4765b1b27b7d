"""The Slack bot. The only package that imports slack_bolt."""
