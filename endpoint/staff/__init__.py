"""The clinic's staff side (SPEC §8, §10): logins, the calendar's view model, its
pages and the calendar feed."""
