"""Scheduling: when and where a patient's day of an order starts (the appointment), from
which each drug's planned time follows."""
