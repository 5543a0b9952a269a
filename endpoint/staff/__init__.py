"""The clinic's staff side (docs/staff.md): users and their credentials, login sessions,
who is asking (`auth`, also for the staff API), the login views, the calendar's view
model, its pages and the calendar feed."""
