# One date format per language, wherever a date is shown: ISO dates in English (2026-12-01),
# which read the same to every English reader; templates use DATE_FORMAT / DATETIME_FORMAT
# (or the SHORT_ names, which are the same), never a pattern of their own.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
