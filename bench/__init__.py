"""The benchmark (`make bench`, issue #13): a large tenant built fast from a seed, and the
figures it is measured by, each a ratio to a floor measured in the same run. Nothing in the
product imports this package; it imports every app (it sits above prm in the import order)."""
