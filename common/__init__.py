"""What both deployables need and the pure core cannot hold.

`sitegen` and `endpoint` never import each other; both stand on this package,
which stands on `booking`. It reads clinic files (`content`: YAML with line
numbers, into the core's model), renders clinics' own message templates in a
bounded sandbox (`dialogs`), and keeps every sentence a patient or a staff
member reads, per language (`words`).
"""
