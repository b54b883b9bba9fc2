"""The notifications app as a consumer of the events (kommune.core.events): activities, notifications, e-mails.

Durable: delivered from the outbox after the commit, so a follower's notification is never lost."""

from collections.abc import Mapping

from kommune.core.events import Consumer, Event, Handler, event_types, register_consumer


def handles() -> Mapping[type[Event], Handler]:
    from kommune.core.moderation.events import DecisionTaken, ReportAnswered, ReviewDecided
    from kommune.core.notifications import services, verbs

    handled = set(verbs.event_types_with_verbs())
    handled |= {event_type for event_type in event_types().values() if event_type.visibility is not None}
    handlers: dict[type[Event], Handler] = dict.fromkeys(handled, services.record_event)
    handlers[ReportAnswered] = services.notify_reporter
    handlers[DecisionTaken] = services.notify_decision
    handlers[ReviewDecided] = services.notify_review_outcome
    return handlers


CONSUMER = Consumer("notifications", handles, durable=True,
                    description="writes the activity and the followers' notifications (the registered verbs), "
                                "hides or withdraws activities (the events' visibility), tells a reporter the "
                                "answer, gives a person the moderation's statement of reasons and the outcome "
                                "of their review request")


def register() -> None:
    register_consumer(CONSUMER)
