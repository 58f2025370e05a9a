"""The demo's foundation: a believable AI Operations team to explore aitower with.

``loader`` holds the business units, the users (one per role) and a key, and runs the
contributors it is given in one transaction; ``organisation`` is what they share. Each
capability declares its contributors in its ``Slice``; ``aitower.demo`` runs them all."""
