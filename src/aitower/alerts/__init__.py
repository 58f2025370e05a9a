"""Alerting: alert rules over every capability's metrics, their evaluator (with leases, so one
replica judges each rule), incidents with their timelines, and notifications (webhooks, Slack,
email) through channels.

It sits above the capabilities whose metrics it reads (``telemetry`` and ``model_monitors``,
through ``metric_catalog`` and ``metric_values``) and may import them, ``inventory`` (the
system a rule watches) and the core; nothing below imports it."""
