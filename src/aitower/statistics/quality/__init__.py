"""Model quality: measured and estimated performance, and fairness by group (pure numpy).

``classification`` and ``regression`` measure performance on labelled predictions with
scikit-learn's definitions; ``estimation`` estimates binary classification performance from
calibrated scores when labels are missing (confidence-based performance estimation);
``fairness`` compares groups with Fairlearn's definitions; ``windows`` cuts rows into time
windows so each yields one result. See docs/model-quality.md.
"""
