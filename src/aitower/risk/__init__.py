"""Risk: EU AI Act tiering and the risk register."""
