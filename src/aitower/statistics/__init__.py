"""Pure statistics of model monitoring: data drift (``drift``) and model quality and fairness
(``quality``), numpy and scipy only.

Nothing here touches storage, the web or the CLI (import-linter checks it): the model monitors
(``model_monitors``) load data, call these functions and store what they return; the
prediction store (``predictions``) keeps its columns in the shapes ``drift.columns`` reads.
Each formula's source and its independent reference are in docs/drift.md and the tests.
"""
