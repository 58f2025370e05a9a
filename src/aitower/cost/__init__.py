"""Cost: the price catalog, organisation prices, spend, budgets and value."""
