"""The registry of features that a phase can open (comments now; proposals, surveys … from their apps).

A feature app calls ``register_feature`` in its AppConfig.ready(); staff then pick the registered
features per phase, and ``is_feature_open`` answers for any process at any time.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class Feature:
    key: str
    label: str | Promise


_features: dict[str, Feature] = {}


def register_feature(key: str, label: str | Promise) -> None:
    _features[key] = Feature(key, label)


def registered_features() -> list[Feature]:
    return sorted(_features.values(), key=lambda feature: feature.key)


def feature_choices() -> list[tuple[str, str | Promise]]:
    return [(feature.key, feature.label) for feature in registered_features()]


def is_feature_open(process, key: str, now: datetime | None = None) -> bool:
    """True while a running phase of a published process opens ``key``."""
    from kommune.core.processes.timing import PhaseState, phase_state

    if not process.is_published:
        return False
    now = now or timezone.now()
    return any(key in phase.features and phase_state(phase, now) is PhaseState.RUNNING
               for phase in process.phases.all())
