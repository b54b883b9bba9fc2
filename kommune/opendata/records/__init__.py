"""The participation records as open data: per municipality and record set (kommune.core.records) a CSV and a
JSON file with a Frictionless datapackage.json, published in the catalogue as a generated dataset and rebuilt at
most once a day after the data changed.

- ``models.RecordSetState``: when a set's data last changed, when it was last built, its row count, the last error.
- ``subscribers``: marks a set as changed when one of its event verbs is published.
- ``builder``: streams the rows into the files and describes them (Table Schema, datapackage.json).
- ``services``: publishes one set, or all that are due; ``tasks`` and ``manage.py publish_records`` call them.
"""
