"""The ward's non-antiblastic therapy, pure: schedules, as-needed rules, dose limits."""
