"""Corsia's test suite, one package per module (outside the application package: the
architecture's import contracts speak of the application, and a test may use any module)."""
