"""Shared test factories and scenario fixtures (per module), for any module's tests."""
