# One date format per language, wherever a date is shown: 2026年12月1日 (Western years,
# domain.md §5; the Japanese era is optional and not used here). The SHORT_ names are the same
# on purpose, so a table and a sentence show a date alike.
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
