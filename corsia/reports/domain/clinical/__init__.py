"""The clinical statistics of capitolato §21, pure: counts, demographics, stays, toxicities,
relative dose intensity and survival. No Django: the report definitions read the modules'
selectors and hand plain rows here."""
