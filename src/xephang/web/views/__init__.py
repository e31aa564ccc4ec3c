"""Views grouped by what a person does, in the order of ``urls.py``: ``public`` (results, open data,
downloads), ``period`` (a period's administration), ``report`` (a unit's report and explanations),
``appraisal``, ``administration`` (criteria sets, audit trail) and ``analysis``. Each view is wrapped in
``permissions.allow``; scores come from the core or a frozen snapshot, never from arithmetic here."""
