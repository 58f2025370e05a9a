"""The peer of bench/discovery_duplicates.py: what a user would write with scikit-learn.

TF-IDF over each system's name, purpose and description (English stop words), cosine
similarity of all pairs, pairs at or above a threshold in different units, connected
components (scipy) as clusters. Reads a JSON file ``{"systems": [{id, unit, text}],
"thresholds": [...]}``; prints one JSON line: clusters per threshold and the seconds of the
first threshold's run (vectorise, all-pairs cosine, threshold, components).
"""

import json
import sys
import time

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity


def clusters(systems, threshold):
    matrix = TfidfVectorizer(stop_words="english").fit_transform(s["text"] for s in systems)
    similar = cosine_similarity(matrix, dense_output=False)
    similar.data[similar.data < threshold] = 0
    similar.eliminate_zeros()
    coo = similar.tocoo()
    units = np.array([s["unit"] for s in systems])
    keep = (coo.row < coo.col) & (units[coo.row] != units[coo.col])
    graph = csr_matrix((np.ones(keep.sum()), (coo.row[keep], coo.col[keep])), shape=similar.shape)
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)
    groups = {}
    for index, label in enumerate(labels):
        if sizes[label] > 1:
            groups.setdefault(int(label), []).append(systems[index]["id"])
    return list(groups.values())


def main():
    with open(sys.argv[1]) as handle:
        body = json.load(handle)
    out, seconds = [], None
    for threshold in body["thresholds"]:
        began = time.perf_counter()
        out.append(clusters(body["systems"], threshold))
        seconds = seconds if seconds is not None else time.perf_counter() - began
    print(json.dumps({"clusters": out, "seconds": seconds}))


if __name__ == "__main__":
    main()
