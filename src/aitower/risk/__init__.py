"""Risk: EU AI Act tiering (the questionnaire and its decision) and the risk register with
inherent and residual scores and reviews.

It may import ``inventory`` and the core; ``governance`` reads it from above."""
