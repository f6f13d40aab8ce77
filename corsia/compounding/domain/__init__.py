"""Pure domain of compounding (UFA): preparation, gravimetric check, scans, leftovers, vials."""
