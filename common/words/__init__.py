"""The language tables: every sentence a patient or a staff member reads, in nb, nn and en.

The core and the services raise codes; the words for a code live here once per
language. `pages` holds the booking pages' strings, `messages` the texts of
e-mails and SMS, `dates` how days and times are written, `plural` the
number-dependent forms ("1 ledig", "2 ledige").
"""
