"""Model monitors: references profiled once, scheduled drift, performance and fairness checks."""
