"""The prediction store: logged predictions of classic models, their late labels, the files and
batches they arrive in, and the windows monitors read.

It may import ``statistics`` (the column shapes), ``inventory`` and the core."""
