"""What the activities app announces, for the apps above it to react to (docs/architecture.md: reports
read activities; activities do not call reports)."""

from django.dispatch import Signal

# Sent inside the transaction that closes a year, once per year (keyword arguments: year, closed_year).
# Receivers that enqueue work use the outbox, so the work commits, or rolls back, with the close.
year_closed = Signal()
