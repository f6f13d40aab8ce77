"""The FHIR R4 server at ``/fhir/`` (JSON, read-only): see README.md."""
