"""Reports: named statistics and extractions over the other modules (issue 23)."""
