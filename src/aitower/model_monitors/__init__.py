"""Model monitors: references profiled once, scheduled drift, performance and fairness checks
of classic models over their logged predictions, their results and the Models pages.

It reads the prediction store (``predictions``) and computes with the pure ``statistics``; it
may import those, ``inventory`` and the core. Alerting reads its results
(``alert_metrics``) from above."""
