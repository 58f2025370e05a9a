"""Access: users, roles and the permission base, business units, API keys, sessions, login."""
