"""Shared pieces of the REST API: scoping, permissions, errors, pagination, quarter fields and filters."""
