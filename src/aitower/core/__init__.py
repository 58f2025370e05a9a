"""The core every capability stands on: settings, the database and its migrations, access
(users, roles, business units, API keys, sessions), the audit chain, errors (problem+json),
the web kit (middleware, templates, charts, pagination, navigation, the Overview shell), the
background pass, the CLI kit, the demo's foundation, and the ``Slice`` a capability declares.

The core imports no capability and not the composition root (``aitower.app``): import-linter
checks it in ``make lint``."""
