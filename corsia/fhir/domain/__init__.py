"""Pure FHIR R4: search parameters, OperationOutcome, Bundle, and the mapping of the
facts other modules hold to FHIR resources (dicts). No Django."""
