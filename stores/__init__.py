"""Tracker stores, named in endpoints.yml by their class path."""
