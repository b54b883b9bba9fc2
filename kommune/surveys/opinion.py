"""The computation of an opinion map, as Pol.is does it, on a plain vote matrix (no database here).

votes: participants × statements, +1 agree, -1 disagree, 0 pass, NaN not voted.

1. Missing votes are imputed with the statement's (column's) mean; a statement nobody voted on gets 0.
2. PCA on the participants with enough votes; each participant's projection is scaled by
   sqrt(statements / own votes), so that people who voted on few statements are not pulled to the centre. The
   map shows the first two components.
3. k-means on the projection (its first CLUSTER_COMPONENTS components: two dimensions alone merge groups that
   differ only in the third) for k = 2..5; the k with the best silhouette wins.
4. Representative statements of a group: those the group agrees (or disagrees) with significantly more often than
   everyone else (two-proportion z-test, Laplace-smoothed rates, z >= 1.645, one-sided 5 %).
5. Consensus: statements that every group agrees with (or every group disagrees with), each with a smoothed rate
   of at least CONSENSUS_RATE.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans  # type: ignore[import-untyped]
from sklearn.decomposition import PCA  # type: ignore[import-untyped]
from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

MIN_VOTES = 7  # a participant with fewer votes is not placed on the map (as Pol.is)
Z_SIGNIFICANT = 1.645
CONSENSUS_RATE = 0.6
MAX_REPRESENTATIVE = 5
MAX_CONSENSUS = 10
CLUSTER_COMPONENTS = 5
SILHOUETTE_SAMPLE = 3000  # above this many participants the silhouette is computed on a sample


@dataclass
class Representative:
    statement: int  # column index
    direction: str  # "agree" or "disagree"
    group_rate: float
    rest_rate: float
    z: float


@dataclass
class Consensus:
    statement: int
    direction: str
    rates: list[float]


@dataclass
class OpinionResult:
    participants: list[int]  # row indexes of the placed participants
    coordinates: np.ndarray  # len(participants) × 2
    labels: np.ndarray  # group of each placed participant, 0..k-1
    k: int
    silhouette: float
    explained_variance: list[float]
    representative: list[list[Representative]] = field(default_factory=list)
    consensus: list[Consensus] = field(default_factory=list)


def impute(votes: np.ndarray) -> np.ndarray:
    counts = np.sum(~np.isnan(votes), axis=0)
    sums = np.nansum(votes, axis=0)
    means = np.divide(sums, counts, out=np.zeros(votes.shape[1]), where=counts > 0)
    return np.where(np.isnan(votes), means, votes)


def _z(success_a: float, n_a: float, success_b: float, n_b: float) -> float:
    """One-sided two-proportion z statistic of a > b with Laplace smoothing."""
    p_a = (success_a + 1) / (n_a + 2)
    p_b = (success_b + 1) / (n_b + 2)
    pooled = (success_a + success_b + 1) / (n_a + n_b + 2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / (n_a + 2) + 1 / (n_b + 2)))
    return (p_a - p_b) / spread if spread > 0 else 0.0


def _counts(votes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    block = votes[rows]
    return np.sum(block == 1, axis=0), np.sum(block == -1, axis=0), np.sum(~np.isnan(block), axis=0)


def representative_statements(votes: np.ndarray, members: list[np.ndarray]) -> list[list[Representative]]:
    everyone = np.concatenate(members) if members else np.array([], dtype=int)
    agree_all, disagree_all, seen_all = _counts(votes, everyone)
    result = []
    for rows in members:
        agree, disagree, seen = _counts(votes, rows)
        rest_agree, rest_disagree, rest_seen = agree_all - agree, disagree_all - disagree, seen_all - seen
        found: list[Representative] = []
        for column in range(votes.shape[1]):
            if seen[column] == 0:
                continue
            for direction, mine, theirs in (("agree", agree, rest_agree), ("disagree", disagree, rest_disagree)):
                z = _z(mine[column], seen[column], theirs[column], rest_seen[column])
                group_rate = (mine[column] + 1) / (seen[column] + 2)
                if z >= Z_SIGNIFICANT and group_rate > 0.5:
                    found.append(Representative(column, direction, float(group_rate),
                                                float((theirs[column] + 1) / (rest_seen[column] + 2)), float(z)))
        found.sort(key=lambda item: -item.z)
        result.append(found[:MAX_REPRESENTATIVE])
    return result


def consensus_statements(votes: np.ndarray, members: list[np.ndarray]) -> list[Consensus]:
    per_group = [_counts(votes, rows) for rows in members]
    found = []
    for column in range(votes.shape[1]):
        for direction, index in (("agree", 0), ("disagree", 1)):
            rates = [float((counts[index][column] + 1) / (counts[2][column] + 2)) for counts in per_group]
            if rates and min(rates) >= CONSENSUS_RATE:
                found.append(Consensus(column, direction, rates))
    found.sort(key=lambda item: -math.prod(item.rates))
    return found[:MAX_CONSENSUS]


def compute(votes: np.ndarray, *, min_votes: int = MIN_VOTES, seed: int = 0) -> OpinionResult | None:
    """The opinion map of ``votes``; None when too few participants voted enough to form two groups."""
    votes = np.asarray(votes, dtype=float)
    if votes.ndim != 2 or votes.shape[1] < 2:
        return None
    voted = np.sum(~np.isnan(votes), axis=1)
    needed = min(min_votes, votes.shape[1])
    placed = np.flatnonzero(voted >= needed)
    if len(placed) < 4:
        return None
    matrix = impute(votes)[placed]
    components = max(2, min(CLUSTER_COMPONENTS, votes.shape[1], len(placed) - 1))
    pca = PCA(n_components=components, random_state=seed)
    projection = pca.fit_transform(matrix)
    projection *= np.sqrt(votes.shape[1] / voted[placed])[:, None]
    coordinates = projection[:, :2]
    best: tuple[float, int, np.ndarray] | None = None
    for k in range(2, min(5, len(placed) - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(projection)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(projection, labels, sample_size=min(len(placed), SILHOUETTE_SAMPLE),
                                       random_state=seed))
        if best is None or score > best[0]:
            best = (score, k, labels)
    if best is None:
        return None
    score, k, labels = best
    # Groups numbered by size, largest first, so that group A is the largest.
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")
    relabel = np.empty(k, dtype=int)
    relabel[order] = np.arange(k)
    labels = relabel[labels]
    members = [placed[labels == group] for group in range(k)]
    return OpinionResult(
        participants=placed.tolist(), coordinates=coordinates, labels=labels, k=k, silhouette=score,
        explained_variance=[float(value) for value in pca.explained_variance_ratio_[:2]],
        representative=representative_statements(votes, members),
        consensus=consensus_statements(votes, members))


def synthetic_votes(participants: int, statements: int, *, groups: int = 3, consensus: int = 5,
                    participation: float = 0.6, noise: float = 0.1,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Votes with planted groups: each group has its own opinion on every statement (agree/disagree), except the
    first ``consensus`` statements, which every group agrees with. Each person votes on a random share of the
    statements and deviates from the group with probability ``noise``. Returns votes, true groups, consensus."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, groups, size=participants)
    opinions = rng.choice([-1.0, 1.0], size=(groups, statements))
    # Every other statement divides: where all groups happen to share the opinion, the last group differs.
    unanimous = np.all(opinions == opinions[0], axis=0)
    opinions[-1, unanimous] *= -1
    opinions[:, :consensus] = 1.0
    votes = opinions[truth].copy()
    flip = rng.random(votes.shape) < noise
    votes[flip] = rng.choice([-1.0, 0.0, 1.0], size=int(flip.sum()))
    votes[rng.random(votes.shape) > participation] = np.nan
    return votes, truth, list(range(consensus))
