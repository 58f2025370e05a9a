"""Which AI pays off: value models and ROI per system, optimisation advice, the portfolio's
scale / keep / fix / retire decisions, the executive dashboard and its scheduled reports."""
