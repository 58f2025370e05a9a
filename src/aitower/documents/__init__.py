"""Generated documentation of an AI system: system card, Annex IV skeleton, FRIA template."""
