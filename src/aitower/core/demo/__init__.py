"""The demo organisation: a believable AI Operations team to explore aitower with.

``loader`` holds the data and the list of demo contributors that later capabilities extend;
``cli`` adds ``aitower demo``; ``aitower serve --demo`` loads it into an empty database.
"""
