"""Custom Rasa input channels, named in credentials.yml by their class path."""
