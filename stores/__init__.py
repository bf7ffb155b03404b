"""Tracker and lock stores, named in endpoints.yml by their class path."""
