"""The web kit: the app factory of slices, middleware, problems, templates, charts, pagination,
navigation, login and the Overview shell."""
