"""Groups of near-identical texts (repeat complaints, copies), so that an
evaluation never trains on one copy and tests on another."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def near_duplicate_groups(texts: Sequence[str], *, similarity: float = 0.8) -> np.ndarray:
    """A group number per text; texts whose word TF-IDF vectors have cosine
    similarity ≥ ``similarity`` (directly or through others) share one."""
    # (scikit-learn here, not at the top: the classifiers import this module, and
    # serving a prediction must not load what only an evaluation needs)
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    vectors = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True).fit_transform(texts)
    graph = (
        NearestNeighbors(radius=1 - similarity, metric="cosine")
        .fit(vectors)
        .radius_neighbors_graph(vectors, mode="connectivity")
    )
    _, groups = connected_components(graph, directed=False)
    return groups
