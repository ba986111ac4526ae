"""Times scikit-learn's IsolationForest (100 trees, 256 samples) fit+score on one data set.

Usage: iforest_sklearn.py FILE.npz [SEED]. Prints one line in the same form as
detect_accuracy --time: rows, fit+score seconds and ROC AUC.
"""
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def main():
    path = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    arrays = np.load(path)
    features = np.asarray(arrays["X"], dtype=np.float64)
    labels = np.asarray(arrays["y"])
    start = time.perf_counter()
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=1)
    forest.fit(features)
    scores = -forest.score_samples(features)
    seconds = time.perf_counter() - start
    print(f"rows {len(features)} fit_score_seconds {seconds:.3f} "
          f"auc {roc_auc_score(labels, scores):.4f}")


if __name__ == "__main__":
    main()
