"""The human review queue: outputs routed to a person, their verdicts, and what the verdicts
measure (quality per system, the detectors' precision per type)."""
