"""English date formats (design.md: dates as 2026年11月28日 in Chinese and ISO in English). Only
what differs from Django's English formats; the rest falls back to them."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
