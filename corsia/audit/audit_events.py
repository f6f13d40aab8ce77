from corsia.audit.domain.events import register

ACCESS_LOG_VIEWED = register("audit.access_log_viewed", "Consultazione del registro degli accessi")
ACCESS_LOG_EXPORTED = register(
    "audit.access_log_exported", "Esportazione FHIR del registro degli accessi"
)
