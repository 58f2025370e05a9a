"""Discovery of shadow AI: AI use in logs, code and expenses that no registered system has."""
