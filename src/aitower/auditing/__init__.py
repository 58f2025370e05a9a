"""The auditor's journey: the organisation as it stood on a date, and a signed export bundle."""
