"""Data drift: reference profiles and drift checks, pure (numpy and scipy, no storage, no web).

``build_profile`` computes a reference's profile once (``profile.py``); ``check_drift``
compares current data with it (``check.py``) using the statistics of ``statistics.py`` and
``ecdf.py``. See docs/drift.md for the methods, defaults, binning and edge cases.
"""

from aitower.statistics.drift.check import (
    DEFAULT_THRESHOLDS,
    Distribution,
    DriftReport,
    FeatureDrift,
    FeatureRule,
    Method,
    Status,
    check_drift,
)
from aitower.statistics.drift.columns import Categorical, Column, Dataset
from aitower.statistics.drift.profile import (
    CategoricalProfile,
    NumericProfile,
    ReferenceProfile,
    build_profile,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Categorical",
    "CategoricalProfile",
    "Column",
    "Dataset",
    "Distribution",
    "DriftReport",
    "FeatureDrift",
    "FeatureRule",
    "Method",
    "NumericProfile",
    "ReferenceProfile",
    "Status",
    "build_profile",
    "check_drift",
]
